// Notifications when a limit acts on a confined app. Nothing is polled: the user
// manager's signals say when a Confine unit starts and ends, and a file monitor on its
// cgroup's memory.events and pids.events says when a counter moves (the kernel notifies
// those files). The signals come over the UserManager's private connection, which is
// opened again if it closes; each new connection lists the running units again, so a
// unit that started meanwhile is watched too.
//
// The start of a Confine unit is its start job's JobRemoved, which the bus passes on
// only for the units named to it: the shell's own launches name theirs, and the
// `confine` command announces each unit it is about to start (LAUNCH_SIGNAL), which is
// then named. The jobs of the session's other units never reach the shell.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Shell from 'gi://Shell';
import {gettext as _} from 'resource:///org/gnome/shell/extensions/extension.js';

import {appUnitOf, unitObjectPath} from '../core/appUnit.js';
import {LAUNCH_SIGNAL} from '../core/launchPlan.js';
import {formatBytes, known, profileOfDescription} from '../core/appUsage.js';
import {LIMIT_PROPERTY, LimitEvents, limitNotice, parseEventCounts, type LimitKind} from '../core/limitEvents.js';
import {
    MANAGER_INTERFACE, SYSTEMD_PATH, callSystemd, isCancelled, listAppUnits, unitProperties, type RunningAppUnit,
} from '../settings/appUnits.js';
import {errorMessage} from './confinedLaunch.js';
import type {UserManager} from './userManager.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** How long an announced unit is waited for: systemd-run asks for it at once. */
const EXPECT_MS = 30_000;
/** Announcements waited for at most at once: anyone on the session bus can send one. */
const MAX_EXPECTED = 32;
const EVENT_FILES = ['memory.events', 'pids.events'] as const;
/** Where the unit's counters are, and the limits the notifications name. */
const WATCHED_PROPERTIES = ['ControlGroup', ...Object.values(LIMIT_PROPERTY)];

/** Milliseconds on the monotonic clock, for the ages and durations LimitEvents measures. */
export function nowMs(): number {
    return GLib.get_monotonic_time() / 1000;
}

export interface LimitHost {
    /** `profile`: the name of the profile whose limit acted, as the unit's description gives it. */
    notifyLimit(title: string, body: string, profile: string | null): void;
}

interface WatchedUnit {
    unit: RunningAppUnit;
    readonly events: LimitEvents;
    properties: Record<string, unknown>;
    readonly monitors: Gio.FileMonitor[];
    /** Settles once the unit's description and properties were read (or could not be). */
    ready: Promise<void>;
    /** Ends the subscription to the unit's PropertiesChanged. */
    unsubscribe: () => void;
}

export class LimitWatch {
    readonly #host: LimitHost;
    readonly #userManager: UserManager;
    readonly #cancellable = new Gio.Cancellable();
    #connection: Gio.DBusConnection | null = null;
    readonly #unsubscribe: (() => void)[];
    readonly #watched = new Map<string, WatchedUnit>();
    /** Units the confine command announced, not yet started → the timeout that gives up on each. */
    readonly #expected = new Map<string, number>();

    constructor(userManager: UserManager, host: LimitHost) {
        this.#host = host;
        this.#userManager = userManager;
        this.#unsubscribe = [
            userManager.onJobRemoved((_path, parameters) => {
                const [, , name, result] = parameters.deepUnpack() as [number, string, string, string];
                if (result === 'done' && appUnitOf(name)?.confined)
                    this.#watchByName(name);
            }),
            userManager.subscribeBroadcast(LAUNCH_SIGNAL.interface, LAUNCH_SIGNAL.member, LAUNCH_SIGNAL.path,
                (_path, parameters) => {
                    if (parameters.get_type_string() === '(s)')
                        this.#expect(parameters.get_child_value(0).get_string()[0]);
                }),
            userManager.onOpened(connection => this.#catchUp(connection)),
        ];
        userManager.connection().then(connection => {
            if (this.#connection !== connection && !this.#cancellable.is_cancelled())
                this.#catchUp(connection);
        }).catch(error => {
            if (!isCancelled(error))
                console.warn(`Confine: limit notifications wait for the user manager: ${errorMessage(error)}`);
        });
    }

    /** Names of the watched units and how many file monitors they hold, for tests. */
    get watched(): {units: string[]; monitors: number} {
        const units = [...this.#watched.keys()];
        return {units, monitors: [...this.#watched.values()].reduce((sum, watch) => sum + watch.monitors.length, 0)};
    }

    destroy(): void {
        this.#cancellable.cancel();
        this.#unsubscribe.forEach(unsubscribe => unsubscribe());
        for (const name of [...this.#expected.keys()])
            this.#unexpect(name);
        for (const name of [...this.#watched.keys()])
            this.#unwatch(name);
        this.#connection = null;
    }

    /** On each (new) connection: watch the confined units that run now, some may be new to us. */
    #catchUp(connection: Gio.DBusConnection): void {
        this.#connection = connection;
        listAppUnits(connection, this.#cancellable).then(units => {
            for (const unit of units) {
                if (unit.confined)
                    this.#watch(unit);
            }
        }).catch(error => this.#warn('ListUnitsByPatterns', error));
    }

    /**
     * A unit the confine command is about to start. Its JobRemoved is asked of the bus
     * by name; should the job have ended before the bus had the rule, the unit's state
     * says so. An announcement of anything but a Confine app unit is ignored.
     */
    #expect(name: string): void {
        const userManager = this.#userManager;
        if (!appUnitOf(name)?.confined || this.#watched.has(name) || this.#expected.has(name) ||
            this.#expected.size >= MAX_EXPECTED || this.#cancellable.is_cancelled())
            return;
        // The JobRemoved itself comes to the handler of every JobRemoved (above).
        this.#expected.set(name, GLib.timeout_add(GLib.PRIORITY_DEFAULT, EXPECT_MS, () => {
            this.#expected.delete(name);
            userManager.forgetUnit(name);
            return GLib.SOURCE_REMOVE;
        }));
        userManager.watchUnit(name, () => this.#unexpect(name)).then(async () => {
            const entry = await this.#listed(await userManager.connection(), name);
            if (this.#expected.has(name) && entry?.activeState === 'active') {
                this.#unexpect(name);
                this.#watchByName(name);
            }
        }).catch(error => {
            this.#unexpect(name);
            this.#warn(name, error);
        });
    }

    /** The unit as the manager lists it by name (loaded or not): its description and state. */
    async #listed(connection: Gio.DBusConnection, name: string): Promise<{description: string; activeState: string} | undefined> {
        const reply = await callSystemd(connection, SYSTEMD_PATH, MANAGER_INTERFACE, 'ListUnitsByNames',
            new GLib.Variant('(as)', [[name]]), '(a(ssssssouso))', this.#cancellable);
        const [[entry]] = reply.deepUnpack() as [[string, string, string, string, string, string, string][]];
        return entry && {description: entry[1], activeState: entry[3]};
    }

    #unexpect(name: string): void {
        const timeout = this.#expected.get(name);
        if (timeout === undefined)
            return;
        this.#expected.delete(name);
        GLib.source_remove(timeout);
        this.#userManager.forgetUnit(name);
    }

    /**
     * A unit that just started. It is watched at once, under the object path systemd
     * gives it, so that its end is seen even if it comes before its description could
     * be read (a memory bomb can be that quick).
     */
    #watchByName(name: string): void {
        const connection = this.#connection;
        const app = appUnitOf(name);
        if (!connection || !app || this.#watched.has(name))
            return;
        const unit = {...app, name, description: '', path: unitObjectPath(name)};
        const watch = this.#add(unit, true);
        watch.ready = this.#listed(connection, name).then(entry => {
            if (entry)
                watch.unit = {...unit, description: entry.description};
            return this.#setUp(watch);
        }).catch(error => this.#warn(name, error));
    }

    #watch(unit: RunningAppUnit): void {
        if (this.#watched.has(unit.name))
            return;
        const watch = this.#add(unit, false);
        watch.ready = this.#setUp(watch).catch(error => this.#warn(unit.name, error));
    }

    #add(unit: RunningAppUnit, fresh: boolean): WatchedUnit {
        const watch: WatchedUnit = {
            unit, properties: {}, events: new LimitEvents({fresh, startMs: nowMs()}), monitors: [], ready: Promise.resolve(),
            unsubscribe: () => {},
        };
        // Per unit: the bus then brings none of the many PropertiesChanged of other units
        // (bench 93: each unit that starts sends several).
        const unsubscribe = [
            this.#userManager.subscribe('org.freedesktop.DBus.Properties', 'PropertiesChanged',
                (_path, parameters) => this.#propertiesChanged(watch, parameters), unit.path),
            // Its unloading alone: every unit of the session is unloaded some time.
            this.#userManager.subscribe(MANAGER_INTERFACE, 'UnitRemoved', () => this.#unwatch(unit.name), SYSTEMD_PATH, unit.name),
        ];
        watch.unsubscribe = () => unsubscribe.forEach(stop => stop());
        this.#watched.set(unit.name, watch);
        return watch;
    }

    /** Reads the unit's limits and cgroup, then its counters, and monitors them. */
    async #setUp(watch: WatchedUnit): Promise<void> {
        const {unit} = watch;
        const connection = this.#connection;
        if (!connection)
            return;
        watch.properties = await unitProperties(connection, unit, WATCHED_PROPERTIES, this.#cancellable);
        const cgroup = watch.properties.ControlGroup;
        if (typeof cgroup !== 'string' || cgroup === '')
            return;
        // Reading the counters waits for nothing but the properties above.
        this.#readCounters(watch, cgroup).catch(error => this.#warn(unit.name, error));
    }

    async #readCounters(watch: WatchedUnit, cgroup: string): Promise<void> {
        const {unit} = watch;
        for (const file of EVENT_FILES) {
            const gfile = Gio.File.new_for_path(`${CGROUP_ROOT}${cgroup}/${file}`);
            // A file that is not there (no such controller, as in a container) is not watched.
            if (!await this.#read(watch, gfile, file))
                continue;
            if (this.#watched.get(unit.name) !== watch)
                return;
            const monitor = gfile.monitor_file(Gio.FileMonitorFlags.NONE, null);
            monitor.connect('changed', (_monitor, _file, _other, event) => {
                if (event === Gio.FileMonitorEvent.CHANGED)
                    this.#read(watch, gfile, file).catch(error => this.#warn(unit.name, error));
            });
            watch.monitors.push(monitor);
        }
    }

    /** Reads one counter file and reports what moved; false when it cannot be read. */
    async #read(watch: WatchedUnit, gfile: Gio.File, file: typeof EVENT_FILES[number]): Promise<boolean> {
        let text: string;
        try {
            const [contents] = await new Promise<[Uint8Array]>((resolve, reject) => {
                gfile.load_contents_async(this.#cancellable, (_source, result) => {
                    try {
                        const [, bytes] = gfile.load_contents_finish(result);
                        resolve([bytes]);
                    } catch (error) {
                        reject(error);
                    }
                });
            });
            text = new TextDecoder().decode(contents);
        } catch (error) {
            if (isCancelled(error))
                throw error;
            return false;
        }
        const counts = parseEventCounts(text);
        this.#report(watch, file === 'memory.events'
            ? watch.events.memoryEvents(counts, nowMs())
            : watch.events.pidsEvents(counts));
        return true;
    }

    #propertiesChanged(watch: WatchedUnit, parameters: GLib.Variant): void {
        const [, changed] = parameters.deepUnpack() as [string, Record<string, GLib.Variant>];
        const result = changed.Result?.deepUnpack();
        if (typeof result === 'string')
            this.#report(watch, watch.events.unitResult(result, nowMs()));
    }

    #report(watch: WatchedUnit, kinds: LimitKind[]): void {
        if (kinds.length > 0)
            watch.ready.then(() => this.#notify(watch, kinds)).catch(error => this.#warn(watch.unit.name, error));
    }

    #notify(watch: WatchedUnit, kinds: LimitKind[]): void {
        if (this.#cancellable.is_cancelled())
            return;
        const {unit, properties} = watch;
        const app = Shell.AppSystem.get_default().lookup_app(unit.desktopId);
        const appName = app?.get_name() ?? unit.desktopId.replace(/\.desktop$/, '');
        const named = profileOfDescription(unit.description);
        const profile = named ?? (unit.description || _('unnamed'));
        for (const kind of kinds) {
            const value = known(properties[LIMIT_PROPERTY[kind]] as number | undefined);
            const limit = value === null ? null : kind === 'tasks-max' ? `${value}` : formatBytes(value);
            const {title, body} = limitNotice(kind, appName, profile, limit, _);
            this.#host.notifyLimit(title, body, named);
        }
    }

    #unwatch(name: string): void {
        const watch = this.#watched.get(name);
        if (!watch)
            return;
        this.#watched.delete(name);
        watch.unsubscribe();
        watch.monitors.forEach(monitor => monitor.cancel());
    }

    #warn(name: string, error: unknown): void {
        if (!isCancelled(error))
            console.warn(`Confine: cannot watch the limits of ${name}: ${errorMessage(error)}`);
    }
}
