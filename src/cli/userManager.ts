// The systemd user manager, reached over the session bus the way systemd-run --user
// reaches it, so a failure shows up here with a clear message instead of inside
// systemd-run, whose exit status 1 could not be told apart from the command's.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {LAUNCH_SIGNAL} from '../core/launchPlan.js';
import {isConfineUnit} from '../core/unitName.js';
import {ConfineError, EXIT} from './exitStatus.js';
import {propertiesToRead, type ListedUnit, type UnitProperties} from './unitStatus.js';

const SYSTEMD_NAME = 'org.freedesktop.systemd1';
const SYSTEMD_PATH = '/org/freedesktop/systemd1';
const MANAGER_INTERFACE = 'org.freedesktop.systemd1.Manager';
const PROPERTIES_INTERFACE = 'org.freedesktop.DBus.Properties';
const CALL_TIMEOUT_MS = 10_000;

/** Where sd_bus_default_user() connects: DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus. */
function sessionBusAddress(): string {
    const address = GLib.getenv('DBUS_SESSION_BUS_ADDRESS');
    if (address)
        return address;
    const runtimeDir = GLib.getenv('XDG_RUNTIME_DIR');
    if (runtimeDir)
        return `unix:path=${GLib.build_filenamev([runtimeDir, 'bus'])}`;
    throw new ConfineError(EXIT.NO_USER_MANAGER,
        'the systemd user manager cannot be reached: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set');
}

function unavailable(error: unknown): ConfineError {
    const reason = error instanceof GLib.Error || error instanceof Error ? error.message : String(error);
    return new ConfineError(EXIT.NO_USER_MANAGER, `the systemd user manager cannot be reached: ${reason}`);
}

export class UserManager {
    readonly #connection: Gio.DBusConnection;
    readonly version: string;

    private constructor(connection: Gio.DBusConnection, version: string) {
        this.#connection = connection;
        this.version = version;
    }

    /** Connects and asks the manager for its version: only an answer proves it is there. */
    static connect(): UserManager {
        const address = sessionBusAddress();
        let connection: Gio.DBusConnection;
        let version: string;
        try {
            connection = Gio.DBusConnection.new_for_address_sync(address,
                Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
                null, null);
            const reply = connection.call_sync(SYSTEMD_NAME, SYSTEMD_PATH, PROPERTIES_INTERFACE, 'Get',
                new GLib.Variant('(ss)', [MANAGER_INTERFACE, 'Version']), new GLib.VariantType('(v)'),
                Gio.DBusCallFlags.NO_AUTO_START, CALL_TIMEOUT_MS, null);
            [version] = reply.recursiveUnpack() as [string];
        } catch (error) {
            throw unavailable(error);
        }
        return new UserManager(connection, version);
    }

    #callManager(method: string, parameters: GLib.Variant | null, replyType: string): GLib.Variant {
        return this.#connection.call_sync(SYSTEMD_NAME, SYSTEMD_PATH, MANAGER_INTERFACE, method, parameters,
            new GLib.VariantType(replyType), Gio.DBusCallFlags.NONE, CALL_TIMEOUT_MS, null);
    }

    /**
     * Tells whoever listens on the session bus (the shell, for its limit notifications)
     * that the unit is about to start. Nobody listening, or no bus, changes nothing.
     */
    announce(unitName: string): void {
        try {
            this.#connection.emit_signal(null, LAUNCH_SIGNAL.path, LAUNCH_SIGNAL.interface, LAUNCH_SIGNAL.member,
                new GLib.Variant('(s)', [unitName]));
            // Sent before systemd-run runs, so the shell can ask for the unit's start job in time.
            this.#connection.flush_sync(null);
        } catch {
            // Limit notifications are a comfort; the launch goes on without them.
        }
    }

    /** Sends a signal to every process of a unit, as `systemctl --user kill` does. */
    killUnit(unitName: string, signal: number): void {
        this.#callManager('KillUnit', new GLib.Variant('(ssi)', [unitName, 'all', signal]), '()');
    }

    /**
     * True while the unit is loaded and not yet inactive or failed: its processes may
     * still run. A unit that is gone (collected) is not running.
     */
    unitRunning(unitName: string): boolean {
        let path: string;
        try {
            [path] = this.#callManager('GetUnit', new GLib.Variant('(s)', [unitName]), '(o)').deepUnpack() as [string];
        } catch {
            return false;
        }
        try {
            const reply = this.#connection.call_sync(SYSTEMD_NAME, path, PROPERTIES_INTERFACE, 'Get',
                new GLib.Variant('(ss)', ['org.freedesktop.systemd1.Unit', 'ActiveState']), new GLib.VariantType('(v)'),
                Gio.DBusCallFlags.NONE, CALL_TIMEOUT_MS, null);
            const state = reply.get_child_value(0).get_variant().get_string()[0];
            return state !== 'inactive' && state !== 'failed';
        } catch {
            // Unloaded between the two calls.
            return false;
        }
    }

    /** The loaded units whose names say Confine made them, sorted by name. */
    listConfineUnits(): ListedUnit[] {
        const reply = this.#callManager('ListUnitsByPatterns',
            new GLib.Variant('(asas)', [[], ['app-confine-*']]), '(a(ssssssouso))');
        const [units] = reply.deepUnpack() as [[string, string, string, string, string, string, string, number, string, string][]];
        return units
            .filter(([name]) => isConfineUnit(name))
            .map(([name, description, , activeState, subState]) => ({name, description, activeState, subState}))
            .sort((a, b) => a.name.localeCompare(b.name));
    }

    /** The unit's resource and sandbox properties that `confine ps` shows. */
    unitProperties(unitName: string): UnitProperties {
        const [path] = this.#callManager('GetUnit', new GLib.Variant('(s)', [unitName]), '(o)')
            .deepUnpack() as [string];
        const iface = unitName.endsWith('.service') ? 'org.freedesktop.systemd1.Service' : 'org.freedesktop.systemd1.Scope';
        const reply = this.#connection.call_sync(SYSTEMD_NAME, path, PROPERTIES_INTERFACE, 'GetAll',
            new GLib.Variant('(s)', [iface]), new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, CALL_TIMEOUT_MS, null);
        const all = reply.get_child_value(0);
        const properties: Record<string, unknown> = {};
        for (const name of propertiesToRead(unitName)) {
            const value = all.lookup_value(name, null);
            if (value !== null)
                properties[name] = unpackProperty(value);
        }
        return properties;
    }
}

/**
 * A property value as plain JavaScript; 64-bit numbers become bigints, read from the
 * variant's text, since "infinity" (2^64-1) does not fit in a double.
 */
function unpackProperty(value: GLib.Variant): unknown {
    switch (value.get_type_string()) {
    case 't':
    case 'x':
        return BigInt(value.print(false));
    default:
        return value.deepUnpack();
    }
}
