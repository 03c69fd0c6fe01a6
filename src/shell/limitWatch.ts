// Notifications when a limit acts on a confined app. Nothing is polled: the user
// manager's signals say when a Confine unit starts and ends, and a file monitor on its
// cgroup's memory.events and pids.events says when a counter moves (the kernel notifies
// those files). The signals need a Subscribe()d client; a private connection keeps that
// subscription ours, and closing it ends it.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Shell from 'gi://Shell';

import {appUnitOf} from '../core/appUnit.js';
import {formatBytes, known, profileOfDescription} from '../core/appUsage.js';
import {LIMIT_PROPERTY, LimitEvents, limitNotice, parseEventCounts, type LimitKind} from '../core/limitEvents.js';
import {
    MANAGER_INTERFACE, SYSTEMD_PATH, callSystemd, isCancelled, listAppUnits, unitProperties, type RunningAppUnit,
} from './appUnits.js';
import {errorMessage} from './confinedLaunch.js';
import {privateConnection} from './userManager.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
const EVENT_FILES = ['memory.events', 'pids.events'] as const;

export interface LimitHost {
    notifyLimit(title: string, body: string): void;
}

interface WatchedUnit {
    readonly unit: RunningAppUnit;
    readonly events: LimitEvents;
    readonly properties: Record<string, unknown>;
    readonly monitors: Gio.FileMonitor[];
}

export class LimitWatch {
    readonly #host: LimitHost;
    readonly #cancellable = new Gio.Cancellable();
    #connection: Gio.DBusConnection | null = null;
    #signalIds: number[] = [];
    readonly #watched = new Map<string, WatchedUnit>();
    /** Units whose watch is being set up, so a unit is never watched twice. */
    readonly #pending = new Set<string>();

    constructor(host: LimitHost) {
        this.#host = host;
        this.#start().catch(error => {
            if (!isCancelled(error))
                console.warn(`Confine: limit notifications are off, the user manager is unreachable: ${errorMessage(error)}`);
        });
    }

    /** Names of the watched units and how many file monitors they hold, for tests. */
    get watched(): {units: string[]; monitors: number} {
        const units = [...this.#watched.keys()];
        return {units, monitors: [...this.#watched.values()].reduce((sum, watch) => sum + watch.monitors.length, 0)};
    }

    destroy(): void {
        this.#cancellable.cancel();
        for (const name of [...this.#watched.keys()])
            this.#unwatch(name);
        if (this.#connection) {
            this.#signalIds.forEach(id => this.#connection!.signal_unsubscribe(id));
            this.#connection.close(null, null);
        }
        this.#signalIds = [];
        this.#connection = null;
    }

    async #start(): Promise<void> {
        const address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, this.#cancellable);
        const connection = await privateConnection(address, this.#cancellable);
        if (this.#cancellable.is_cancelled()) {
            connection.close(null, null);
            return;
        }
        this.#connection = connection;
        const subscribe = (iface: string, member: string, handler: (path: string, parameters: GLib.Variant) => void) =>
            connection.signal_subscribe('org.freedesktop.systemd1', iface, member, null, null, Gio.DBusSignalFlags.NONE,
                (_connection, _sender, path, _iface, _member, parameters) => handler(path, parameters));
        this.#signalIds = [
            subscribe(MANAGER_INTERFACE, 'JobRemoved', (_path, parameters) => {
                const [, , name, result] = parameters.deepUnpack() as [number, string, string, string];
                if (result === 'done' && appUnitOf(name)?.confined)
                    this.#watchByName(name);
            }),
            subscribe(MANAGER_INTERFACE, 'UnitRemoved', (_path, parameters) => {
                const [name] = parameters.deepUnpack() as [string, string];
                this.#unwatch(name);
            }),
            subscribe('org.freedesktop.DBus.Properties', 'PropertiesChanged', (path, parameters) =>
                this.#propertiesChanged(path, parameters)),
        ];
        await callSystemd(connection, SYSTEMD_PATH, MANAGER_INTERFACE, 'Subscribe', null, null, this.#cancellable);
        for (const unit of await listAppUnits(connection, this.#cancellable)) {
            if (unit.confined)
                this.#watch(unit);
        }
    }

    #watchByName(name: string): void {
        const connection = this.#connection;
        if (!connection || this.#watched.has(name) || this.#pending.has(name))
            return;
        callSystemd(connection, SYSTEMD_PATH, MANAGER_INTERFACE, 'ListUnitsByNames',
            new GLib.Variant('(as)', [[name]]), '(a(ssssssouso))', this.#cancellable).then(reply => {
            const [[entry]] = reply.deepUnpack() as [[string, string, string, string, string, string, string][]];
            const app = appUnitOf(name);
            if (entry && app)
                this.#watch({...app, name, description: entry[1], path: entry[6]});
        }).catch(error => this.#warn(name, error));
    }

    #watch(unit: RunningAppUnit): void {
        const connection = this.#connection;
        if (!connection || this.#watched.has(unit.name) || this.#pending.has(unit.name))
            return;
        this.#pending.add(unit.name);
        unitProperties(connection, unit, this.#cancellable).then(async properties => {
            const cgroup = properties.ControlGroup;
            if (typeof cgroup !== 'string' || cgroup === '')
                return;
            const watch: WatchedUnit = {unit, properties, events: new LimitEvents(), monitors: []};
            this.#watched.set(unit.name, watch);
            for (const file of EVENT_FILES) {
                const gfile = Gio.File.new_for_path(`${CGROUP_ROOT}${cgroup}/${file}`);
                // The first reading is the baseline; a file that is not there (no such
                // controller, as in a container) is not watched at all.
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
        }).catch(error => this.#warn(unit.name, error)).finally(() => this.#pending.delete(unit.name));
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
            ? watch.events.memoryEvents(counts, GLib.get_monotonic_time() / 1000)
            : watch.events.pidsEvents(counts));
        return true;
    }

    #propertiesChanged(path: string, parameters: GLib.Variant): void {
        const watch = [...this.#watched.values()].find(candidate => candidate.unit.path === path);
        if (!watch)
            return;
        const [, changed] = parameters.deepUnpack() as [string, Record<string, GLib.Variant>];
        const result = changed.Result?.deepUnpack();
        if (typeof result === 'string')
            this.#report(watch, watch.events.unitResult(result));
    }

    #report(watch: WatchedUnit, kinds: LimitKind[]): void {
        const {unit, properties} = watch;
        const app = Shell.AppSystem.get_default().lookup_app(unit.desktopId);
        const appName = app?.get_name() ?? unit.desktopId.replace(/\.desktop$/, '');
        const profile = profileOfDescription(unit.description) ?? unit.description;
        for (const kind of kinds) {
            const value = known(properties[LIMIT_PROPERTY[kind]] as number | undefined);
            const limit = value === null ? null : kind === 'tasks-max' ? `${value}` : formatBytes(value);
            const {title, body} = limitNotice(kind, appName, profile, limit);
            this.#host.notifyLimit(title, body);
        }
    }

    #unwatch(name: string): void {
        const watch = this.#watched.get(name);
        if (!watch)
            return;
        this.#watched.delete(name);
        watch.monitors.forEach(monitor => monitor.cancel());
    }

    #warn(name: string, error: unknown): void {
        if (!isCancelled(error))
            console.warn(`Confine: cannot watch the limits of ${name}: ${errorMessage(error)}`);
    }
}
