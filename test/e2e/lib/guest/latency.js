// Runs as tester in a container or the VM (gjs -m): measures how quickly the shell answers.
// Calls org.gnome.Shell.Eval('1') every ARGV[1] ms for ARGV[0] ms and prints
// [[start (ms since the Unix epoch), round trip (ms)], ...] as JSON. A stalled
// shell main loop shows as long round trips (Eval runs on the main loop).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

const [durationMs, intervalMs] = System.programArgs.map(Number);
const samples = [];
const end = Date.now() + durationMs;
while (Date.now() < end) {
    const start = GLib.get_monotonic_time();
    const wall = Date.now();
    Gio.DBus.session.call_sync('org.gnome.Shell', '/org/gnome/Shell', 'org.gnome.Shell', 'Eval',
        new GLib.Variant('(s)', ['1']), null, Gio.DBusCallFlags.NONE, 30000, null);
    const ms = (GLib.get_monotonic_time() - start) / 1000;
    samples.push([wall, Math.round(ms * 100) / 100]);
    GLib.usleep(Math.max(0, intervalMs - ms) * 1000);
}
print(JSON.stringify(samples));
