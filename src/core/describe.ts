// What a property value means on this machine, as numbers the preferences panel
// turns into sentences ("70 % ≈ 10.9 GiB of 15.5 GiB").
//
// The inputs are values already normalized by `checkValue`, so only that form is
// read here; the grammar itself lives in validation.ts.

const BINARY_UNITS: Record<string, number> = {'': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40};

export type SizeMeaning =
    | {readonly kind: 'unlimited'}
    | {readonly kind: 'percent'; readonly percent: number; readonly bytes: number | null; readonly total: number | null}
    | {readonly kind: 'absolute'; readonly bytes: number; readonly percent: number | null; readonly total: number | null};

/** Total RAM in bytes from the text of /proc/meminfo, or null when it cannot be read. */
export function parseMemTotal(meminfo: string): number | null {
    const match = /^MemTotal:\s+(\d+)\s+kB$/m.exec(meminfo);
    return match ? Number(match[1]) * 1024 : null;
}

/**
 * The meaning of a normalized size value (MemoryMax, MemoryHigh, MemorySwapMax) given
 * the machine's RAM; `total` is null when the RAM size is unknown.
 */
export function describeSize(value: string, total: number | null): SizeMeaning {
    if (value === 'infinity')
        return {kind: 'unlimited'};
    if (value.endsWith('%')) {
        const percent = Number(value.slice(0, -1));
        return {kind: 'percent', percent, total, bytes: total === null ? null : total * percent / 100};
    }
    const match = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(value);
    if (!match)
        throw new Error(`not a normalized size: ${JSON.stringify(value)}`);
    const bytes = Number(match[1]) * BINARY_UNITS[match[2]];
    return {kind: 'absolute', bytes, total, percent: total === null || total === 0 ? null : bytes * 100 / total};
}

/** Bytes as GNOME Settings shows memory: binary units, one decimal ("10.9 GiB"). */
export function formatBinarySize(bytes: number): string {
    const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    if (unit === 0)
        return `${Math.round(value)} bytes`;
    return `${value.toFixed(1)} ${units[unit]}`;
}

/** A percentage for display: whole numbers stay whole, others get one decimal. */
export function formatPercent(percent: number): string {
    const rounded = Math.round(percent * 10) / 10;
    return Number.isInteger(rounded) ? `${rounded}` : rounded.toFixed(1);
}

/** How many CPUs' worth of time a normalized CPUQuota ("150%") grants. */
export function quotaInCpus(value: string): number {
    if (!value.endsWith('%'))
        throw new Error(`not a normalized CPU quota: ${JSON.stringify(value)}`);
    return Number(value.slice(0, -1)) / 100;
}
