// Lowering MemoryMax below what a running app of the profile uses now makes the kernel
// reclaim the app's memory at once or, when it cannot, kill it: the profile editor
// says so while the value is typed, before it is saved.

import {describeSize, formatBinarySize} from './describe.js';
import {fill, untranslated, type Translate} from './translate.js';

/** One running unit of an app: the app's name and the memory the unit uses now (MemoryCurrent). */
export interface AppMemory {
    readonly app: string;
    readonly bytes: number;
}

/** The bytes a normalized MemoryMax value allows; null for no limit, or a share of RAM of unknown size. */
export function memoryLimitBytes(value: string, memTotal: number | null): number | null {
    const meaning = describeSize(value, memTotal);
    switch (meaning.kind) {
    case 'unlimited':
        return null;
    case 'percent':
        return meaning.bytes === null ? null : Math.floor(meaning.bytes);
    case 'absolute':
        return meaning.bytes;
    }
}

/**
 * The apps whose units use more now than the MemoryMax `value` allows, each app once
 * (with its largest unit, since the limit holds per unit), the largest first.
 */
export function appsAboveLimit(value: string, memTotal: number | null, units: readonly AppMemory[]): AppMemory[] {
    const limit = memoryLimitBytes(value, memTotal);
    if (limit === null)
        return [];
    const largest = new Map<string, number>();
    for (const {app, bytes} of units) {
        if (bytes > limit && bytes > (largest.get(app) ?? -1))
            largest.set(app, bytes);
    }
    return [...largest].map(([app, bytes]) => ({app, bytes}))
        .sort((a, b) => b.bytes - a.bytes || a.app.localeCompare(b.app));
}

/** The editor's warning line for each app the MemoryMax `value` would squeeze. */
export function memoryWarnings(value: string, memTotal: number | null, units: readonly AppMemory[],
    _: Translate = untranslated): string[] {
    const limit = memoryLimitBytes(value, memTotal);
    if (limit === null)
        return [];
    return appsAboveLimit(value, memTotal, units).map(({app, bytes}) =>
        // Translators: under MemoryMax in the profile editor: "Calculator uses 310.0 MiB now; with a limit of 250.0 MiB …".
        fill(_('{app} uses {usage} now; with a limit of {limit} the kernel will reclaim its memory or kill it.'),
            {app, usage: formatBinarySize(bytes), limit: formatBinarySize(limit)}));
}
