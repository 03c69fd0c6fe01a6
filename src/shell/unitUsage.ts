// What the running-apps menu reads of an app unit each refresh, at the least cost to the
// shell. The counters (memory, CPU time, tasks) come from the unit's cgroup files, which
// the kernel keeps and systemd itself reads for MemoryCurrent, CPUUsageNSec and
// TasksCurrent: reading them asks nobody. They stay open while the menu shows the unit,
// so that each reading is one read with the time the kernel answered (counterFiles.ts).
// The limits and the cgroup's path come from the user manager, with one GetAll when a
// unit is first seen and every few refreshes after (limits only change when someone sets them). A file that is missing where the manager
// has no value either is not read again; should the manager have values the files lack,
// it is asked each refresh instead (see counterSources).

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {
    COUNTER_FILES, USAGE_PROPERTIES, counterOfFile, counterSources, type CounterProperty, type CounterSources, type UsageSample,
} from '../core/appUsage.js';
import {unitProperties, type RunningAppUnit} from '../settings/appUnits.js';
import {CounterFile, readCounterFiles} from './counterFiles.js';

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
    readonly sources: CounterSources;
    /** The files of `sources.files`, open (see counterFiles.ts for why they are kept). */
    readonly files: ReadonlyMap<CounterProperty, CounterFile>;
    /** Refreshes since the properties were read. */
    age: number;
}

function closeAll(files: ReadonlyMap<CounterProperty, CounterFile>): void {
    files.forEach(file => file.close());
}

/** The counter files of `cgroup` that can be opened. */
async function openCounterFiles(cgroup: string | null, cancellable: Gio.Cancellable): Promise<Map<CounterProperty, CounterFile>> {
    const files = new Map<CounterProperty, CounterFile>();
    if (cgroup === null)
        return files;
    const opened = await Promise.allSettled(COUNTERS.map(counter => CounterFile.open(`${cgroup}/${COUNTER_FILES[counter]}`, cancellable)));
    opened.forEach((outcome, index) => {
        if (outcome.status === 'fulfilled' && outcome.value)
            files.set(COUNTERS[index], outcome.value);
    });
    if (cancellable.is_cancelled()) {
        closeAll(files);
        cancellable.set_error_if_cancelled();
    }
    return files;
}

interface CounterReading {
    readonly counters: Counters;
    readonly timeUs: number;
}

/** The counters of `files` now (null: unreadable), and when the kernel gave them. */
async function readCounters(files: ReadonlyMap<CounterProperty, CounterFile>, cancellable: Gio.Cancellable): Promise<CounterReading> {
    const entries = [...files];
    const {texts, timeUs} = await readCounterFiles(entries.map(([, file]) => file), cancellable);
    const counters = Object.fromEntries(entries.map(([counter], index) => {
        const text = texts[index];
        return [counter, text === null ? null : counterOfFile(counter, text)];
    }));
    return {counters, timeUs};
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
            const {counters, timeUs} = await readCounters(known.files, cancellable);
            // A file that was there is gone with its cgroup: the unit ended.
            if (known.sources.files.some(counter => counters[counter] === null)) {
                this.#forget(unit.name);
                throw new UnitEnded(unit.name);
            }
            return {values: {...known.properties as UsageSample['values'], ...UNKNOWN_COUNTERS, ...counters}, timeUs};
        }
        const properties = await unitProperties(this.#connection, unit, [...USAGE_PROPERTIES, 'ControlGroup'], cancellable);
        const path = properties.ControlGroup;
        // Opened anew with each GetAll: a unit started again under the same name has a new cgroup.
        const files = await openCounterFiles(typeof path === 'string' && path !== '' ? `${CGROUP_ROOT}${path}` : null, cancellable);
        let reading;
        try {
            reading = await readCounters(files, cancellable);
        } catch (error) {
            closeAll(files);
            throw error;
        }
        const counters = {...UNKNOWN_COUNTERS, ...reading.counters};
        const sources = counterSources(properties, counters);
        // Only the files read from on the next refreshes stay open.
        const kept = new Map<CounterProperty, CounterFile>();
        for (const [counter, file] of files) {
            if (!sources.fromManager && sources.files.includes(counter))
                kept.set(counter, file);
            else
                file.close();
        }
        this.#forget(unit.name);
        this.#known.set(unit.name, {properties, sources, files: kept, age: 1});
        if (sources.fromManager)
            return {values: properties as UsageSample['values'], timeUs: GLib.get_monotonic_time()};
        return {values: {...properties, ...counters} as UsageSample['values'], timeUs: reading.timeUs};
    }

    #forget(name: string): void {
        const known = this.#known.get(name);
        if (known)
            closeAll(known.files);
        this.#known.delete(name);
    }

    /** Forgets every unit but `names`: the next reading of a forgotten one asks the user manager again. */
    keepOnly(names: ReadonlySet<string>): void {
        for (const name of this.#known.keys()) {
            if (!names.has(name))
                this.#forget(name);
        }
    }
}
