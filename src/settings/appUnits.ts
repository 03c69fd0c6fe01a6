// The running app units of the user manager and their properties, read by the shell
// (the running-apps menu, the limit notifications, other launches) and by the
// preferences (what a running app still lacks of its profile). Only method calls
// (no signal subscription), each asynchronous, with a timeout and a cancellable, so
// neither process ever waits for systemd.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {appUnitOf, type AppUnit} from '../core/appUnit.js';

export const SYSTEMD_NAME = 'org.freedesktop.systemd1';
export const SYSTEMD_PATH = '/org/freedesktop/systemd1';
export const MANAGER_INTERFACE = 'org.freedesktop.systemd1.Manager';
const CALL_TIMEOUT_MS = 5000;

export interface RunningAppUnit extends AppUnit {
    readonly name: string;
    readonly description: string;
    /** Its object path in the user manager. */
    readonly path: string;
}

/** A method call to the user manager on `connection`; throws on failure or timeout. */
export function callSystemd(connection: Gio.DBusConnection, path: string, iface: string, method: string,
    parameters: GLib.Variant | null, replyType: string | null, cancellable: Gio.Cancellable | null): Promise<GLib.Variant> {
    return callBusName(connection, SYSTEMD_NAME, path, iface, method, parameters, replyType, cancellable);
}

/** Like callSystemd, for a method of another name on the bus (the bus daemon's AddMatch, say). */
export function callBusName(connection: Gio.DBusConnection, destination: string, path: string, iface: string, method: string,
    parameters: GLib.Variant | null, replyType: string | null, cancellable: Gio.Cancellable | null): Promise<GLib.Variant> {
    return new Promise((resolve, reject) => {
        connection.call(destination, path, iface, method, parameters,
            replyType ? new GLib.VariantType(replyType) : null, Gio.DBusCallFlags.NO_AUTO_START,
            CALL_TIMEOUT_MS, cancellable, (_source, result) => {
                try {
                    resolve(connection.call_finish(result));
                } catch (error) {
                    reject(error);
                }
            });
    });
}

/** Active units whose names follow the app convention (app-*.scope, app-*.service). */
export async function listAppUnits(connection: Gio.DBusConnection, cancellable: Gio.Cancellable | null): Promise<RunningAppUnit[]> {
    const reply = await callSystemd(connection, SYSTEMD_PATH, MANAGER_INTERFACE, 'ListUnitsByPatterns',
        new GLib.Variant('(asas)', [['active'], ['app-*.scope', 'app-*.service']]), '(a(ssssssouso))', cancellable);
    const [units] = reply.deepUnpack() as [[string, string, string, string, string, string, string, number, string, string][]];
    return units.flatMap(([name, description, , , , , path]) => {
        const app = appUnitOf(name);
        return app ? [{...app, name, description, path}] : [];
    });
}

/** systemd's "no value" for a uint64 property (infinity, unset), as GVariant prints it. */
const UINT64_MAX_TEXT = '18446744073709551615';

/**
 * The named properties of the unit's scope or service interface (memory, CPU, tasks,
 * cgroup); one absent from the unit is absent here. systemd's "no value" becomes null
 * without ever being a JS number: GJS would warn in the journal for each such uint64,
 * many times a second while the menu is open.
 */
export async function unitProperties(connection: Gio.DBusConnection, unit: Pick<RunningAppUnit, 'type' | 'path'>,
    names: readonly string[], cancellable: Gio.Cancellable | null): Promise<Record<string, unknown>> {
    const iface = unit.type === 'scope' ? 'org.freedesktop.systemd1.Scope' : 'org.freedesktop.systemd1.Service';
    const reply = await callSystemd(connection, unit.path, 'org.freedesktop.DBus.Properties', 'GetAll',
        new GLib.Variant('(s)', [iface]), '(a{sv})', cancellable);
    const all = reply.get_child_value(0);
    const properties: Record<string, unknown> = {};
    for (const name of names) {
        const value = all.lookup_value(name, null);
        if (value === null)
            continue;
        properties[name] = value.get_type_string() === 't' && value.print(false) === UINT64_MAX_TEXT
            ? null : value.recursiveUnpack();
    }
    return properties;
}

export async function stopUnit(connection: Gio.DBusConnection, name: string): Promise<void> {
    await callSystemd(connection, SYSTEMD_PATH, MANAGER_INTERFACE, 'StopUnit',
        new GLib.Variant('(ss)', [name, 'replace']), '(o)', null);
}

/** True when the error only says that we cancelled the call ourselves. */
export function isCancelled(error: unknown): boolean {
    return error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
}
