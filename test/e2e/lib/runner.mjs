// Runs inside run.sh once per GNOME version, with a booted container:
// installs the extension, starts gnome-shell --headless, runs the scenarios.
//
//   node runner.mjs --version 48 --suite trixie --leader PID --zip ZIP --artifacts DIR --results FILE
//
// The real-kernel tier (test/vm/run.sh) runs it against a VM instead: --agent
// SOCKET (the VM agent's port, see test/vm/lib/vm.mjs) and --scenarios DIR.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';

import { VmGuest } from '../../vm/lib/vm.mjs';
import { Container, HOME } from './container.mjs';
import { createContext, SHELL_UNIT, SkipError, UUID } from './context.mjs';
import { GUEST_DIR, Shell } from './shell.mjs';
import { sleep, summarizeBacktraces, waitFor } from './util.mjs';

const LIB_DIR = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_TEST_TIMEOUT_MS = 120_000;

const { values: opts } = parseArgs({
    options: {
        version: { type: 'string' },
        suite: { type: 'string' },
        leader: { type: 'string' },
        zip: { type: 'string' },
        artifacts: { type: 'string' },
        results: { type: 'string' },
        agent: { type: 'string' },
        scenarios: { type: 'string' },
    },
});
const version = Number(opts.version);
const SCENARIO_DIR = path.resolve(opts.scenarios ?? path.join(LIB_DIR, '..', 'scenarios'));
const container = opts.agent ? new VmGuest(opts.agent) : new Container(Number(opts.leader));
const shell = new Shell(container);
// The VM runs under software emulation: its shell takes several times longer to start.
const SETUP_SLOWNESS = container instanceof VmGuest ? 6 : 1;
const results = { passed: 0, failed: 0, skipped: 0, tests: [] };

const t0 = Date.now();
const stamp = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`.padStart(7);
const say = msg => console.log(`[GNOME ${version} ${stamp()}] ${msg}`);

async function must(r, what) {
    const res = await r;
    if (res.code !== 0)
        throw new Error(`${what} failed (exit ${res.code}): ${(res.stderr || res.stdout).trim()}`);
    return res.stdout;
}

/** Installs the zip, starts the headless shell, enables the extension. */
async function startSession() {
    if (container instanceof VmGuest) {
        const booted = Date.now();
        const state = await container.waitReady(Number(process.env.CONFINE_VM_BOOT_TIMEOUT ?? 300) * 1000);
        say(`the VM is up (${state}) after ${((Date.now() - booted) / 1000).toFixed(1)} s of waiting`);
    }
    await must(container.rootSh(`mkdir -p ${GUEST_DIR}`), 'mkdir guest dir');
    // The harness's guest helpers, then those of the scenario set, if it has any.
    for (const dir of [path.join(LIB_DIR, 'guest'), path.join(SCENARIO_DIR, '..', 'guest')]) {
        const files = await fs.readdir(dir).catch(() => []);
        for (const f of files)
            await container.copyIn(path.join(dir, f), `${GUEST_DIR}/${f}`, { owner: 'root', mode: 0o755 });
    }

    // Installed before the shell starts: extensions are scanned at startup.
    await container.copyIn(opts.zip, `${HOME}/${path.basename(opts.zip)}`);
    await must(container.sh(`gnome-extensions install --force ${HOME}/${path.basename(opts.zip)}`),
        'gnome-extensions install');
    say(`installed ${path.basename(opts.zip)}`);

    // No gnome-session here: publish the session's variables to the user manager
    // and D-Bus activation, so D-Bus-activated apps (the prefs window) find the display.
    await must(container.sh('systemctl --user set-environment XDG_SESSION_TYPE=wayland XDG_CURRENT_DESKTOP=GNOME WAYLAND_DISPLAY=wayland-0 && ' +
        'dbus-update-activation-environment --systemd XDG_SESSION_TYPE XDG_CURRENT_DESKTOP WAYLAND_DISPLAY'),
    'setting the session environment');

    // GLib watches the applications directories that exist when the shell
    // starts: create the user's, so .desktop files scenarios drop there are seen.
    await must(container.sh('mkdir -p ~/.local/share/applications'), 'mkdir applications');

    // Hot corners off: the virtual pointer starts in the corner, and the corner's
    // barrier would swallow the first motion and toggle the overview (see setupInput).
    await must(container.sh('gsettings set org.gnome.desktop.interface enable-hot-corners false'), 'gsettings');

    // One app folder, and one that holds an app. The shell's default folders (System,
    // Utilities, YaST, Pardus) are empty in these rootfs, and the app grid makes each
    // empty folder's icon anew, and destroys it, on every redisplay (a .desktop file
    // added or removed, a favorite changed): two Gio.Settings for the garbage collector
    // per folder each time, 128 in one run of the GNOME 48 scenarios. A Gio.Settings
    // finalized while a dconf change is being handed out hangs the shell (a GJS
    // deadlock, see scenarios/06-settings-stress.mjs): CI saw it in VM 60 on GNOME 48
    // and in e2e 61 on GNOME 50. A folder that shows an app keeps its icon. (An empty
    // list is not enough: GNOME 48 puts the default folders back when it finds one.)
    await container.writeFile(`${HOME}/.local/share/applications/${FOLDER_APP}`,
        '[Desktop Entry]\nType=Application\nName=Confine e2e folder item\nExec=true\n');
    await must(container.sh(`gsettings set org.gnome.desktop.app-folders.folder:${FOLDER_PATH} name 'Confine e2e' && ` +
        `gsettings set org.gnome.desktop.app-folders.folder:${FOLDER_PATH} apps "['${FOLDER_APP}']" && ` +
        'gsettings set org.gnome.desktop.app-folders folder-children "[\'ConfineE2E\']"'), 'the app folder');

    const started = Date.now();
    await must(container.sh(`systemd-run --user --unit=${SHELL_UNIT} --description='GNOME Shell (confine e2e)' ` +
        '--setenv=XDG_SESSION_TYPE=wayland --setenv=XDG_CURRENT_DESKTOP=GNOME ' +
        'gnome-shell --headless --wayland --no-x11 --unsafe-mode --virtual-monitor 1280x800'), 'starting gnome-shell');
    await waitFor(async () => {
        const active = await container.sh(`systemctl --user is-active ${SHELL_UNIT}`);
        if (active.stdout.trim() === 'failed')
            throw new Error('gnome-shell exited');
        const r = await container.sh('gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus ' +
            '--method org.freedesktop.DBus.NameHasOwner org.gnome.Shell');
        return r.stdout.includes('true');
    }, 60_000 * SETUP_SLOWNESS, 'org.gnome.Shell on the session bus');
    await waitFor(() => shell.eval('!Main.layoutManager._startingUp'), 30_000 * SETUP_SLOWNESS, 'the shell to finish starting up');
    say(`gnome-shell is up after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    await shell.setupInput();

    // The ExtensionState enum of this shell version, from its own source.
    await shell.eval(`import('resource:///org/gnome/shell/misc/extensionUtils.js')
        .then(m => { __e2e.ExtensionState = {...m.ExtensionState}; }); true`);
    const extensionState = await waitFor(() => shell.eval('__e2e.ExtensionState ?? null'), 5000 * SETUP_SLOWNESS, 'ExtensionState');

    await must(container.sh(`gnome-extensions enable ${UUID}`), 'gnome-extensions enable');
    const ctx = createContext({
        version, suite: opts.suite, container, shell, artifactsDir: opts.artifacts, extensionState,
    });
    // Wait until enabling has finished one way or another; scenario 01 judges the outcome.
    const info = await waitFor(async () => {
        const i = await ctx.extensionInfo();
        return i.state !== undefined && i.state !== extensionState.ACTIVATING && i.state !== extensionState.INITIALIZED
            ? i : null;
    }, 15_000 * SETUP_SLOWNESS, 'the extension to leave the ACTIVATING/INITIALIZED state').catch(() => null);
    const stateName = Object.entries(extensionState).find(([, v]) => v === info?.state)?.[0] ?? info?.state;
    say(`enabled ${UUID}: state ${stateName}`);
    return ctx;
}

async function loadScenarios() {
    const only = process.env.CONFINE_E2E_ONLY;
    const files = (await fs.readdir(SCENARIO_DIR)).filter(f => f.endsWith('.mjs')).sort()
        .filter(f => !only || only.split(/[ ,]+/).some(o => f.includes(o)));
    const scenarios = [];
    for (const file of files) {
        const base = file.replace(/\.mjs$/, '');
        let mod;
        try {
            mod = await import(pathToFileURL(path.join(SCENARIO_DIR, file)).href);
        } catch (e) {
            // A scenario file that does not load is one failure, not the end of the run.
            const error = e;
            scenarios.push({ file: base, timeoutMs: 1000, tests: [{ name: 'loads', fn: () => { throw error; } }] });
            continue;
        }
        let tests = [];
        if (Array.isArray(mod.tests))
            tests = mod.tests;
        else if (mod.tests && typeof mod.tests === 'object')
            tests = Object.entries(mod.tests).map(([name, fn]) => ({ name, fn }));
        if (typeof mod.default === 'function')
            tests = [{ name: mod.title ?? base, fn: mod.default }, ...tests];
        scenarios.push({
            file: base,
            versions: mod.versions,
            timeoutMs: mod.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS,
            tests: tests.map(t => ({ ...t, name: t.name ?? t.fn.name })),
        });
    }
    return scenarios;
}

function applies(versions) {
    return !versions || versions.map(Number).includes(version);
}

/** How long a test that timed out may go on finishing (its finally blocks) before the next one starts. */
const SETTLE_AFTER_TIMEOUT_MS = 60_000;

async function withTimeout(promise, ms, what) {
    let timer;
    let timedOut = false;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => {
            timedOut = true;
            reject(new Error(`${what} timed out after ${ms} ms`));
        }, ms);
    });
    try {
        return await Promise.race([promise, timeout]);
    } finally {
        clearTimeout(timer);
        // A timeout does not stop the test: left running, its waits and its
        // finally blocks (stopping units, resetting swap) would act in the middle
        // of the next test. Let it wind down first.
        if (timedOut) {
            let settleTimer;
            await Promise.race([
                promise.catch(() => {}),
                new Promise(resolve => (settleTimer = setTimeout(resolve, SETTLE_AFTER_TIMEOUT_MS))),
            ]);
            clearTimeout(settleTimer);
        }
    }
}

async function saveArtifacts(ctx) {
    const dir = opts.artifacts;
    await fs.mkdir(dir, { recursive: true });
    const save = async (name, fn) => {
        try {
            await fs.writeFile(path.join(dir, name), await fn());
        } catch (e) {
            await fs.writeFile(path.join(dir, name), `could not collect: ${e.message}\n`);
        }
    };
    await save('journal-shell.txt', () => must(container.rootSh(
        `journalctl --no-pager -o short-monotonic _SYSTEMD_USER_UNIT=${SHELL_UNIT}`), 'journalctl'));
    await save('journal-user.txt', () => must(container.rootSh('journalctl --no-pager -o short-monotonic _UID=1000'), 'journalctl'));
    await save('journal-system.txt', () => must(container.rootSh('journalctl --no-pager -o short-monotonic -b'), 'journalctl'));
    await save('user-units.txt', () => must(container.sh('systemctl --user list-units --all --no-pager'), 'list-units'));
    await save('extension.json', async () => JSON.stringify({
        info: ctx ? await ctx.extensionInfo().catch(e => e.message) : null,
        errors: ctx ? await ctx.extensionErrors().catch(e => e.message) : null,
        windows: await shell.windows().catch(e => e.message),
    }, null, 2));
    if (ctx)
        await ctx.screenshot('final').catch(() => {});
}

/** The one app folder of the test session, and the app it holds (see startSession). */
const FOLDER_APP = 'confine-e2e-folder-item.desktop';
const FOLDER_PATH = '/org/gnome/desktop/app-folders/folders/ConfineE2E/';

/** True when the shell still answers an Eval within a generous time. */
async function shellAnswers() {
    return withTimeout(shell.eval('true'), 40_000 * SETUP_SLOWNESS, 'Eval').then(() => true, () => false);
}

/**
 * A shell that stops answering fails every later test after its full timeout,
 * and the journal says nothing about why. Saves what the host can see of it:
 * each thread's kernel wait channel, the native backtraces and the JavaScript
 * stack (gjs_dumpstack() writes to the shell's journal).
 */
async function saveHungShell() {
    await fs.mkdir(opts.artifacts, { recursive: true });
    const file = path.join(opts.artifacts, 'hung-shell.txt');
    let out = '';
    try {
        out = container instanceof VmGuest ? await guestHungShell() : await hostHungShell();
    } catch (e) {
        out += `could not look at the shell: ${e.message}\n`;
    }
    await fs.writeFile(file, out);
    // The CI log is often all there is of a run: the top of each thread's stack goes there too.
    console.log(summarizeBacktraces(out).replace(/^/gm, '       '));
}

const GDB_ARGS = ['-batch', '-ex', 'thread apply all bt 40', '-ex', 'call (void)gjs_dumpstack()'];

/** The shell in the container, seen from the host (it shares our kernel, so the host's gdb attaches). */
async function hostHungShell() {
    const run = promisify(execFile);
    let out = '';
    // The shell's PID as the host sees it: a gnome-shell in the container's PID namespace.
    const ns = await fs.readlink(`/proc/${opts.leader}/ns/pid`);
    const { stdout } = await run('pgrep', ['-x', 'gnome-shell']);
    const pids = [];
    for (const pid of stdout.trim().split('\n').filter(Boolean)) {
        if (await fs.readlink(`/proc/${pid}/ns/pid`).catch(() => null) === ns)
            pids.push(pid);
    }
    for (const pid of pids) {
        out += `gnome-shell, host PID ${pid}\n`;
        for (const task of await fs.readdir(`/proc/${pid}/task`)) {
            const read = f => fs.readFile(`/proc/${pid}/task/${task}/${f}`, 'utf8').catch(() => '?');
            const stat = await read('stat');
            out += `  ${task} ${(await read('comm')).trim()} state=${stat.split(') ')[1]?.[0] ?? '?'} wchan=${await read('wchan')}\n`;
        }
        const gdb = await run('gdb', ['-p', pid, ...GDB_ARGS], { timeout: 180_000, maxBuffer: 64 << 20 })
            .catch(e => ({ stdout: `${e.stdout ?? ''}\n${e.message}` }));
        out += gdb.stdout;
    }
    return out;
}

/** The shell in the VM: its own kernel, so the guest's gdb (part of the image) attaches. */
async function guestHungShell() {
    const r = await container.rootSh(
        'for pid in $(pgrep -x gnome-shell); do echo "gnome-shell, guest PID $pid"; ' +
        'for t in /proc/$pid/task/*; do echo "  ${t##*/} $(cat $t/comm) state=$(sed "s/.*) //" $t/stat | cut -c1) wchan=$(cat $t/wchan)"; done; ' +
        `timeout 170 gdb -p $pid ${GDB_ARGS.map(a => `'${a}'`).join(' ')} 2>&1; done`,
        { timeoutMs: 180_000 });
    return `${r.stdout}${r.stderr}`;
}

async function main() {
    let ctx;
    const scenarios = await loadScenarios();
    try {
        ctx = await startSession();
    } catch (e) {
        say(`SETUP FAILED: ${e.message}`);
        // Every test that would have run counts as failed.
        for (const s of scenarios.filter(s => applies(s.versions))) {
            for (const t of s.tests.filter(t => applies(t.versions))) {
                results.failed++;
                results.tests.push({ name: `${s.file}: ${t.name}`, status: 'failed', error: 'setup failed' });
                console.log(`  FAIL ${s.file}: ${t.name} (not run: setup failed)`);
            }
        }
        if (!results.failed)
            results.failed = 1;
        await saveArtifacts(null);
        return;
    }

    // Set when the shell stops answering: the tests after that one are not run.
    let hung = null;
    const notRun = (s, t) => {
        results.failed++;
        results.tests.push({ name: `${s.file}: ${t.name}`, status: 'failed', error: hung });
        console.log(`  FAIL ${s.file}: ${t.name} (not run: ${hung})`);
    };
    for (const s of scenarios) {
        if (!applies(s.versions)) {
            say(`${s.file}: not for GNOME ${version}`);
            continue;
        }
        for (const t of s.tests) {
            const name = `${s.file}: ${t.name}`;
            if (!applies(t.versions))
                continue;
            if (hung) {
                notRun(s, t);
                continue;
            }
            const started = Date.now();
            try {
                await withTimeout(Promise.resolve().then(() => t.fn(ctx)), t.timeoutMs ?? s.timeoutMs, name);
                results.passed++;
                results.tests.push({ name, status: 'passed' });
                say(`ok   ${name} (${Date.now() - started} ms)`);
            } catch (e) {
                if (e instanceof SkipError) {
                    results.skipped++;
                    results.tests.push({ name, status: 'skipped', reason: e.message });
                    say(`SKIP ${name}: ${e.message}`);
                    continue;
                }
                results.failed++;
                results.tests.push({ name, status: 'failed', error: e.stack ?? String(e) });
                say(`FAIL ${name} (${Date.now() - started} ms)`);
                console.log(String(e.stack ?? e).replace(/^/gm, '       '));
                if (!(await shellAnswers())) {
                    hung = `gnome-shell stopped answering during ${name}`;
                    say(`${hung}: thread states and backtraces in hung-shell.txt; the tests after it are not run`);
                    await saveHungShell();
                    continue;
                }
                await ctx.screenshot(`FAIL-${s.file}-${t.name}`).catch(err => say(`(no screenshot: ${err.message})`));
            }
        }
        if (hung)
            continue;
        // Leave the shell as the next scenario expects it: no overview, no menus.
        await shell.eval('Main.overview.hide(); true').catch(() => {});
        await sleep(300);
        // Collect what the scenario left now, while nothing writes settings. A Gio.Settings
        // it made garbage would otherwise be finalized by a collection during the next
        // scenario's settings writes, which can hang the shell (the GJS deadlock, see
        // docs/development.md): CI met it on GNOME 51 in e2e 46, with the main thread
        // finalizing a Gio.Settings and dconf's worker in g_weak_ref_get, right after
        // e2e 45 disabled Dash to Dock (whose settings objects it drops then).
        await shell.collectGarbage().catch(() => {});
    }
    if (results.failed)
        await saveArtifacts(ctx);
    // Debugging: keep the container up (node lib/dev.mjs LEADER 'js' to poke it).
    const hold = Number(process.env.CONFINE_E2E_HOLD ?? 0);
    if (hold > 0) {
        say(`holding the ${opts.agent ? `VM for ${hold} s: agent socket ${opts.agent}` : `container for ${hold} s: leader PID ${opts.leader}`} (touch /tmp/confine-e2e-release to go on)`);
        // qemu's socket takes one client at a time: leave it to test/vm/lib/dev.mjs.
        container.close?.();
        await fs.rm('/tmp/confine-e2e-release', { force: true });
        const until = Date.now() + hold * 1000;
        while (Date.now() < until && !(await fs.stat('/tmp/confine-e2e-release').catch(() => null)))
            await sleep(1000);
    }
}

try {
    await main();
} catch (e) {
    say(`runner crashed: ${e.stack ?? e}`);
    results.failed++;
}
say(`${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`);
if (opts.results)
    await fs.writeFile(opts.results, JSON.stringify(results, null, 2));
process.exit(0);
