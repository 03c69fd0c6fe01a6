// Names remembered for a while, such as the units that ended a moment ago or the apps
// that were just started unconfined: a check is a lookup, and old names are dropped as
// new ones come, so nothing needs a timer.

export class RecentNames {
    readonly #ms: number;
    readonly #now: () => number;
    /** Name → when it was noted, in `now`'s milliseconds. */
    readonly #noted = new Map<string, number>();

    /** `ms`: how long a name counts as recent; `now`: a monotonic clock in milliseconds. */
    constructor(ms: number, now: () => number) {
        this.#ms = ms;
        this.#now = now;
    }

    note(name: string): void {
        const now = this.#now();
        for (const [old, at] of this.#noted) {
            if (now - at > this.#ms)
                this.#noted.delete(old);
        }
        this.#noted.set(name, now);
    }

    has(name: string): boolean {
        const at = this.#noted.get(name);
        return at !== undefined && this.#now() - at <= this.#ms;
    }

    /** How many names are kept (recent or not yet dropped). */
    get size(): number {
        return this.#noted.size;
    }
}
