// Runs the preferences panel's tests under real Gtk and Adw, on the Wayland display
// of the harness's gnome-shell, with the extension as the shell installed it.
//
//   gjs -m run.js [name filter]
//
// CONFINE_PREFS_TEST_RUNNING names the unit of a running app: then the tests against
// it (running.test.js) run instead of the panel's own.
//
// Needs GI_TYPELIB_PATH and LD_LIBRARY_PATH to reach gnome-shell's private Shew
// library (the e2e scenario sets them), and normally GSETTINGS_BACKEND=memory so
// the tests never touch the user's settings.

import GLib from 'gi://GLib';
import {exit} from 'system';

import {first} from './environment.js';
import {run} from './testing.js';

const filter = ARGV[0] ?? '';
await import(GLib.getenv('CONFINE_PREFS_TEST_RUNNING') ? './running.test.js' : './panel.test.js');
const failed = await run(filter);
first.dialog.close();
exit(failed === 0 ? 0 : 1);
