// The Exec prefix under real GLib: GLib.shell_parse_argv, GLib.KeyFile and
// Gio.DesktopAppInfo are what read it in the shell, so they judge it here.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

import {prefixExec, toExecLine} from '../../dist/extension/core/execLine.js';
import {buildLaunchPlan} from '../../dist/extension/core/launchPlan.js';
import {validateProfile} from '../../dist/extension/core/validation.js';
import {rewriteDesktopEntry} from '../../dist/extension/shell/desktopEntry.js';
import {assertDeepEqual, assertEqual, assertTrue, run, test} from './harness.js';

const DESKTOP_GROUP = GLib.KEY_FILE_DESKTOP_GROUP;

/** Words that break naive quoting, field-code handling or key-file escaping. */
const NASTY = [
    '', ' ', 'plain', 'two words', "it's", "''", '"', '"double quoted"', '\\', 'back\\slash', '\\n', '\\s',
    'new\nline', 'tab\there', 'carriage\rreturn', '$HOME', '${HOME}', '`id`', '$(id)', 'a;b', 'a&&b', 'a|b',
    '>out', '<in', '*', '?', '~', '~/x', '#comment', 'a #b', '!', 'x=y', '--', '-p', '--property=User=root',
    '%', '%%', '%U', '%f', '%%U', '100%', 'CPUQuota=150%', '%c%k%i', 'é', '中文', '😀', 'ß\u200b',
    '\'"\'"', 'end\\', "\\'", '\u0001\u007f',
];

/**
 * GLib's field-code expansion for a launch without files or URIs: "%%" is a
 * percent sign, any other code expands to nothing.
 */
function expandWithoutUris(exec) {
    return exec.replace(/%(.)/gs, (_match, code) => code === '%' ? '%' : '');
}

function parse(exec) {
    const [ok, argv] = GLib.shell_parse_argv(exec);
    assertTrue(ok, `GLib could not parse ${exec}`);
    return argv;
}

function profile(dictionary) {
    const check = validateProfile('test', dictionary);
    assertTrue(check.ok, `fixture profile invalid: ${JSON.stringify(check.errors)}`);
    return check.profile;
}

const STRICT = profile({name: "Strict 'n' \"safe\" 100%", MemoryMax: '70%', CPUQuota: '150%', NoNewPrivileges: true, PrivateTmp: true});
const RELAXED = profile({name: 'Relaxed', MemoryMax: '70%', CPUQuota: '12.5%', TasksMax: '10%'});

function plans() {
    return [
        buildLaunchPlan({desktopId: 'firefox-esr.desktop', appName: 'Firefox ESR', profile: RELAXED, suffix: 'abc123'}),
        buildLaunchPlan({
            desktopId: "we'ird $id;\n%U.desktop", appName: 'App "with" \'quotes\' 50%', profile: STRICT,
            suffix: 'xyz789', passEnvironment: ['WAYLAND_DISPLAY', 'XDG_ACTIVATION_TOKEN'],
        }),
    ];
}

/** A deterministic source of numbers in [0, 1) (a linear congruential generator), so a failing case reproduces. */
function seededRandom(seed) {
    let state = seed;
    return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
}

test('shell_parse_argv gives back every nasty word, alone and together', () => {
    for (const word of NASTY)
        assertDeepEqual(parse(expandWithoutUris(toExecLine([word]))), [word], `word ${JSON.stringify(word)}`);
    assertDeepEqual(parse(expandWithoutUris(toExecLine(NASTY))), NASTY, 'all words in one line');
});

test('shell_parse_argv gives back random argument vectors (seeded fuzz)', () => {
    const alphabet = [...'aZ09 -_=%\'"\\$`;&|<>*?~#!\n\t(){}[]', 'é', '😀', '%%', '%U'];
    const random = seededRandom(7);
    for (let i = 0; i < 500; i++) {
        const argv = [];
        const words = 1 + Math.floor(random() * 6);
        for (let w = 0; w < words; w++) {
            let word = '';
            const length = Math.floor(random() * 12);
            for (let c = 0; c < length; c++)
                word += alphabet[Math.floor(random() * alphabet.length)];
            argv.push(word);
        }
        assertDeepEqual(parse(expandWithoutUris(toExecLine(argv))), argv, `case ${i}`);
    }
});

test('shell_parse_argv gives back whole launch plans', () => {
    for (const plan of plans())
        assertDeepEqual(parse(expandWithoutUris(toExecLine(plan.argv))), plan.argv, plan.unitName);
});

/** A command with `prefix` in front, as the shell runs it once expansion is off (systemd 254 and later). */
function verbatim(prefix) {
    return {argv: prefix, protect: text => text};
}

/**
 * Writes the app's desktop file with `groups`, rewritten by the shell's own rewrite
 * for `command` (and `action`), under the desktop id: what a confined launch loads.
 */
function writeDesktopFile(directory, desktopId, groups, command, action = null) {
    const keyFile = new GLib.KeyFile();
    for (const [group, entries] of Object.entries(groups)) {
        for (const [key, value] of Object.entries(entries))
            keyFile.set_string(group, key, value);
    }
    const path = GLib.build_filenamev([directory, desktopId]);
    GLib.file_set_contents(path, rewriteDesktopEntry(new TextEncoder().encode(keyFile.to_data()[0]), action, command));
    return path;
}

function loadAppInfo(path) {
    const info = Gio.DesktopAppInfo.new_from_filename(path);
    assertTrue(info !== null, `Gio.DesktopAppInfo refused ${path}:\n${new TextDecoder().decode(GLib.file_get_contents(path)[1])}`);
    return info;
}

test('Gio.DesktopAppInfo reads the rewritten Exec back as prefix + original command', () => {
    const directory = GLib.dir_make_tmp('desktop-XXXXXX');
    const original = ['/usr/bin/env', 'app with spaces', "--title=it's 100%", '$HOME', 'a\\b', 'line\nbreak'];
    for (const plan of plans()) {
        const exec = prefixExec(plan.argv, toExecLine(original));
        const path = writeDesktopFile(directory, 'nasty.desktop', {
            [DESKTOP_GROUP]: {Type: 'Application', Name: 'Nasty', Exec: toExecLine(original)},
        }, verbatim(plan.argv));
        const info = loadAppInfo(path);
        assertEqual(info.get_commandline(), exec, 'get_commandline()');
        assertEqual(info.get_string('Exec'), exec, "get_string('Exec')");
        assertDeepEqual(parse(expandWithoutUris(info.get_commandline())), [...plan.argv, ...original], plan.unitName);
    }
});

/**
 * A harmless stand-in for systemd-run: records its arguments, NUL-separated, in
 * `record` and exits. Written to a side file first so a reader never sees half.
 */
function recorder(record) {
    return ['/bin/sh', '-c', 'printf "%s\\0" "$@" > "$0.part" && mv "$0.part" "$0"', record];
}

function readRecord(record) {
    const deadline = GLib.get_monotonic_time() + 10 * GLib.USEC_PER_SEC;
    while (!GLib.file_test(record, GLib.FileTest.EXISTS)) {
        assertTrue(GLib.get_monotonic_time() < deadline, `nothing was launched: ${record} never appeared`);
        GLib.usleep(20000);
    }
    const [, bytes] = GLib.file_get_contents(record);
    const words = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === 0) {
            words.push(new TextDecoder().decode(bytes.subarray(start, i)));
            start = i + 1;
        }
    }
    assertEqual(start, bytes.length, 'bytes after the last NUL');
    return words;
}

test('launch_uris spawns exactly the plan, the original command and the quoted URIs (%U, %c, %k, %%)', () => {
    const directory = GLib.dir_make_tmp('launch-XXXXXX');
    const record = GLib.build_filenamev([directory, 'argv']);
    const [plan] = plans().slice(1);
    const name = 'Nasty "App" it\'s 100%';
    const path = writeDesktopFile(directory, 'org.example.Nasty.desktop', {
        [DESKTOP_GROUP]: {
            Type: 'Application', Name: name,
            Exec: "app-binary --flag \"quoted arg\" 'single $HOME' 100%% %c %k %U",
        },
    }, verbatim([...recorder(record), ...plan.argv]));
    // Not file:// URIs: GLib may hand those over as local paths; %f is tested below.
    const uris = [
        'https://example.org/it\'s/"q"/?q=a%20b&x=$(id);`id`',
        'sftp://host/~/dir with space/file#frag',
        'mailto:x@example.org?subject=100%25%20off',
    ];
    const launched = loadAppInfo(path).launch_uris(uris, null);
    assertTrue(launched, 'launch_uris returned false');
    assertDeepEqual(readRecord(record), [
        ...plan.argv, 'app-binary', '--flag', 'quoted arg', 'single $HOME', '100%', name, path, ...uris,
    ], 'spawned argv');
});

test('launch_uris turns %f into local paths with spaces and quotes intact', () => {
    const directory = GLib.dir_make_tmp('files-XXXXXX');
    const record = GLib.build_filenamev([directory, 'argv']);
    const [plan] = plans();
    const file = GLib.build_filenamev([directory, 'my "report" it\'s 50%.txt']);
    const path = writeDesktopFile(directory, 'editor.desktop', {
        [DESKTOP_GROUP]: {Type: 'Application', Name: 'Editor', Exec: 'editor %f'},
    }, verbatim([...recorder(record), ...plan.argv]));
    assertTrue(loadAppInfo(path).launch_uris([GLib.filename_to_uri(file, null)], null), 'launch_uris returned false');
    assertDeepEqual(readRecord(record), [...plan.argv, 'editor', file], 'spawned argv');
});

test('a desktop action, rewritten into the main Exec, spawns the prefixed action command', () => {
    const directory = GLib.dir_make_tmp('action-XXXXXX');
    const record = GLib.build_filenamev([directory, 'argv']);
    const [, plan] = plans();
    const path = writeDesktopFile(directory, 'browser.desktop', {
        [DESKTOP_GROUP]: {Type: 'Application', Name: 'Browser', Exec: '/bin/true %u', Actions: 'private;'},
        'Desktop Action private': {Name: 'New Private Window', Exec: 'browser --private-window %u'},
    }, verbatim([...recorder(record), ...plan.argv]), 'private');
    const info = loadAppInfo(path);
    assertDeepEqual(info.list_actions(), ['private'], 'actions');
    assertTrue(info.launch_uris(['https://example.org/'], null), 'launch_uris returned false');
    assertDeepEqual(readRecord(record), [...plan.argv, 'browser', '--private-window', 'https://example.org/'], 'spawned argv');
});

run('execRoundTrip');
