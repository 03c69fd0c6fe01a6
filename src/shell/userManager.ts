// The systemd user manager, seen from the shell over D-Bus.
//
// A confined launch spawns systemd-run, which asks the manager for a unit and
// only then runs the app. The shell learns how that went from the manager's
// JobRemoved signal, which it only sends to subscribed clients. Subscribing on
// the shell's shared session connection would outlive us and affect others, so
// this keeps a private connection: closing it ends the subscription.
//
// The manager sends its signals to every subscribed client as broadcasts; the bus passes
// on to us only those our match rules ask for. JobRemoved is asked for unit by unit
// (the units Confine starts or expects), since every unit of the session has jobs and
// each signal that reaches the shell costs its main thread a wake-up (bench 93); all
// of them only while someone asks for all (the running-apps menu while it is open).
//
// One connection serves everything Confine asks of the manager (the launcher and
// the limit notifications). When it closes (the bus restarted, someone closed it)
// it is opened again: at once if someone keeps a standing subscription, else on
// the next call. Standing subscriptions are made again on each new connection.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {jobRemovedRule, unitObjectPath} from '../core/unitName.js';
import {MANAGER_INTERFACE, SYSTEMD_NAME, SYSTEMD_PATH, callBusName, callSystemd} from '../settings/appUnits.js';

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
    /** The manager's signals, or (null) anyone's. */
    readonly sender: string | null;
    readonly iface: string;
    readonly member: string;
    /** One object's signals only, or null for those of every object. */
    readonly path: string | null;
    /** Those whose first argument is this string only (the bus filters them), or null for all. */
    readonly arg0: string | null;
    /** One entry per subscribe() call, so that a handler given twice is called twice. */
    readonly handlers: Set<{handler: SignalHandler}>;
    /** Its id on the current connection, 0 while there is none (or while JobRemoved's own carries it: see jobRules). */
    id: number;
}

const routeKey = (iface: string, member: string, path: string | null, arg0: string | null = null, sender: string | null = SYSTEMD_NAME) =>
    `${sender ?? '*'} ${iface} ${member} ${path ?? '*'} ${arg0 ?? '*'}`;
/** The route the connection's own JobRemoved subscription (for launches) serves as well. */
const JOB_REMOVED_ROUTE = routeKey(MANAGER_INTERFACE, 'JobRemoved', null);
/** The key of the JobRemoved match rule for every unit, among those of single units. */
const ALL_UNITS = '*';
const BUS_NAME = 'org.freedesktop.DBus';
const BUS_PATH = '/org/freedesktop/DBus';

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
    /**
     * The JobRemoved match rules on the current connection: unit name (or ALL_UNITS) →
     * the AddMatch call, which settles once the bus has it.
     */
    #jobRules = new Map<string, Promise<void>>();
    /** Handlers of every JobRemoved that reaches us, without asking the bus for more. */
    readonly #jobHandlers = new Set<SignalHandler>();
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
        return this.#subscribe(SYSTEMD_NAME, iface, member, handler, path, arg0);
    }

    /**
     * Like subscribe, for a signal that anyone on the session bus may send (such as the
     * confine command's LAUNCH_SIGNAL): its handler must trust nothing in it.
     */
    subscribeBroadcast(iface: string, member: string, path: string, handler: SignalHandler): () => void {
        return this.#subscribe(null, iface, member, handler, path, null);
    }

    #subscribe(sender: string | null, iface: string, member: string, handler: SignalHandler,
        path: string | null, arg0: string | null): () => void {
        const key = routeKey(iface, member, path, arg0, sender);
        let route = this.#routes.get(key);
        if (!route) {
            route = {sender, iface, member, path, arg0, handlers: new Set(), id: 0};
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
            if (key === JOB_REMOVED_ROUTE)
                this.#dropJobRule(ALL_UNITS);
        };
    }

    /**
     * Calls `handler` with every JobRemoved that reaches Confine (of the units it watches
     * with watchUnit, and of all while someone subscribed to them all), until the returned
     * function is called. Unlike subscribe(), it asks the bus for nothing more.
     */
    onJobRemoved(handler: SignalHandler): () => void {
        this.#jobHandlers.add(handler);
        return () => this.#jobHandlers.delete(handler);
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
        // Checked before anything is kept: a name no rule can hold is no unit.
        jobRemovedRule(unitName);
        this.#listeners.set(unitName, listener);
        try {
            const connection = await this.#connect();
            // The bus passes the unit's JobRemoved on only once it has the rule.
            await this.#addJobRule(connection, unitName);
        } catch (error) {
            this.#forget(unitName);
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
        this.#forget(unitName);
    }

    /**
     * For a launch given up while its systemd-run may still be asking for the unit:
     * should the unit start after all, it is stopped, so a fallback launch does not
     * leave the app running twice.
     */
    stopIfStarted(unitName: string): void {
        if (!this.#listeners.has(unitName))
            return;
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
        this.#jobRules.clear();
        this.#jobHandlers.clear();
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
        // No match rule of its own: the bus brings what the rules of #addJobRule ask for.
        this.#signalId = connection.signal_subscribe(SYSTEMD_NAME, MANAGER_INTERFACE, 'JobRemoved',
            SYSTEMD_PATH, null, Gio.DBusSignalFlags.NO_MATCH_RULE,
            (_connection, _sender, _path, _interface, _signal, parameters) => this.#jobRemoved(parameters));
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
        this.#jobRules = new Map();
        for (const unit of this.#listeners.keys())
            this.#addJobRule(connection, unit).catch(error => this.#ruleFailed(unit, error));
        for (const [key, route] of this.#routes)
            this.#subscribeOn(connection, key, route);
        // The bus going away (the user manager restarting the session bus) must not
        // leave a dead connection behind for every later launch.
        connection.connect('closed', () => {
            if (this.#connection !== connection)
                return;
            this.#connection = null;
            this.#signalId = 0;
            this.#jobRules = new Map();
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

    #jobRemoved(parameters: GLib.Variant): void {
        const unit = parameters.get_child_value(2).get_string()[0];
        const listener = this.#listeners.get(unit);
        if (listener) {
            this.#forget(unit);
            listener(parameters.get_child_value(3).get_string()[0]);
        }
        for (const handler of [...this.#jobHandlers]) {
            try {
                handler(SYSTEMD_PATH, parameters);
            } catch (error) {
                console.error('Confine: a handler of JobRemoved failed:', error);
            }
        }
        const route = this.#routes.get(JOB_REMOVED_ROUTE);
        if (route)
            deliver(route, SYSTEMD_PATH, parameters);
    }

    /** Drops the listener of `unit` and its match rule. */
    #forget(unit: string): void {
        this.#listeners.delete(unit);
        this.#dropJobRule(unit);
    }

    /** Asks the bus for the JobRemoved signals of `unit` (or of ALL_UNITS); settles once it has the rule. */
    #addJobRule(connection: Gio.DBusConnection, unit: string): Promise<void> {
        let added = this.#jobRules.get(unit);
        if (!added) {
            added = this.#callBus(connection, 'AddMatch', jobRemovedRule(unit === ALL_UNITS ? null : unit));
            this.#jobRules.set(unit, added);
        }
        return added;
    }

    #dropJobRule(unit: string): void {
        const added = this.#jobRules.get(unit);
        const connection = this.#connection;
        this.#jobRules.delete(unit);
        if (!added || !connection)
            return;
        // After the AddMatch: the bus takes a connection's calls in order.
        const rule = jobRemovedRule(unit === ALL_UNITS ? null : unit);
        added.then(() => this.#callBus(connection, 'RemoveMatch', rule)).catch(() => {
            // A rule the bus never had, or a connection closed since: nothing left to remove.
        });
    }

    #ruleFailed(unit: string, error: unknown): void {
        if (!this.#destroyed)
            console.warn(`Confine: cannot follow the jobs of ${unit}: ${(error as Error).message}`);
    }

    /** AddMatch or RemoveMatch on the bus daemon. */
    async #callBus(connection: Gio.DBusConnection, method: 'AddMatch' | 'RemoveMatch', rule: string): Promise<void> {
        try {
            await callBusName(connection, BUS_NAME, BUS_PATH, BUS_NAME, method, new GLib.Variant('(s)', [rule]), null, this.#cancellable);
        } catch (error) {
            throw new UserManagerUnavailable(`the session bus refused ${method} (${(error as GLib.Error).message})`);
        }
    }

    #subscribeOn(connection: Gio.DBusConnection, key: string, route: SignalRoute): void {
        // JobRemoved reaches the handlers through the subscription every connection has;
        // the bus needs the rule for every unit's.
        if (key === JOB_REMOVED_ROUTE) {
            this.#addJobRule(connection, ALL_UNITS).catch(error => this.#ruleFailed('every unit', error));
            return;
        }
        route.id = connection.signal_subscribe(route.sender, route.iface, route.member,
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
