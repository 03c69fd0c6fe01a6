// What the running-apps menu reads of an app unit each refresh, at the least cost to the
// shell. The counters (memory, CPU time, tasks) come from the unit's cgroup files, which
// the kernel keeps and systemd itself reads for MemoryCurrent, CPUUsageNSec and
// TasksCurrent: reading them asks nobody. The limits and the cgroup's path come from the
// user manager, with one GetAll when a unit is first seen and every few refreshes after
// (limits only change when someone sets them). A file that is missing where the manager
// has no value either is not read again; should the manager have values the files lack,
// it is asked each refresh instead (see counterSources).

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {
    COUNTER_FILES, USAGE_PROPERTIES, counterOfFile, counterSources, type CounterProperty, type CounterSources, type UsageSample,
} from '../core/appUsage.js';
import {isCancelled, unitProperties, type RunningAppUnit} from '../settings/appUnits.js';
import {loadContents} from './runtimeFiles.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** After how many refreshes the user manager is asked for a unit's limits again. */
const LIMITS_REFRESHES = 5;
const COUNTERS = Object.keys(COUNTER_FILES) as CounterProperty[];

type Counters = Partial<Record<CounterProperty, number | null>>;

/** Every counter unknown: what a counter whose file is missing stays. */
const UNKNOWN_COUNTERS: Counters = Object.fromEntries(COUNTERS.map(counter => [counter, null]));

interface KnownUnit {
    /** The unit's properties as the user manager last gave them. */
    readonly properties: Record<string, unknown>;
    /** Its cgroup's directory, if the manager named one. */
    readonly cgroup: string | null;
    readonly sources: CounterSources;
    /** Refreshes since the properties were read. */
    age: number;
}

/** A counter file's value; null when it cannot be read (no such file: no such controller, or the unit ended). */
async function readCounter(cgroup: string, counter: CounterProperty, cancellable: Gio.Cancellable): Promise<number | null> {
    try {
        const contents = await loadContents(Gio.File.new_for_path(`${cgroup}/${COUNTER_FILES[counter]}`), cancellable);
        return counterOfFile(counter, new TextDecoder().decode(contents));
    } catch (error) {
        if (isCancelled(error))
            throw error;
        return null;
    }
}

async function readCounters(cgroup: string | null, counters: readonly CounterProperty[], cancellable: Gio.Cancellable): Promise<Counters> {
    if (cgroup === null)
        return {};
    const values = await Promise.all(counters.map(counter => readCounter(cgroup, counter, cancellable)));
    return Object.fromEntries(counters.map((counter, index) => [counter, values[index]]));
}

/** The unit's cgroup went away since the last reading. */
export class UnitEnded extends Error {
    constructor(unit: string) {
        super(`${unit} ended`);
    }
}

export class UnitUsage {
    readonly #connection: Gio.DBusConnection;
    readonly #known = new Map<string, KnownUnit>();

    constructor(connection: Gio.DBusConnection) {
        this.#connection = connection;
    }

    /** The unit's figures now; throws UnitEnded, or when the user manager cannot be asked. */
    async read(unit: RunningAppUnit, cancellable: Gio.Cancellable): Promise<UsageSample> {
        const known = this.#known.get(unit.name);
        if (known && known.age < LIMITS_REFRESHES && !known.sources.fromManager) {
            known.age++;
            const read = await readCounters(known.cgroup, known.sources.files, cancellable);
            // A file that was there is gone with its cgroup: the unit ended.
            if (known.sources.files.some(counter => read[counter] === null)) {
                this.#known.delete(unit.name);
                throw new UnitEnded(unit.name);
            }
            const counters = {...UNKNOWN_COUNTERS, ...read};
            return {values: {...known.properties as UsageSample['values'], ...counters}, timeUs: GLib.get_monotonic_time()};
        }
        const properties = await unitProperties(this.#connection, unit, [...USAGE_PROPERTIES, 'ControlGroup'], cancellable);
        const path = properties.ControlGroup;
        const cgroup = typeof path === 'string' && path !== '' ? `${CGROUP_ROOT}${path}` : null;
        const counters = {...UNKNOWN_COUNTERS, ...await readCounters(cgroup, COUNTERS, cancellable)};
        const sources = counterSources(properties, counters);
        this.#known.set(unit.name, {properties, cgroup, sources, age: 1});
        const values = sources.fromManager ? properties : {...properties, ...counters};
        return {values: values as UsageSample['values'], timeUs: GLib.get_monotonic_time()};
    }

    /** Forgets every unit but `names`: the next reading of a forgotten one asks the user manager again. */
    keepOnly(names: ReadonlySet<string>): void {
        for (const name of this.#known.keys()) {
            if (!names.has(name))
                this.#known.delete(name);
        }
    }
}
