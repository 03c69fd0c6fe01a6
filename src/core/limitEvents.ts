// When a limit acts on a confined app, read from the counters of its cgroup:
// memory.events (oom_kill: the kernel killed a process at MemoryMax; high: the app was
// pushed back under MemoryHigh) and pids.events (max: a fork was refused at TasksMax).
// systemd-oomd kills by signal and is not counted in oom_kill, so its kills (which GNOME
// already reports) never show up here.

import {fill, untranslated, type Translate} from './translate.js';

export type LimitKind = 'oom-kill' | 'memory-high' | 'tasks-max';

/** The property each kind of event is about, as named in the profile. */
export const LIMIT_PROPERTY: Readonly<Record<LimitKind, string>> = {
    'oom-kill': 'MemoryMax',
    'memory-high': 'MemoryHigh',
    'tasks-max': 'TasksMax',
};

/** A "key value" file of cgroup v2 (memory.events, pids.events) as numbers. */
export function parseEventCounts(text: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of text.split('\n')) {
        const [key, value, ...rest] = line.trim().split(/\s+/);
        const number = Number(value);
        if (key && rest.length === 0 && Number.isFinite(number))
            counts.set(key, number);
    }
    return counts;
}

/** A fresh unit killed for memory before this age was killed by the kernel, not systemd-oomd. */
export const YOUNG_UNIT_MS = 20_000;

/** Throttling counts as sustained once it goes on this long… */
export const SUSTAINED_MS = 3000;
/** …with no pause longer than this in between. */
export const THROTTLE_GAP_MS = 10_000;

/**
 * The counters of one unit over its life. Each kind is reported at most once per
 * unit, that is once per launch; the first reading is the baseline, so a unit that
 * was throttled before Confine was enabled is not reported for it. A unit seen
 * starting is `fresh`: its cgroup is new, so its counters start at 0 and an event
 * before the first reading still counts.
 */
export class LimitEvents {
    #memory: Map<string, number> | null;
    #pids: Map<string, number> | null;
    #readMemory = false;
    readonly #fresh: boolean;
    readonly #startMs: number;
    #reported = new Set<LimitKind>();
    #throttleStartMs: number | null = null;
    #lastThrottleMs = 0;
    #reachedMemoryMax = false;

    /** `startMs`: when a fresh unit was seen starting, on the clock of the other `nowMs`. */
    constructor({fresh = false, startMs = 0} = {}) {
        this.#fresh = fresh;
        this.#startMs = startMs;
        this.#memory = fresh ? new Map() : null;
        this.#pids = fresh ? new Map() : null;
    }

    /** A new reading of memory.events at `nowMs`; returns what to report now. */
    memoryEvents(counts: Map<string, number>, nowMs: number): LimitKind[] {
        const before = this.#memory;
        this.#memory = counts;
        this.#readMemory = true;
        if (!before)
            return [];
        const found: LimitKind[] = [];
        if (rose(before, counts, 'max') || rose(before, counts, 'oom'))
            this.#reachedMemoryMax = true;
        if (rose(before, counts, 'oom_kill'))
            found.push('oom-kill');
        if (rose(before, counts, 'high')) {
            if (this.#throttleStartMs === null || nowMs - this.#lastThrottleMs > THROTTLE_GAP_MS)
                this.#throttleStartMs = nowMs;
            this.#lastThrottleMs = nowMs;
            if (nowMs - this.#throttleStartMs >= SUSTAINED_MS)
                found.push('memory-high');
        }
        return this.#once(found);
    }

    /** A new reading of pids.events; returns what to report now. */
    pidsEvents(counts: Map<string, number>): LimitKind[] {
        const before = this.#pids;
        this.#pids = counts;
        return before && rose(before, counts, 'max') ? this.#once(['tasks-max']) : [];
    }

    /**
     * The unit ended with `result` at `nowMs`. A kill can remove the unit's cgroup
     * before its oom_kill count is read (the file monitor reports a change some time
     * after it, and the read that follows then finds no file); "oom-kill" then counts
     * when the unit was seen at its MemoryMax (memory.events max/oom) before, which a
     * systemd-oomd kill is not, or when a fresh unit died young: systemd-oomd acts
     * only on pressure or swap use sustained for tens of seconds
     * (ManagedOOMMemoryPressureDurationSec, 30 s by default), never on a unit that has
     * not lived that long. A memory bomb can pass its limit between two readings, so
     * one reading below it is no proof of systemd-oomd.
     */
    unitResult(result: string, nowMs: number): LimitKind[] {
        const young = this.#fresh && (!this.#readMemory || nowMs - this.#startMs < YOUNG_UNIT_MS);
        return result === 'oom-kill' && (this.#reachedMemoryMax || young) ? this.#once(['oom-kill']) : [];
    }

    #once(kinds: LimitKind[]): LimitKind[] {
        const fresh = kinds.filter(kind => !this.#reported.has(kind));
        fresh.forEach(kind => this.#reported.add(kind));
        return fresh;
    }
}

function rose(before: Map<string, number>, after: Map<string, number>, key: string): boolean {
    return (after.get(key) ?? 0) > (before.get(key) ?? 0);
}

export interface LimitNotice {
    readonly title: string;
    readonly body: string;
}

/**
 * The notification for one event; `limit` is the property's value in the unit (such
 * as "200 MiB"). `profile` is the profile's name as the unit's description gives it.
 */
export function limitNotice(kind: LimitKind, app: string, profile: string, limit: string | null,
    _: Translate = untranslated): LimitNotice {
    const property = LIMIT_PROPERTY[kind];
    const values = {app, profile, value: limit === null ? property : `${property} ${limit}`};
    switch (kind) {
    case 'oom-kill':
        return {
            title: fill(_('{app} was stopped at its memory limit'), values),
            body: fill(_('A process of {app} was killed because it reached the memory limit of its Confine profile “{profile}” ({value}).'), values),
        };
    case 'memory-high':
        return {
            title: fill(_('{app} is slowed down by its memory limit'), values),
            body: fill(_('{app} keeps reaching the memory throttle point of its Confine profile “{profile}” ({value}), so it is being slowed down and its memory reclaimed.'), values),
        };
    case 'tasks-max':
        return {
            title: fill(_('{app} reached its process limit'), values),
            body: fill(_('{app} could not start another process or thread because of the process limit of its Confine profile “{profile}” ({value}).'), values),
        };
    }
}
