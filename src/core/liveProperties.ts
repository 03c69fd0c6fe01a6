// A profile applied to a unit that already runs: the user manager's
// SetUnitProperties(name, runtime=true, properties) takes resource-control properties
// in their D-Bus form (what systemd-run -p sends), never sandbox options, which only
// take effect when a service starts.

import {PROPERTIES, findProperty} from './properties.js';
import type {Resolution} from './resolution.js';
import {SIZE_FACTORS, UINT64_MAX, type PropertyValues} from './validation.js';

/** One (sv) entry of SetUnitProperties: the D-Bus property, its type and value. */
export interface UnitAssignment {
    readonly name: string;
    readonly signature: 't' | 'u' | 'ay';
    readonly value: bigint | readonly number[];
}

export interface LiveChange {
    /** What SetUnitProperties gets: changed values, and removed ones back to systemd's default. */
    readonly assignments: readonly UnitAssignment[];
    /** Properties of the profile this systemd does not know; they are left out. */
    readonly unsupported: readonly string[];
}

export interface UnitDefaults {
    /** The manager's DefaultTasksMax, which every new unit gets; null when unknown (then infinity). */
    readonly tasksMax: bigint | null;
    /** The manager's systemd version; null when unknown (then every property is tried). */
    readonly systemdVersion: number | null;
}

const UINT32_MAX = 2n ** 32n - 1n;
const USEC_PER_SEC = 1_000_000n;

/** The resource-control properties of the catalogue: the ones a running unit can take. */
export const RESOURCE_PROPERTIES: readonly string[] = PROPERTIES.filter(spec => spec.scope).map(spec => spec.name);

/** The sandbox options: they need a service started with them. */
export const SANDBOX_PROPERTIES: readonly string[] = PROPERTIES.filter(spec => !spec.scope).map(spec => spec.name);

/** "12.5%" → 1250, as systemd's parse_permyriad reads it. */
function permyriad(percent: string): bigint {
    const [whole, fraction = ''] = percent.slice(0, -1).split('.');
    return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

/** systemd's UINT32_SCALE_FROM_PERMYRIAD: a share of physical memory or of the kernel's task limit. */
function scaleFromPermyriad(value: bigint): bigint {
    const clamped = value > 10000n ? 10000n : value;
    return (clamped * UINT32_MAX + 5000n) / 10000n;
}

/** "1.5G" → bytes, rounding down as systemd's parse_size does. */
function sizeBytes(text: string): bigint {
    const match = /^(\d+)(?:\.(\d+))?([KMGT]?)$/.exec(text);
    if (!match)
        throw new Error(`not a size: ${text}`);
    const fraction = match[2] ?? '';
    const factor = SIZE_FACTORS[match[3]!]!;
    return (BigInt(match[1]! + fraction) * factor) / 10n ** BigInt(fraction.length);
}

/** "0-3,6" → the byte mask of systemd's cpu_set_to_dbus (bit n of byte n/8 is CPU n). */
export function cpuSetMask(list: string): number[] {
    const mask: number[] = [];
    for (const item of list.split(',')) {
        const [first, last = first] = item.split('-').map(Number);
        for (let cpu = first!; cpu <= last!; cpu++) {
            while (mask.length <= cpu >> 3)
                mask.push(0);
            mask[cpu >> 3]! |= 1 << (cpu & 7);
        }
    }
    return mask;
}

/** A validated profile value in the form SetUnitProperties takes. */
export function unitAssignment(property: string, value: string): UnitAssignment {
    const kind = findProperty(property)?.kind;
    switch (kind) {
    case 'size':
    case 'tasks':
        if (value === 'infinity')
            return {name: property, signature: 't', value: UINT64_MAX};
        if (value.endsWith('%'))
            return {name: `${property}Scale`, signature: 'u', value: scaleFromPermyriad(permyriad(value))};
        return {name: property, signature: 't', value: kind === 'size' ? sizeBytes(value) : BigInt(value)};
    case 'cpu-quota':
        return {name: 'CPUQuotaPerSecUSec', signature: 't', value: permyriad(value) * USEC_PER_SEC / 10000n};
    case 'weight':
        return {name: property, signature: 't', value: BigInt(value)};
    case 'cpu-set':
        return {name: property, signature: 'ay', value: cpuSetMask(value)};
    default:
        throw new Error(`${property} cannot be set on a running unit`);
    }
}

/** What a unit has when nobody set the property (systemd-run -p NAME= with nothing after it). */
function defaultAssignment(property: string, defaults: UnitDefaults): UnitAssignment {
    if (property === 'AllowedCPUs')
        return {name: property, signature: 'ay', value: []};
    if (property === 'CPUQuota')
        return {name: 'CPUQuotaPerSecUSec', signature: 't', value: UINT64_MAX};
    if (property === 'TasksMax')
        return {name: property, signature: 't', value: defaults.tasksMax ?? UINT64_MAX};
    // MemoryMax, MemoryHigh, MemorySwapMax: infinity; CPUWeight, IOWeight: unset.
    return {name: property, signature: 't', value: UINT64_MAX};
}

/**
 * A unit property as read back: a bigint, a byte list, or null when the unit does not
 * have it. systemd's "none" (2^64 - 1) comes as null (see unitProperties in the shell)
 * or as the double 2^64 that GJS makes of it.
 */
function readBack(value: unknown): bigint | number[] | null {
    if (value === null)
        return UINT64_MAX;
    if (typeof value === 'bigint')
        return value;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
        return value >= 2 ** 64 ? UINT64_MAX : BigInt(Math.round(value));
    if (value instanceof Uint8Array || Array.isArray(value))
        return Array.from(value as ArrayLike<number>);
    return null;
}

function sameValue(assignment: UnitAssignment, current: unknown): boolean {
    const known = readBack(current);
    if (known === null)
        return false;
    if (Array.isArray(assignment.value)) {
        // Trailing zero bytes name no CPU.
        const trim = (bytes: readonly number[]) => {
            let end = bytes.length;
            while (end > 0 && bytes[end - 1] === 0)
                end--;
            return bytes.slice(0, end).join(',');
        };
        return Array.isArray(known) && trim(known) === trim(assignment.value);
    }
    return known === assignment.value;
}

/**
 * What to send so a running unit has exactly the resource properties `desired` of a
 * profile (an empty map: none, as in stock GNOME), given the unit's current
 * properties (its D-Bus properties, unpacked). Values it already has are left out; a
 * share of memory or tasks (N%) is always sent, since the unit reads it back in bytes.
 */
export function liveChange(desired: PropertyValues, current: Readonly<Record<string, unknown>>, defaults: UnitDefaults): LiveChange {
    const assignments: UnitAssignment[] = [];
    const unsupported: string[] = [];
    for (const property of RESOURCE_PROPERTIES) {
        const value = desired.get(property);
        const since = findProperty(property)?.since ?? 0;
        if (defaults.systemdVersion !== null && since > defaults.systemdVersion) {
            if (value !== undefined)
                unsupported.push(property);
            continue;
        }
        const assignment = value === undefined ? defaultAssignment(property, defaults) : unitAssignment(property, value);
        const readName = assignment.name.endsWith('Scale') ? null : assignment.name;
        if (readName === null || !sameValue(assignment, current[readName]))
            assignments.push(assignment);
    }
    return {assignments, unsupported};
}

/** A sandbox option as a unit reads it back (a scope has none: all off). */
function sandboxValue(property: string, current: Readonly<Record<string, unknown>>): string {
    const value = current[property];
    if (typeof value === 'boolean')
        return value ? 'yes' : 'no';
    return typeof value === 'string' && value !== '' ? value : 'no';
}

/**
 * The sandbox options of `desired` that the running unit does not have as asked, and
 * those it has that `desired` dropped: only a restart through Confine applies them.
 */
export function pendingSandbox(desired: PropertyValues, current: Readonly<Record<string, unknown>>): string[] {
    return SANDBOX_PROPERTIES.filter(property => (desired.get(property) ?? 'no') !== sandboxValue(property, current));
}

/**
 * What "restart to apply" names for an app: the sandbox options (pendingSandbox) that
 * any of its running units differs in from `desired`, once each, in catalogue order.
 * None when the profile is missing or invalid (null): its units are left as they are.
 */
export function restartPending(desired: PropertyValues | null, units: readonly Readonly<Record<string, unknown>>[]): string[] {
    if (desired === null)
        return [];
    const pending = new Set(units.flatMap(unit => pendingSandbox(desired, unit)));
    return SANDBOX_PROPERTIES.filter(property => pending.has(property));
}

/**
 * The properties a resolution asks of an app's units: the profile's for a confined
 * app, none for an unconfined one, and null when the profile is missing or invalid (the
 * units are then left as they are).
 */
export function resolvedProperties(resolution: Resolution): PropertyValues | null {
    switch (resolution.kind) {
    case 'confined':
        return resolution.profile.properties;
    case 'unconfined':
        return new Map();
    case 'missing':
    case 'invalid':
        return null;
    }
}

/** Only the resource-control part of a profile's properties, in catalogue order. */
export function resourcePart(properties: PropertyValues): PropertyValues {
    return new Map([...properties].filter(([name]) => RESOURCE_PROPERTIES.includes(name)));
}

/** True when two sets of properties ask the same of a running unit's resources. */
export function sameResources(a: PropertyValues | null, b: PropertyValues | null): boolean {
    if (a === null || b === null)
        return a === b;
    const text = (properties: PropertyValues) => JSON.stringify([...resourcePart(properties)]);
    return text(a) === text(b);
}

/** True when two sets of properties ask the same sandbox of a unit. */
export function sameSandbox(a: PropertyValues | null, b: PropertyValues | null): boolean {
    if (a === null || b === null)
        return a === b;
    return SANDBOX_PROPERTIES.every(property => (a.get(property) ?? 'no') === (b.get(property) ?? 'no'));
}
