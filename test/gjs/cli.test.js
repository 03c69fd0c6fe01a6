// The built `confine` program run the way a user runs it (the file itself, through its
// launcher line), with arguments that gjs's own command line also knows: they reach
// the program, and gjs neither acts on them nor says anything.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

import {assertDeepEqual, assertEqual, assertTrue, run, test} from './harness.js';

const CLI = GLib.build_filenamev([GLib.get_current_dir(), 'dist', 'cli', 'confine']);

/** Runs the program in an empty directory; returns its status, output and what it left there. */
function confine(...args) {
    const dir = GLib.dir_make_tmp('confine-cli-XXXXXX');
    const launcher = new Gio.SubprocessLauncher({
        flags: Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE,
    });
    launcher.set_cwd(dir);
    const child = launcher.spawnv([CLI, ...args]);
    const [, stdout, stderr] = child.communicate_utf8(null, null);
    const left = [];
    const enumerator = Gio.File.new_for_path(dir).enumerate_children('standard::name', Gio.FileQueryInfoFlags.NONE, null);
    for (let info = enumerator.next_file(null); info !== null; info = enumerator.next_file(null)) {
        left.push(info.get_name());
        GLib.unlink(GLib.build_filenamev([dir, info.get_name()]));
    }
    GLib.rmdir(dir);
    return {status: child.get_exit_status(), stdout, stderr, left};
}

test('--profile P is confine\'s: gjs starts no profiler and writes no capture file P', () => {
    const r = confine('run', '--profile', 'strict', '--help');
    assertEqual(r.stderr, '', 'stderr');
    assertEqual(r.status, 0, 'exit status');
    assertTrue(r.stdout.startsWith('Usage: confine run '), `the run help, got ${JSON.stringify(r.stdout.slice(0, 80))}`);
    assertDeepEqual(r.left, [], 'files left in the current directory');
});

test('the arguments arrive as typed, gjs option names and "--" included', () => {
    const r = confine('frobnicate', '--profile=x', '-c', 'print(1)', '-m', '--', '-I');
    assertEqual(r.stderr, 'confine: unknown command "frobnicate" (see confine --help)\n', 'stderr');
    assertEqual(r.status, 118, 'exit status');
    assertEqual(r.stdout, '', 'stdout');
    assertDeepEqual(r.left, [], 'files left in the current directory');
    const leading = confine('--', 'run', '--help');
    assertEqual(leading.stderr, 'confine: unknown option -- (see confine --help)\n', 'a "--" of the user\'s own');
});

run('test/gjs/cli.test.js');
