// Runs the preferences panel's tests under real Gtk and Adw, on the Wayland display
// of the harness's gnome-shell, with the extension as the shell installed it.
//
//   gjs -m run.js [name filter]
//
// Needs GI_TYPELIB_PATH and LD_LIBRARY_PATH to reach gnome-shell's private Shew
// library (the e2e scenario sets them), and normally GSETTINGS_BACKEND=memory so
// the tests never touch the user's settings.

import {exit} from 'system';

import {first} from './environment.js';
import {run} from './testing.js';

const filter = ARGV[0] ?? '';
await import('./panel.test.js');
const failed = await run(filter);
first.dialog.close();
exit(failed === 0 ? 0 : 1);
