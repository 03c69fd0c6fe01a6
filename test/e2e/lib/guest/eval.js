// Runs inside the container as tester (gjs -m): evaluates ARGV[0] (base64 of
// JavaScript) in the shell through org.gnome.Shell.Eval and prints
// {"success": bool, "value": string} on stdout.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

const code = new TextDecoder().decode(GLib.base64_decode(System.programArgs[0]));
try {
    const reply = Gio.DBus.session.call_sync('org.gnome.Shell', '/org/gnome/Shell',
        'org.gnome.Shell', 'Eval', new GLib.Variant('(s)', [code]),
        new GLib.VariantType('(bs)'), Gio.DBusCallFlags.NONE, 30000, null);
    const [success, value] = reply.deepUnpack();
    print(JSON.stringify({success, value}));
} catch (e) {
    print(JSON.stringify({success: false, value: `D-Bus call failed: ${e.message}`, dbus: true}));
}
