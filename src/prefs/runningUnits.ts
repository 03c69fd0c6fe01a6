// The app units that run now, read from the user manager over the session bus: the
// Applications page tells which running apps need a restart for their profile's
// sandbox options, the profile editor how much memory the apps of a profile use.
// Read when a page asks (shown, settings changed), never polled.

import Gio from 'gi://Gio';

import {SANDBOX_PROPERTIES} from '../core/liveProperties.js';
import {isCancelled, listAppUnits, unitProperties} from '../settings/appUnits.js';

export interface RunningUnit {
    readonly name: string;
    readonly desktopId: string;
    /** Its sandbox options and MemoryCurrent, as unitProperties gives them. */
    readonly values: Readonly<Record<string, unknown>>;
}

/** Reads the running app units; the panel takes another one in its tests. */
export type ReadRunningUnits = (cancellable: Gio.Cancellable) => Promise<RunningUnit[]>;

const READ_PROPERTIES = [...SANDBOX_PROPERTIES, 'MemoryCurrent'];

export const readRunningUnits: ReadRunningUnits = async cancellable => {
    const connection = Gio.DBus.session;
    const units = await listAppUnits(connection, cancellable);
    const read = await Promise.all(units.map(async (unit): Promise<RunningUnit | null> => {
        try {
            return {name: unit.name, desktopId: unit.desktopId, values: await unitProperties(connection, unit, READ_PROPERTIES, cancellable)};
        } catch (error) {
            if (isCancelled(error))
                throw error;
            // A unit that ended since the list.
            return null;
        }
    }));
    return read.filter(unit => unit !== null);
};

/** The values of the running units of each app, by desktop id. */
export function unitsByApp(units: readonly RunningUnit[]): Map<string, Readonly<Record<string, unknown>>[]> {
    const byApp = new Map<string, Readonly<Record<string, unknown>>[]>();
    for (const unit of units)
        byApp.set(unit.desktopId, [...byApp.get(unit.desktopId) ?? [], unit.values]);
    return byApp;
}

/**
 * The reads of one page: each shows its units through `show` unless a later read was
 * started meanwhile; cancelled when the page goes away.
 */
export class RunningUnitsReads {
    readonly #readUnits: ReadRunningUnits;
    readonly #show: (units: RunningUnit[]) => void;
    readonly #cancellable = new Gio.Cancellable();
    #reads = 0;

    constructor(readUnits: ReadRunningUnits, show: (units: RunningUnit[]) => void) {
        this.#readUnits = readUnits;
        this.#show = show;
    }

    async read(): Promise<void> {
        const read = ++this.#reads;
        const units = await this.#readUnits(this.#cancellable);
        if (read === this.#reads)
            this.#show(units);
    }

    /** A read nobody waits for: a user manager that cannot be reached only leaves the lines out. */
    readInBackground(): void {
        this.read().catch(error => {
            if (!isCancelled(error))
                console.warn(`Confine: cannot read the running apps: ${error}`);
        });
    }

    cancel(): void {
        this.#cancellable.cancel();
    }
}
