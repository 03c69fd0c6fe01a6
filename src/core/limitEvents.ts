// When a limit acts on a confined app, read from the counters of its cgroup:
// memory.events (oom_kill: the kernel killed a process at MemoryMax; high: the app was
// pushed back under MemoryHigh) and pids.events (max: a fork was refused at TasksMax).
// systemd-oomd kills by signal and is not counted in oom_kill, so its kills (which GNOME
// already reports) never show up here.

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
    #reported = new Set<LimitKind>();
    #throttleStartMs: number | null = null;
    #lastThrottleMs = 0;
    #reachedMemoryMax = false;

    constructor({fresh = false} = {}) {
        this.#fresh = fresh;
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
     * The unit ended with `result`. A kill can remove the unit's cgroup before its
     * oom_kill count is read; "oom-kill" then counts when the unit was seen at its
     * MemoryMax (memory.events max/oom) before, which a systemd-oomd kill is not, or
     * when a fresh unit died before its counters could be read at all: systemd-oomd
     * acts only on pressure or swap use sustained for many seconds, never on a unit
     * that young.
     */
    unitResult(result: string): LimitKind[] {
        const kernelKill = this.#reachedMemoryMax || (this.#fresh && !this.#readMemory);
        return result === 'oom-kill' && kernelKill ? this.#once(['oom-kill']) : [];
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

/** The notification for one event; `limit` is the property's value in the unit (such as "200 MiB"). */
export function limitNotice(kind: LimitKind, app: string, profile: string, limit: string | null): LimitNotice {
    const property = LIMIT_PROPERTY[kind];
    const value = limit === null ? property : `${property} ${limit}`;
    switch (kind) {
    case 'oom-kill':
        return {
            title: `${app} was stopped at its memory limit`,
            body: `A process of ${app} was killed because it reached the memory limit of its Confine profile “${profile}” (${value}).`,
        };
    case 'memory-high':
        return {
            title: `${app} is slowed down by its memory limit`,
            body: `${app} keeps reaching the memory throttle point of its Confine profile “${profile}” (${value}), so it is being slowed down and its memory reclaimed.`,
        };
    case 'tasks-max':
        return {
            title: `${app} reached its process limit`,
            body: `${app} could not start another process or thread because of the process limit of its Confine profile “${profile}” (${value}).`,
        };
    }
}
