// What the running-apps menu shows for a unit: its usage against its limits, named as
// the user manager's unit properties. The limits come from those properties; the
// counters from the unit's cgroup files, which are what systemd itself reads for them.
// systemd reports "no value" as the uint64 maximum (and a unit without the memory
// controller, as in a container, has no MemoryCurrent at all, nor a memory.current
// file): such values are unknown, never 0 or NaN.

import {fill, untranslated, type Translate} from './translate.js';

/** The limits the menu shows: unit properties that only change when someone sets them. */
export const LIMIT_PROPERTIES = ['MemoryMax', 'MemoryHigh', 'CPUQuotaPerSecUSec', 'TasksMax'] as const;

/**
 * The counters the menu shows, each with the file of the unit's cgroup (cgroup v2) it
 * is read from, as systemd reads it for the property of the same name.
 */
export const COUNTER_FILES = {MemoryCurrent: 'memory.current', CPUUsageNSec: 'cpu.stat', TasksCurrent: 'pids.current'} as const;

export type CounterProperty = keyof typeof COUNTER_FILES;

/** The unit properties the menu reads, as D-Bus returns them (uint64, so possibly imprecise). */
export const USAGE_PROPERTIES = [...Object.keys(COUNTER_FILES) as CounterProperty[], ...LIMIT_PROPERTIES] as const;

export type UsageProperty = typeof USAGE_PROPERTIES[number];

/** One reading of a unit's properties, with the monotonic time (µs) it was taken at. */
export interface UsageSample {
    /** null (or absent): the value is unknown. */
    readonly values: Readonly<Partial<Record<UsageProperty, number | bigint | null>>>;
    readonly timeUs: number;
}

/** Values at or above this are systemd's "unset"/"infinity" (the uint64 maximum, rounded in a double). */
const UNSET_FROM = 2 ** 63;

/** A property's value as a number, or null when the manager has none (unset, infinity or missing). */
export function known(value: number | bigint | undefined | null): number | null {
    if (value === undefined || value === null)
        return null;
    const number = Number(value);
    return Number.isFinite(number) && number >= 0 && number < UNSET_FROM ? number : null;
}

/**
 * A counter from the text of its cgroup file: memory.current and pids.current hold one
 * number, cpu.stat has "usage_usec N" (systemd's CPUUsageNSec is N µs in ns). Null when
 * the text holds no such number.
 */
export function counterOfFile(property: CounterProperty, text: string): number | null {
    const match = property === 'CPUUsageNSec' ? /^usage_usec (\d+)$/m.exec(text) : /^(\d+)\n?$/.exec(text);
    if (!match)
        return null;
    const value = Number(match[1]);
    return property === 'CPUUsageNSec' ? value * 1000 : value;
}

/** Where a unit's counters come from until its properties are read again. */
export interface CounterSources {
    /** The counters to read from the cgroup's files: those whose file is there. */
    readonly files: readonly CounterProperty[];
    /**
     * The user manager has a counter whose file is missing: the files are not the ones
     * it reads (another cgroup layout), so it is asked for the counters each refresh.
     */
    readonly fromManager: boolean;
}

/**
 * Compares what the user manager and the cgroup's files said at the same time. A file
 * that is missing where the manager has no value either (no such controller: memory in a
 * container, everything on a cgroup v1 host) is not read again: its counter is unknown.
 */
export function counterSources(manager: Readonly<Record<string, unknown>>,
    files: Readonly<Partial<Record<CounterProperty, number | null>>>): CounterSources {
    const counters = Object.keys(COUNTER_FILES) as CounterProperty[];
    return {
        files: counters.filter(counter => files[counter] !== null && files[counter] !== undefined),
        fromManager: counters.some(counter => (files[counter] ?? null) === null && known(manager[counter] as number | undefined) !== null),
    };
}

/** CPU use between two samples in percent of one CPU, or null when it cannot be told. */
export function cpuPercent(earlier: UsageSample | null, later: UsageSample): number | null {
    if (!earlier)
        return null;
    const before = known(earlier.values.CPUUsageNSec);
    const after = known(later.values.CPUUsageNSec);
    const elapsedNs = (later.timeUs - earlier.timeUs) * 1000;
    if (before === null || after === null || after < before || elapsedNs <= 0)
        return null;
    return (after - before) / elapsedNs * 100;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "512 MiB", "1.5 GiB": one decimal below 10, none above. */
export function formatBytes(bytes: number): string {
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
        value /= 1024;
        unit++;
    }
    const digits = unit === 0 || value >= 10 ? 0 : 1;
    return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatPercent(percent: number): string {
    return `${percent.toFixed(percent < 10 ? 1 : 0)} %`;
}

/** A value the user manager cannot give (no memory controller, say), untranslated. */
export const UNKNOWN = 'unknown';
/** The CPU rate before a second sample exists. */
export const MEASURING = '…';

/** One measure of a row: its text and, when it has a limit, how full it is (0…1, may exceed 1). */
export interface Measure {
    readonly text: string;
    readonly level: number | null;
}

function measure(current: number | null, limit: number | null, format: (value: number) => string,
    _: Translate): Measure {
    const now = current === null ? _('unknown') : format(current);
    if (limit === null)
        return {text: now, level: null};
    // Translators: a measure against its limit, such as "300 MiB of 1.0 GiB".
    return {text: fill(_('{now} of {limit}'), {now, limit: format(limit)}), level: current === null || limit === 0 ? null : current / limit};
}

/** CPU against CPUQuota; before a second sample exists it is still being measured, not unknown. */
function cpuMeasure(earlier: UsageSample | null, later: UsageSample, quotaPercent: number | null,
    _: Translate): Measure {
    if (earlier !== null || known(later.values.CPUUsageNSec) === null)
        return measure(cpuPercent(earlier, later), quotaPercent, formatPercent, _);
    return {
        text: quotaPercent === null ? MEASURING : fill(_('{now} of {limit}'), {now: MEASURING, limit: formatPercent(quotaPercent)}),
        level: null,
    };
}

export interface UsageRow {
    readonly memory: Measure;
    /** Which limit the memory level is against, for the label: MemoryMax if set, else MemoryHigh. */
    readonly memoryLimit: 'MemoryMax' | 'MemoryHigh' | null;
    readonly cpu: Measure;
    readonly tasks: Measure;
}

/** The figures of one row from the latest sample and the one before it (for the CPU rate). */
export function usageRow(earlier: UsageSample | null, later: UsageSample, _: Translate = untranslated): UsageRow {
    const values = later.values;
    const memoryMax = known(values.MemoryMax);
    const memoryHigh = known(values.MemoryHigh);
    const memoryLimit = memoryMax !== null ? 'MemoryMax' : memoryHigh !== null ? 'MemoryHigh' : null;
    const quotaUs = known(values.CPUQuotaPerSecUSec);
    return {
        memory: measure(known(values.MemoryCurrent), memoryMax ?? memoryHigh, formatBytes, _),
        memoryLimit,
        cpu: cpuMeasure(earlier, later, quotaUs === null ? null : quotaUs / 10_000, _),
        tasks: measure(known(values.TasksCurrent), known(values.TasksMax), value => `${value}`, _),
    };
}

/** The profile name in a unit description written by Confine: "App (Confine profile Strict)". */
export function profileOfDescription(description: string): string | null {
    const match = /\(Confine profile (.*)\)$/.exec(description);
    return match ? match[1]! : null;
}

export interface ListedUnit {
    readonly name: string;
    readonly confined: boolean;
    /** What the row is sorted by: the app's name. */
    readonly label: string;
}

/** Confined apps first, then by name, then by unit name so the order is stable. */
export function compareListedUnits(a: ListedUnit, b: ListedUnit): number {
    if (a.confined !== b.confined)
        return a.confined ? -1 : 1;
    return a.label.localeCompare(b.label) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
