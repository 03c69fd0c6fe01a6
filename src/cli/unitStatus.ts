// What `confine ps` shows of a running unit: the limits systemd applies, read back from
// the unit's D-Bus properties, named like the profile properties of the catalogue.

import {PROPERTIES, type PropertySpec} from '../core/properties.js';

/** A unit as the user manager's ListUnitsByPatterns reports it. */
export interface ListedUnit {
    readonly name: string;
    readonly description: string;
    readonly activeState: string;
    readonly subState: string;
}

/** D-Bus property name → value: t → bigint, u → number, ay → Uint8Array, b → boolean, s → string. */
export type UnitProperties = Readonly<Record<string, unknown>>;

/** systemd's "no limit" for 64-bit values. */
const UNSET = 2n ** 64n - 1n;

/** The D-Bus properties `confine ps` reads besides those of the catalogue. */
export const USAGE_PROPERTIES = ['MemoryCurrent', 'TasksCurrent'] as const;

/** A 64-bit property value, or null when it is missing or systemd's "infinity". */
function asLimit(value: unknown): number | null {
    if (typeof value === 'bigint')
        return value >= UNSET ? null : Number(value);
    if (typeof value === 'number')
        return value;
    return null;
}

/** Bytes the way systemctl prints them: binary units, at most one decimal. */
export function formatBytes(bytes: number): string {
    const units = ['B', 'K', 'M', 'G', 'T', 'P'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    const shown = unit === 0 ? `${value}` : value.toFixed(1).replace(/\.0$/, '');
    return `${shown}${units[unit]}`;
}

/** CPU numbers from systemd's CPU bitmask (byte 0, bit 0 is CPU 0), as ranges like 0-3,6. */
export function formatCpuMask(mask: ArrayLike<number>): string {
    const cpus: number[] = [];
    for (let byte = 0; byte < mask.length; byte++) {
        for (let bit = 0; bit < 8; bit++) {
            if (mask[byte] & (1 << bit))
                cpus.push(byte * 8 + bit);
        }
    }
    const ranges: string[] = [];
    for (let i = 0; i < cpus.length;) {
        let j = i;
        while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1)
            j++;
        ranges.push(i === j ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
        i = j + 1;
    }
    return ranges.join(',');
}

/** The D-Bus property that holds a catalogue property of a running unit. */
export function dbusPropertyOf(spec: PropertySpec): string {
    return spec.name === 'CPUQuota' ? 'CPUQuotaPerSecUSec' : spec.name;
}

/** The catalogue property as systemd applies it, or null when the unit leaves it unset. */
export function appliedValue(spec: PropertySpec, properties: UnitProperties): string | null {
    const raw = properties[dbusPropertyOf(spec)];
    switch (spec.kind) {
    case 'boolean':
        return raw === true ? 'yes' : null;
    case 'enum':
        return typeof raw === 'string' && raw !== '' && raw !== 'no' ? raw : null;
    case 'cpu-set': {
        if (raw === null || typeof raw !== 'object' || !('length' in raw))
            return null;
        const cpus = formatCpuMask(raw as ArrayLike<number>);
        return cpus === '' ? null : cpus;
    }
    default: {
        const value = asLimit(raw);
        if (value === null)
            return null;
        if (spec.name === 'CPUQuota')
            return `${Math.round(value / 100) / 100}%`;
        if (spec.kind === 'size')
            return formatBytes(value);
        return `${value}`;
    }
    }
}

/** The D-Bus properties to read for a unit of this type. */
export function propertiesToRead(unitName: string): string[] {
    const isService = unitName.endsWith('.service');
    const limits = PROPERTIES.filter(spec => spec.scope || isService).map(dbusPropertyOf);
    return [...limits, ...USAGE_PROPERTIES];
}

/** One block per unit: name and description, state and usage, then the limits in force. */
export function formatUnit(unit: ListedUnit, properties: UnitProperties): string {
    const isService = unit.name.endsWith('.service');
    const usage = [`${unit.activeState}/${unit.subState}`];
    const tasks = asLimit(properties.TasksCurrent);
    if (tasks !== null)
        usage.push(`${tasks} ${tasks === 1 ? 'task' : 'tasks'}`);
    const memory = asLimit(properties.MemoryCurrent);
    if (memory !== null)
        usage.push(`${formatBytes(memory)} memory`);

    const limits = PROPERTIES
        .filter(spec => spec.scope || isService)
        .flatMap(spec => {
            const value = appliedValue(spec, properties);
            return value === null ? [] : [`${spec.name}=${value}`];
        });
    return [
        `${unit.name}  ${unit.description}`,
        `  ${usage.join(', ')}`,
        `  ${limits.length > 0 ? limits.join(' ') : 'no limits'}`,
    ].join('\n');
}
