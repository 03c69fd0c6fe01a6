// `npm run deploy` (node build.mjs --install) against stand-ins for gnome-extensions
// and gsettings that record how they were called. It runs as a desktop user would:
// when the tests run as root, as the unprivileged user "nobody".

import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';

import {scratchCopy} from './scratchCopy.js';

const UUID = 'confine@confine.github.io';
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/** Records its arguments, tab-separated, one call a line. */
const RECORD = 'printf \'%s\\t\' "$(/usr/bin/basename "$0")" "$@" >> "$STUB_LOG"; echo >> "$STUB_LOG"';

const GNOME_EXTENSIONS = `#!/bin/sh
${RECORD}
case "$1" in
install) if [ -n "$STUB_INSTALL_FAILS" ]; then echo "zip is not a valid extension" >&2; exit 1; fi
	[ "$2" = --force ] && [ -f "$3" ] || exit 3 ;;
enable) if [ -n "$STUB_ENABLE_FAILS" ]; then echo "Extension “$2” does not exist" >&2; exit 2; fi ;;
*) exit 4 ;;
esac
`;

const GSETTINGS = `#!/bin/sh
${RECORD}
[ "$2" = org.gnome.shell ] || exit 4
if [ -n "$STUB_GSETTINGS_FAILS" ]; then echo "No such schema" >&2; exit 1; fi
case "$1" in
get) /bin/cat "$STUB_STATE/$3" 2>/dev/null || echo '@as []' ;;
set) printf '%s\\n' "$4" > "$STUB_STATE/$3" ;;
*) exit 4 ;;
esac
`;

let scratch = '';

interface Deploy {
    status: number | null;
    stdout: string;
    stderr: string;
    /** Each stand-in call as [command, ...argv]. */
    calls: string[][];
    home: string;
    state: string;
}

function writeScript(path: string, text: string): void {
    writeFileSync(path, text);
    chmodSync(path, 0o755);
}

/** Runs `node build.mjs --install` in a fresh home with only the given stand-ins on PATH. */
interface DeployOptions {
    stubs: string[];
    installFails?: boolean;
    enableFails?: boolean;
    gsettingsFails?: boolean;
    state?: Record<string, string>;
    asRoot?: boolean;
}

function deploy(name: string, options: DeployOptions): Deploy {
    const dir = join(scratch, 'runs', name);
    const stubs = join(dir, 'stubs');
    const tools = join(dir, 'tools');
    const home = join(dir, 'home');
    const state = join(dir, 'state');
    for (const path of [stubs, tools, home, state])
        mkdirSync(path, {recursive: true});
    // What the build itself needs, and nothing that could be a real gnome-extensions.
    for (const tool of ['zip', 'glib-compile-schemas', 'msgfmt']) {
        const real = execFileSync('/bin/sh', ['-c', `command -v ${tool} || true`], {encoding: 'utf8'}).trim();
        if (real !== '')
            symlinkSync(real, join(tools, tool));
    }
    if (options.stubs.includes('gnome-extensions'))
        writeScript(join(stubs, 'gnome-extensions'), GNOME_EXTENSIONS);
    if (options.stubs.includes('gsettings'))
        writeScript(join(stubs, 'gsettings'), GSETTINGS);
    for (const [key, value] of Object.entries(options.state ?? {}))
        writeFileSync(join(state, key), `${value}\n`);
    const log = join(dir, 'calls');
    writeFileSync(log, '');

    const environment = [`HOME=${home}`, `PATH=${stubs}:${tools}`, `STUB_LOG=${log}`, `STUB_STATE=${state}`,
        ...options.installFails ? ['STUB_INSTALL_FAILS=1'] : [], ...options.enableFails ? ['STUB_ENABLE_FAILS=1'] : [],
        ...options.gsettingsFails ? ['STUB_GSETTINGS_FAILS=1'] : []];
    const node = [process.execPath, 'build.mjs', '--install'];
    let result;
    if (AS_ROOT && !options.asRoot) {
        execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, scratch]);
        result = spawnSync('runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', ...environment, ...node], {cwd: scratch, encoding: 'utf8'});
    } else {
        result = spawnSync('/usr/bin/env', ['-i', ...environment, ...node], {cwd: scratch, encoding: 'utf8'});
    }
    const calls = readFileSync(log, 'utf8').split('\n').filter(line => line !== '')
        .map(line => line.split('\t').slice(0, -1));
    return {status: result.status, stdout: result.stdout, stderr: result.stderr, calls, home, state};
}

function zipPath(): string {
    return join(scratch, 'dist', `${UUID}.shell-extension.zip`);
}

function assertCommandInstalled(run: Deploy): void {
    const command = join(run.home, '.local', 'bin', 'confine');
    assert.equal(statSync(command).mode & 0o777, 0o755);
    assert.equal(readFileSync(command, 'utf8'), readFileSync(join(scratch, 'dist', 'cli', 'confine'), 'utf8'));
    assert.ok(!existsSync(`${command}.new`));
    assert.match(run.stdout, new RegExp(`installed the confine command as ${command}\n`));
    assert.match(run.stdout, /\.local\/bin is not in your PATH/);
}

before(() => {
    scratch = scratchCopy('confine-deploy-');
});

after(() => {
    if (scratch !== '')
        rmSync(scratch, {recursive: true, force: true});
});

describe('npm run deploy', () => {
    test('installs the zip, enables it and installs the command', () => {
        const run = deploy('enabled', {stubs: ['gnome-extensions', 'gsettings']});
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(run.calls, [
            ['gnome-extensions', 'install', '--force', zipPath()],
            ['gnome-extensions', 'enable', UUID],
        ]);
        assert.match(run.stdout, new RegExp(`enabled ${UUID}\n`));
        assert.doesNotMatch(run.stdout, /log out/);
        assertCommandInstalled(run);
    });

    test('falls back to enabled-extensions when the running shell has not seen the extension', () => {
        const run = deploy('fallback', {
            stubs: ['gnome-extensions', 'gsettings'], enableFails: true,
            state: {'enabled-extensions': "['other@example.org']", 'disabled-extensions': `['${UUID}', 'x@example.org']`},
        });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(run.calls, [
            ['gnome-extensions', 'install', '--force', zipPath()],
            ['gnome-extensions', 'enable', UUID],
            ['gsettings', 'get', 'org.gnome.shell', 'enabled-extensions'],
            ['gsettings', 'set', 'org.gnome.shell', 'enabled-extensions', `['other@example.org', '${UUID}']`],
            ['gsettings', 'get', 'org.gnome.shell', 'disabled-extensions'],
            ['gsettings', 'set', 'org.gnome.shell', 'disabled-extensions', "['x@example.org']"],
        ]);
        assert.equal(readFileSync(join(run.state, 'enabled-extensions'), 'utf8'), `['other@example.org', '${UUID}']\n`);
        assert.match(run.stdout, /GNOME Shell did not enable it yet \(Extension “confine@confine\.github\.io” does not exist\)/);
        assert.match(run.stdout, /on Wayland log out and back in once/);
        assertCommandInstalled(run);
    });

    test('does not list the extension twice, and starts from an empty list', () => {
        const twice = deploy('already', {
            stubs: ['gnome-extensions', 'gsettings'], enableFails: true, state: {'enabled-extensions': `['${UUID}']`},
        });
        assert.equal(twice.status, 0, twice.stderr);
        assert.deepEqual(twice.calls.slice(2), [
            ['gsettings', 'get', 'org.gnome.shell', 'enabled-extensions'],
            ['gsettings', 'get', 'org.gnome.shell', 'disabled-extensions'],
        ]);
        const empty = deploy('empty', {stubs: ['gnome-extensions', 'gsettings'], enableFails: true});
        assert.equal(empty.status, 0, empty.stderr);
        assert.deepEqual(empty.calls[3], ['gsettings', 'set', 'org.gnome.shell', 'enabled-extensions', `['${UUID}']`]);
    });

    test('says what is missing when gnome-extensions is not installed, and installs nothing', () => {
        const run = deploy('missing', {stubs: ['gsettings']});
        assert.equal(run.status, 1);
        assert.match(run.stderr, /npm run deploy: gnome-extensions was not found\. It comes with GNOME Shell/);
        assert.deepEqual(run.calls, []);
        assert.ok(!existsSync(join(run.home, '.local')));
    });

    test('stops with a short message when gnome-extensions or gsettings fail', () => {
        const install = deploy('install-fails', {stubs: ['gnome-extensions', 'gsettings'], installFails: true});
        assert.equal(install.status, 1);
        assert.equal(install.stderr, 'zip is not a valid extension\n' +
            `npm run deploy: gnome-extensions could not install dist/${UUID}.shell-extension.zip (its message is above).\n`);
        assert.ok(!existsSync(join(install.home, '.local')));

        const settings = deploy('gsettings-fails', {stubs: ['gnome-extensions', 'gsettings'], enableFails: true, gsettingsFails: true});
        assert.equal(settings.status, 1);
        assert.match(settings.stderr, /npm run deploy: gsettings could not add Confine to org\.gnome\.shell enabled-extensions \(No such schema\); enable it in the Extensions app after logging in again\.\n$/);
        assert.doesNotMatch(settings.stderr, /at .*build\.mjs/);
    });

    test('refuses to install for root', {skip: AS_ROOT ? false : 'needs root to run the deploy as root'}, () => {
        const run = deploy('root', {stubs: ['gnome-extensions', 'gsettings'], asRoot: true});
        assert.equal(run.status, 1);
        assert.match(run.stderr, /npm run deploy: run it as the desktop user who will use Confine, not as root or with sudo\./);
        assert.deepEqual(run.calls, []);
    });
});
