// The systemd user manager, seen from the shell over D-Bus.
//
// A confined launch spawns systemd-run, which asks the manager for a unit and
// only then runs the app. The shell learns how that went from the manager's
// JobRemoved signal, which it only sends to subscribed clients. Subscribing on
// the shell's shared session connection would outlive us and affect others, so
// this keeps a private connection: closing it ends the subscription.
//
// One connection serves everything Confine asks of the manager (the launcher and
// the limit notifications). When it closes (the bus restarted, someone closed it)
// it is opened again: at once if someone keeps a standing subscription, else on
// the next call. Standing subscriptions are made again on each new connection.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {unitObjectPath} from '../core/unitName.js';
import {MANAGER_INTERFACE, SYSTEMD_NAME, SYSTEMD_PATH, callSystemd} from '../settings/appUnits.js';

/** How a unit's start job ended: "done" is success; anything else is systemd's reason. */
export type JobResult = string;

type JobListener = (result: JobResult) => void;

/** A signal handler: the object path the signal came from and its parameters. */
export type SignalHandler = (path: string, parameters: GLib.Variant) => void;

/**
 * One signal as the bus delivers it, to every handler that asked for it. Each D-Bus
 * subscription costs the shell a main loop wake-up per signal, for every unit of the
 * user's session, app or not (bench 93): the parts of Confine that want the same
 * signal share one.
 */
interface SignalRoute {
    readonly iface: string;
    readonly member: string;
    /** One object's signals only, or null for those of every object. */
    readonly path: string | null;
    /** Those whose first argument is this string only (the bus filters them), or null for all. */
    readonly arg0: string | null;
    /** One entry per subscribe() call, so that a handler given twice is called twice. */
    readonly handlers: Set<{handler: SignalHandler}>;
    /** Its id on the current connection, 0 while there is none (or while JobRemoved's own carries it). */
    id: number;
}

const routeKey = (iface: string, member: string, path: string | null, arg0: string | null = null) =>
    `${iface} ${member} ${path ?? '*'} ${arg0 ?? '*'}`;
/** The route the connection's own JobRemoved subscription (for launches) serves as well. */
const JOB_REMOVED_ROUTE = routeKey(MANAGER_INTERFACE, 'JobRemoved', null);

/** How long to wait before opening a closed connection again, doubling up to the last. */
const REOPEN_DELAYS_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

export class UserManagerUnavailable extends Error {}

/** A connection of our own to the bus at `address`: its signal subscriptions end when it is closed. */
function privateConnection(address: string, cancellable: Gio.Cancellable): Promise<Gio.DBusConnection> {
    return new Promise((resolve, reject) => {
        Gio.DBusConnection.new_for_address(address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            null, cancellable, (_source, result) => {
                try {
                    resolve(Gio.DBusConnection.new_for_address_finish(result));
                } catch (error) {
                    reject(error);
                }
            });
    });
}

/** Calls every handler of `route`; one that throws does not keep the signal from the others. */
function deliver(route: SignalRoute, path: string, parameters: GLib.Variant): void {
    for (const {handler} of [...route.handlers]) {
        try {
            handler(path, parameters);
        } catch (error) {
            console.error(`Confine: a handler of ${route.member} failed:`, error);
        }
    }
}

export class UserManager {
    #connection: Gio.DBusConnection | null = null;
    #connecting: Promise<Gio.DBusConnection> | null = null;
    #signalId = 0;
    #listeners = new Map<string, JobListener>();
    readonly #routes = new Map<string, SignalRoute>();
    readonly #openedListeners = new Set<(connection: Gio.DBusConnection) => void>();
    #reopenSource = 0;
    #reopenAttempt = 0;
    #cancellable = new Gio.Cancellable();
    #destroyed = false;

    /** The connection, opened (again) if need be; throws UserManagerUnavailable. */
    connection(): Promise<Gio.DBusConnection> {
        return this.#connect();
    }

    /**
     * Calls `handler` with every `member` signal of the manager's `iface` (of the object
     * at `path`, or of any; with `arg0`, those whose first argument is that string) until the
     * returned function is called, across reconnections. Signals sent while no connection was
     * open are lost: `onOpened` tells when to catch up.
     */
    subscribe(iface: string, member: string, handler: SignalHandler, path: string | null = null, arg0: string | null = null): () => void {
        const key = routeKey(iface, member, path, arg0);
        let route = this.#routes.get(key);
        if (!route) {
            route = {iface, member, path, arg0, handlers: new Set(), id: 0};
            this.#routes.set(key, route);
            if (this.#connection)
                this.#subscribeOn(this.#connection, key, route);
        }
        const entry = {handler};
        route.handlers.add(entry);
        return () => {
            route.handlers.delete(entry);
            if (route.handlers.size > 0 || this.#routes.get(key) !== route)
                return;
            this.#routes.delete(key);
            if (this.#connection && route.id)
                this.#connection.signal_unsubscribe(route.id);
            route.id = 0;
        };
    }

    /**
     * Calls `listener` each time a connection is opened and subscribed, the first one
     * included, until the returned function is called.
     */
    onOpened(listener: (connection: Gio.DBusConnection) => void): () => void {
        this.#openedListeners.add(listener);
        return () => this.#openedListeners.delete(listener);
    }

    /** A method call to the manager object; throws UserManagerUnavailable. */
    async callManager(method: string, parameters: GLib.Variant | null, replyType: string | null): Promise<GLib.Variant> {
        const connection = await this.#connect();
        return this.#call(connection, MANAGER_INTERFACE, method, parameters, replyType);
    }

    /** Resolves with the manager's systemd version once it answered, or throws UserManagerUnavailable. */
    async version(): Promise<number> {
        const connection = await this.#connect();
        const reply = await this.#call(connection, 'org.freedesktop.DBus.Properties', 'Get',
            new GLib.Variant('(ss)', [MANAGER_INTERFACE, 'Version']), '(v)');
        const [value] = reply.recursiveUnpack() as [string];
        const major = Number.parseInt(String(value), 10);
        if (!Number.isFinite(major))
            throw new UserManagerUnavailable(`the user manager reported an unreadable version "${value}"`);
        return major;
    }

    /**
     * Calls `listener` once with the result of the start job of `unitName`.
     * Register, and await the returned promise, before spawning systemd-run so the
     * signal cannot be missed: it resolves once JobRemoved reaches us, on a connection
     * opened again if the last one was closed since.
     */
    async watchUnit(unitName: string, listener: JobListener): Promise<void> {
        this.#listeners.set(unitName, listener);
        try {
            await this.#connect();
        } catch (error) {
            this.#listeners.delete(unitName);
            throw error;
        }
    }

    /**
     * Calls `listener` with every change of the properties of `unitName` that the
     * manager announces, from now on, until the returned function is called. Needs
     * the connection that watchUnit opened; subscribe before the unit exists.
     */
    watchProperties(unitName: string, listener: (changed: Record<string, unknown>) => void): () => void {
        const connection = this.#connection;
        if (!connection)
            return () => {};
        const id = connection.signal_subscribe(SYSTEMD_NAME, 'org.freedesktop.DBus.Properties',
            'PropertiesChanged', unitObjectPath(unitName), null, Gio.DBusSignalFlags.NONE,
            (_connection, _sender, _path, _interface, _signal, parameters) => {
                const [, changed] = parameters.recursiveUnpack() as [string, Record<string, unknown>];
                listener(changed);
            });
        return () => connection.signal_unsubscribe(id);
    }

    forgetUnit(unitName: string): void {
        this.#listeners.delete(unitName);
    }

    /**
     * For a launch given up while its systemd-run may still be asking for the unit:
     * should the unit start after all, it is stopped, so a fallback launch does not
     * leave the app running twice.
     */
    stopIfStarted(unitName: string): void {
        this.#listeners.set(unitName, result => {
            if (result !== 'done' || !this.#connection)
                return;
            this.#call(this.#connection, MANAGER_INTERFACE, 'StopUnit',
                new GLib.Variant('(ss)', [unitName, 'replace']), '(o)').catch(error => {
                console.error(`Confine: could not stop ${unitName}, which started too late:`, error);
            });
        });
    }

    /**
     * A round trip to the manager. Its reply comes after every signal the manager sent
     * before it, so once this resolves a JobRemoved that was due has been delivered.
     */
    async sync(): Promise<void> {
        const connection = await this.#connect();
        await this.#call(connection, 'org.freedesktop.DBus.Peer', 'Ping', null, null);
    }

    destroy(): void {
        this.#destroyed = true;
        this.#cancellable.cancel();
        if (this.#reopenSource)
            GLib.source_remove(this.#reopenSource);
        this.#reopenSource = 0;
        this.#listeners.clear();
        this.#openedListeners.clear();
        if (this.#connection) {
            if (this.#signalId)
                this.#connection.signal_unsubscribe(this.#signalId);
            for (const route of this.#routes.values()) {
                if (route.id)
                    this.#connection.signal_unsubscribe(route.id);
            }
            this.#connection.close(null, null);
        }
        this.#routes.clear();
        this.#connection = null;
        this.#signalId = 0;
    }

    #connect(): Promise<Gio.DBusConnection> {
        if (this.#connection)
            return Promise.resolve(this.#connection);
        this.#connecting ??= this.#open().catch((error: unknown) => {
            // Standing subscriptions wait for a connection: keep trying in the background.
            this.#scheduleReopen();
            throw error;
        }).finally(() => {
            this.#connecting = null;
        });
        return this.#connecting;
    }

    async #open(): Promise<Gio.DBusConnection> {
        let address: string;
        try {
            address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, null);
        } catch (error) {
            throw new UserManagerUnavailable(`cannot find the session bus: ${(error as GLib.Error).message}`);
        }
        let connection: Gio.DBusConnection;
        try {
            connection = await privateConnection(address, this.#cancellable);
        } catch (error) {
            throw new UserManagerUnavailable(`cannot reach the session bus: ${(error as Error).message}`);
        }
        if (this.#destroyed) {
            connection.close(null, null);
            throw new UserManagerUnavailable('Confine was disabled');
        }
        this.#signalId = connection.signal_subscribe(SYSTEMD_NAME, MANAGER_INTERFACE, 'JobRemoved',
            SYSTEMD_PATH, null, Gio.DBusSignalFlags.NONE,
            (_connection, _sender, _path, _interface, _signal, parameters) => {
                const [, , unit, result] = parameters.deepUnpack() as [number, string, string, string];
                const listener = this.#listeners.get(unit);
                if (listener) {
                    this.#listeners.delete(unit);
                    listener(result);
                }
                const route = this.#routes.get(JOB_REMOVED_ROUTE);
                if (route)
                    deliver(route, SYSTEMD_PATH, parameters);
            });
        try {
            await this.#call(connection, MANAGER_INTERFACE, 'Subscribe', null, null);
            // A reply already on its way is not cancelled: disabled meanwhile, nobody would
            // ever close this connection (e2e 47's 50 enable/disable cycles found two left).
            if (this.#destroyed)
                throw new UserManagerUnavailable('Confine was disabled');
        } catch (error) {
            connection.signal_unsubscribe(this.#signalId);
            this.#signalId = 0;
            connection.close(null, null);
            throw error;
        }
        this.#connection = connection;
        this.#reopenAttempt = 0;
        for (const [key, route] of this.#routes)
            this.#subscribeOn(connection, key, route);
        // The bus going away (the user manager restarting the session bus) must not
        // leave a dead connection behind for every later launch.
        connection.connect('closed', () => {
            if (this.#connection !== connection)
                return;
            this.#connection = null;
            this.#signalId = 0;
            for (const route of this.#routes.values())
                route.id = 0;
            this.#scheduleReopen();
        });
        for (const listener of this.#openedListeners) {
            try {
                listener(connection);
            } catch (error) {
                console.error('Confine: a user manager listener failed:', error);
            }
        }
        return connection;
    }

    #subscribeOn(connection: Gio.DBusConnection, key: string, route: SignalRoute): void {
        // JobRemoved reaches the handlers through the subscription every connection has.
        if (key === JOB_REMOVED_ROUTE)
            return;
        route.id = connection.signal_subscribe(SYSTEMD_NAME, route.iface, route.member,
            route.path, route.arg0, Gio.DBusSignalFlags.NONE,
            (_connection, _sender, path, _interface, _signal, parameters) => deliver(route, path, parameters));
    }

    /** Opens a closed connection again soon if anyone waits for signals; backs off while that fails. */
    #scheduleReopen(): void {
        if (this.#destroyed || this.#reopenSource || this.#routes.size === 0)
            return;
        const delay = REOPEN_DELAYS_MS[Math.min(this.#reopenAttempt, REOPEN_DELAYS_MS.length - 1)];
        this.#reopenAttempt++;
        this.#reopenSource = GLib.timeout_add(GLib.PRIORITY_DEFAULT, delay, () => {
            this.#reopenSource = 0;
            this.#connect().catch(error => {
                if (this.#destroyed)
                    return;
                console.warn(`Confine: the user manager is still unreachable: ${(error as Error).message}`);
                this.#scheduleReopen();
            });
            return GLib.SOURCE_REMOVE;
        });
    }

    async #call(connection: Gio.DBusConnection, iface: string, method: string,
        parameters: GLib.Variant | null, replyType: string | null): Promise<GLib.Variant> {
        try {
            return await callSystemd(connection, SYSTEMD_PATH, iface, method, parameters, replyType, this.#cancellable);
        } catch (error) {
            throw new UserManagerUnavailable(`the systemd user manager did not answer (${(error as Error).message})`);
        }
    }
}
