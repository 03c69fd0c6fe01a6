// Runs inside the container (gjs -m): one D-Bus method call described by
// ARGV[0] (base64 of JSON {bus, dest, path, iface, method, signature, args}),
// printing {"ok": true, "reply": [...]} (recursively unpacked) or {"ok": false, "error": "..."}.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

const call = JSON.parse(new TextDecoder().decode(GLib.base64_decode(System.programArgs[0])));
try {
    const bus = call.bus === 'system' ? Gio.DBus.system : Gio.DBus.session;
    const params = call.signature ? new GLib.Variant(`(${call.signature})`, call.args ?? []) : null;
    const reply = bus.call_sync(call.dest, call.path, call.iface, call.method, params,
        null, Gio.DBusCallFlags.NONE, call.timeoutMs ?? 30000, null);
    print(JSON.stringify({ok: true, reply: reply.recursiveUnpack()}));
} catch (e) {
    print(JSON.stringify({ok: false, error: e.message}));
}
