// The shell's own desktop-entry rewrite and runtime-directory handling, under real GLib:
// what a confined launch writes is what Gio.DesktopAppInfo reads and spawns.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

import {prefixExec} from '../../dist/extension/core/execLine.js';
import {LaunchFailure} from '../../dist/extension/core/launchFailure.js';
import {buildLaunchPlan, desktopCommand} from '../../dist/extension/core/launchPlan.js';
import {validateProfile} from '../../dist/extension/core/validation.js';
import {rewriteDesktopEntry} from '../../dist/extension/shell/desktopEntry.js';
import {
    deleteFile, ensurePrivateDirectory, loadContents, writeContents,
} from '../../dist/extension/shell/runtimeFiles.js';
import {assertDeepEqual, assertEqual, assertTrue, run, test} from './harness.js';

const DESKTOP_GROUP = GLib.KEY_FILE_DESKTOP_GROUP;

function profile(dictionary) {
    const check = validateProfile('test', dictionary);
    assertTrue(check.ok, `fixture profile invalid: ${JSON.stringify(check.errors)}`);
    return check.profile;
}

const SCOPE = buildLaunchPlan({desktopId: 'org.example.App.desktop', appName: 'App',
    profile: profile({name: 'Limits', MemoryMax: '70%', CPUQuota: '150%'}), suffix: 'abc123'});
const SERVICE = buildLaunchPlan({desktopId: 'org.example.App.desktop', appName: 'App',
    profile: profile({name: 'Sandbox', MemoryMax: '1G', PrivateTmp: true}), suffix: 'xyz789',
    passEnvironment: ['WAYLAND_DISPLAY'], workingDirectory: '/tmp', runtimeDirectory: '/run/user/1000'});

const encode = text => new TextEncoder().encode(text);

/** A desktop file's text: the group lines as given, no escaping by GLib. */
function entry(lines, extra = []) {
    return encode([`[${DESKTOP_GROUP}]`, 'Type=Application', 'Name=App', 'Name[de]=Anwendung',
        '# a comment', ...lines, ...extra, ''].join('\n'));
}

function keyFileOf(text) {
    const keyFile = new GLib.KeyFile();
    keyFile.load_from_data(text, text.length, GLib.KeyFileFlags.KEEP_TRANSLATIONS);
    return keyFile;
}

function has(keyFile, group, key) {
    try {
        keyFile.get_value(group, key);
        return true;
    } catch {
        return false;
    }
}

/** The rewrite of `contents` saved under a desktop id and read back by Gio, as the shell launches it. */
function rewriteAndLoad(contents, action, command) {
    const directory = GLib.dir_make_tmp('rewrite-XXXXXX');
    const path = GLib.build_filenamev([directory, 'org.example.App.desktop']);
    GLib.file_set_contents(path, rewriteDesktopEntry(contents, action, command));
    const info = Gio.DesktopAppInfo.new_from_filename(path);
    assertTrue(info !== null, `Gio.DesktopAppInfo refused the rewrite:\n${new TextDecoder().decode(GLib.file_get_contents(path)[1])}`);
    return {info, path};
}

/** A command that records its arguments in `record`, NUL-separated, in front of the plan. */
function recording(command, record) {
    return {...command, argv: ['/bin/sh', '-c', 'printf "%s\\0" "$@" > "$0.part" && mv "$0.part" "$0"', record, ...command.argv]};
}

function readRecord(record) {
    const deadline = GLib.get_monotonic_time() + 10 * GLib.USEC_PER_SEC;
    while (!GLib.file_test(record, GLib.FileTest.EXISTS)) {
        assertTrue(GLib.get_monotonic_time() < deadline, `nothing was launched: ${record} never appeared`);
        GLib.usleep(20000);
    }
    const words = new TextDecoder().decode(GLib.file_get_contents(record)[1]).split('\0');
    assertEqual(words.pop(), '', 'a NUL after the last word');
    return words;
}

function expectFailure(work, pattern, what) {
    try {
        work();
    } catch (error) {
        assertTrue(error instanceof LaunchFailure, `${what}: a LaunchFailure, not ${error}`);
        assertTrue(pattern.test(error.message), `${what}: ${JSON.stringify(error.message)} does not match ${pattern}`);
        return;
    }
    throw new Error(`${what}: no LaunchFailure`);
}

test('DBusActivatable and TryExec are removed; everything else is kept', () => {
    const command = desktopCommand(SCOPE, 257);
    const text = rewriteDesktopEntry(entry(['Exec=app --flag %U', 'DBusActivatable=true', 'TryExec=app',
        'StartupNotify=true', 'Path=/srv']), null, command);
    const keyFile = keyFileOf(text);
    assertTrue(!has(keyFile, DESKTOP_GROUP, 'DBusActivatable'), 'DBusActivatable is gone');
    assertTrue(!has(keyFile, DESKTOP_GROUP, 'TryExec'), 'TryExec is gone');
    assertEqual(keyFile.get_string(DESKTOP_GROUP, 'Exec'), prefixExec(command.argv, 'app --flag %U'), 'Exec');
    assertEqual(keyFile.get_string(DESKTOP_GROUP, 'Path'), '/srv', 'Path');
    assertEqual(keyFile.get_boolean(DESKTOP_GROUP, 'StartupNotify'), true, 'StartupNotify');
    assertEqual(keyFile.get_locale_string(DESKTOP_GROUP, 'Name', 'de'), 'Anwendung', 'translations');
    assertTrue(text.includes('# a comment'), 'comments');
    // Without the removal, GLib would activate the app over D-Bus and never run Exec.
    const {info} = rewriteAndLoad(entry(['Exec=app', 'DBusActivatable=true']), null, command);
    assertEqual(info.get_boolean('DBusActivatable'), false, 'Gio sees no DBusActivatable');
});

test('an entry without those keys is rewritten all the same', () => {
    const command = desktopCommand(SCOPE, 257);
    const keyFile = keyFileOf(rewriteDesktopEntry(entry(['Exec=app']), null, command));
    assertEqual(keyFile.get_string(DESKTOP_GROUP, 'Exec'), prefixExec(command.argv, 'app'));
});

test("a desktop action's Exec becomes the main Exec, prefixed", () => {
    const command = desktopCommand(SERVICE, 257);
    const contents = entry(['Exec=browser %u', 'Actions=private;'],
        ['[Desktop Action private]', 'Name=New Private Window', 'Exec=browser --private-window %u']);
    const keyFile = keyFileOf(rewriteDesktopEntry(contents, 'private', command));
    assertEqual(keyFile.get_string(DESKTOP_GROUP, 'Exec'), prefixExec(command.argv, 'browser --private-window %u'));
    assertEqual(keyFile.get_string('Desktop Action private', 'Exec'), 'browser --private-window %u', 'the action stays as it was');
});

test('an entry that cannot run is a LaunchFailure that says why, translated', () => {
    const command = desktopCommand(SCOPE, 257);
    const mark = message => `«${message}»`;
    expectFailure(() => rewriteDesktopEntry(entry(['DBusActivatable=true']), null, command),
        /has no Exec line, so it can only be started over D-Bus/, 'no Exec');
    expectFailure(() => rewriteDesktopEntry(entry(['Exec=app']), 'missing', command),
        /desktop action “missing” has no Exec line/, 'an action without Exec');
    expectFailure(() => rewriteDesktopEntry(entry(['Exec=  ']), null, command), /empty Exec line/, 'an empty Exec');
    expectFailure(() => rewriteDesktopEntry(encode('no group here\n'), null, command), /could not be parsed: /, 'not a key file');
    expectFailure(() => rewriteDesktopEntry(entry(['Exec=  ']), null, command, mark), /^«.*»$/, 'translated');
    expectFailure(() => rewriteDesktopEntry(entry(['Exec=app']), 'missing', command, mark), /^«.*»$/, 'translated with a value');
});

/** Exec lines a desktop file may hold (as GLib reads them, after its own unescaping), and the words each gives. */
const HOSTILE = [
    ['app "two words" \'single quoted\' "it\'s"', ['app', 'two words', 'single quoted', "it's"]],
    ['app "\\"quoted\\"" "back\\\\slash"', ['app', '"quoted"', 'back\\slash']],
    ['app $HOME ${HOME} $$ \'$(id)\' "`id`"', ['app', '$HOME', '${HOME}', '$$', '$(id)', '`id`']],
    ['app 100%% --x=%%U %U %f %i %c %k', ['app', '100%', '--x=%U']],
    ['app "tab\there" "new\nline" "bell\u0007" "esc\u001b[31m"', ['app', 'tab\there', 'new\nline', 'bell\u0007', 'esc\u001b[31m']],
    [`app ${'x'.repeat(60000)} "${'y '.repeat(5000)}"`, ['app', 'x'.repeat(60000), 'y '.repeat(5000)]],
];

test('hostile Exec lines reach the app word for word, behind the plan', () => {
    for (const [index, [exec, words]] of HOSTILE.entries()) {
        for (const [plan, version] of [[SCOPE, 257], [SERVICE, 257], [SERVICE, 253]]) {
            const what = `line ${index}, ${plan.unitType}, systemd ${version}`;
            const keyFile = new GLib.KeyFile();
            keyFile.set_string(DESKTOP_GROUP, 'Type', 'Application');
            keyFile.set_string(DESKTOP_GROUP, 'Name', 'Hostile');
            keyFile.set_string(DESKTOP_GROUP, 'Exec', exec);
            const command = desktopCommand(plan, version);
            const record = GLib.build_filenamev([GLib.dir_make_tmp('hostile-XXXXXX'), 'argv']);
            const {info, path} = rewriteAndLoad(encode(keyFile.to_data()[0]), null, recording(command, record));
            assertEqual(info.get_commandline(), prefixExec(recording(command, record).argv, command.protect(exec)), `${what}: Exec`);
            assertTrue(info.launch_uris([], null), `${what}: launch_uris returned false`);
            // %c is the name, %k the copy's path; %i expands to nothing without an icon.
            const expected = index === 3 ? [...words, 'Hostile', path] : words;
            // An old systemd-run cannot turn expansion off for a service: every $ is doubled for the manager to undo.
            const given = version < 254 && plan.unitType === 'service' ? expected.map(word => word.replace(/\$/g, '$$$$')) : expected;
            assertDeepEqual(readRecord(record), [...command.argv, ...given], what);
        }
    }
});

test('the runtime directory is made private, and what stands in its place is refused', async () => {
    const base = GLib.dir_make_tmp('runtime-XXXXXX');
    const dir = Gio.File.new_for_path(GLib.build_filenamev([base, 'confine']));
    const mode = file => file.query_info('unix::mode', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null)
        .get_attribute_uint32('unix::mode') & 0o7777;
    await ensurePrivateDirectory(dir, null);
    assertEqual(mode(dir), 0o700, 'made 0700');
    dir.set_attribute_uint32('unix::mode', 0o755, Gio.FileQueryInfoFlags.NONE, null);
    await ensurePrivateDirectory(dir, null);
    assertEqual(mode(dir), 0o700, 'made 0700 again');

    const failure = async (prepare, pattern) => {
        const place = Gio.File.new_for_path(GLib.build_filenamev([GLib.dir_make_tmp('runtime-XXXXXX'), 'confine']));
        prepare(place);
        try {
            await ensurePrivateDirectory(place, null);
        } catch (error) {
            assertTrue(error instanceof LaunchFailure, `a LaunchFailure, not ${error}`);
            assertTrue(pattern.test(error.message), error.message);
            return place;
        }
        throw new Error('no LaunchFailure');
    };
    await failure(place => place.replace_contents(encode('x'), null, false, Gio.FileCreateFlags.NONE, null),
        /confine is not a directory \(something else is in its place\)/);
    const elsewhere = GLib.build_filenamev([base, 'elsewhere']);
    GLib.mkdir_with_parents(elsewhere, 0o755);
    await failure(place => place.make_symbolic_link(elsewhere, null), /confine is not a directory \(a symbolic link is in its place\)/);
    assertEqual(mode(Gio.File.new_for_path(elsewhere)), 0o755, 'nothing changed through the symlink');
});

test('a copy is written private, read back and deleted; deleting it twice is no error', async () => {
    const file = Gio.File.new_for_path(GLib.build_filenamev([GLib.dir_make_tmp('copy-XXXXXX'), 'app.desktop']));
    await writeContents(file, 'Exec=app é\n', null);
    assertEqual(new TextDecoder().decode(await loadContents(file, null)), 'Exec=app é\n', 'contents');
    const mode = file.query_info('unix::mode', Gio.FileQueryInfoFlags.NONE, null).get_attribute_uint32('unix::mode') & 0o777;
    assertEqual(mode, 0o600, 'only we can read it');
    await deleteFile(file, null);
    assertTrue(!file.query_exists(null), 'deleted');
    await deleteFile(file, null);
});

run('desktopEntry');
