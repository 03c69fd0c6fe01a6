// Issue 6: `confine shell` on a real terminal (tmux in the container): the shell runs in
// its own unit, Ctrl-C reaches what runs in it and not confine, and `exit` returns.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { USER_ENV } from '../lib/container.mjs';

export const title = 'confine shell in a terminal';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCHEMA = 'org.gnome.shell.extensions.confine';
const CONFINE = '/usr/local/bin/confine';
const TMUX = 'tmux -L confine-e2e';
const TERMINAL_UNITS = 'confine-e2e-terminal-*.service';

/** Ends the terminal: its tmux server's service, and with it the tab. Returns once they are gone. */
async function closeTerminal(ctx) {
    await ctx.sh(`systemctl --user stop '${TERMINAL_UNITS}'`);
}

/**
 * The unit of the tab's shell, once the shell is in it. tmux (built with systemd) asks the
 * user manager to move each new pane into a tmux-spawn-*.scope of its own, as VTE does with
 * vte-spawn-*.scope, but tmux 3.5 (Debian 13; 3.6 waits) does not wait for that job:
 * new-session can return while the shell is still in the server's cgroup, and a command the
 * shell forks before the move reads that cgroup instead of the one it lives in from then on.
 */
async function tabUnit(ctx) {
    const pid = (await ctx.shOk(`${TMUX} display-message -p -t tab '#{pane_pid}'`)).trim();
    return ctx.waitFor(async () => {
        const line = (await ctx.shOk(`cat /proc/${pid}/cgroup`)).split('\n').find(l => l.startsWith('0::'));
        const unit = line?.split('/').pop();
        return /^tmux-spawn-[0-9a-f-]+\.scope$/.test(unit ?? '') ? unit : null;
    }, 10_000, `the tab's shell (PID ${pid}) in its tmux-spawn scope`);
}

/** A terminal with one tab; returns the unit of the tab's shell. */
/** Shell text that finds `sleep SECONDS` (systemd-run may run the command as /usr/bin/sleep). */
function pgrepSleep(seconds) {
    return `pgrep -f "^(/usr/bin/)?sleep ${seconds}$"`;
}

async function waitForSleep(ctx, seconds) {
    await ctx.waitFor(async () => (await ctx.sh(pgrepSleep(seconds))).code === 0, 10_000, `sleep ${seconds} to run`);
}

async function setUp(ctx) {
    await ctx.copyIn(path.join(REPO, 'dist/cli/confine'), CONFINE, { owner: 'root', mode: 0o755 });
    for (const key of ['profiles', 'app-profiles', 'default-profile'])
        await ctx.gsettings('reset', SCHEMA, key);
    await closeTerminal(ctx);
    // The tmux server runs in a service of the user manager, where a terminal emulator of the
    // session runs. Started by a test command instead, it would stay in the cgroup nsenter
    // left it in, the host's ("0::/.." in the container): the user manager may not move a pane
    // out of there, and whether the container's PID 1 does it for it depends on the host.
    // A oneshot service that remains active: systemd-run returns once the server is up, and
    // the server stays in the unit (as Type=forking, systemd could take the intermediate
    // process of tmux's double fork for the main process and stop the unit when it exits).
    // Its environment is the one test commands get.
    const env = Object.entries(USER_ENV).map(([name, value]) => ctx.shellQuote(`${name}=${value}`)).join(' ');
    await ctx.shOk(`systemd-run --user --quiet --collect --unit=confine-e2e-terminal-${Date.now()} ` +
        '--property=Type=oneshot --property=RemainAfterExit=yes ' +
        `-- /usr/bin/env -i ${env} ${TMUX} start-server \\; set-option -g exit-empty off`);
    // A plain bash on a 160x40 terminal, as a terminal emulator's tab would start it
    // (exec: the pane's process is that bash).
    await ctx.shOk(`${TMUX} new-session -d -s tab -x 160 -y 40 'exec env PS1="tab\\$ " bash --norc -i'`);
    await ctx.shOk(`${TMUX} set-option -t tab remain-on-exit on`);
    return tabUnit(ctx);
}

const screen = async ctx => (await ctx.shOk(`${TMUX} capture-pane -p -J -S -200 -t tab`)).replace(/\s+$/gm, '');

async function type(ctx, text) {
    await ctx.shOk(`${TMUX} send-keys -t tab -l ${ctx.shellQuote(text)}`);
    await ctx.shOk(`${TMUX} send-keys -t tab Enter`);
}

/** Types a command that ends by echoing a marker, and returns the screen once the marker shows. */
async function typeAndWait(ctx, command, marker) {
    await type(ctx, `${command}; echo ${marker}-$((20+22))`);
    return ctx.waitFor(async () => {
        const text = await screen(ctx);
        return text.includes(`${marker}-42`) ? text : null;
    }, 20_000, `"${marker}" on the terminal`);
}

/** The unit of the last "0::/..." cgroup line on the screen after `marker`'s command. */
function unitAfter(text, marker) {
    const tail = text.slice(text.lastIndexOf(`echo ${marker}`));
    const line = tail.split('\n').find(l => l.startsWith('0::'));
    return line ? line.split('/').pop() : null;
}

async function shellSession(ctx, profile, expectedUnit) {
    const tab = await setUp(ctx);
    try {
        const before = unitAfter(await typeAndWait(ctx, 'cat /proc/self/cgroup', 'OUTSIDE1'), 'OUTSIDE1');
        ctx.assert.equal(before, tab, 'the tab\'s shell runs in the tab\'s unit');

        await type(ctx, `exec 3>&1; ${CONFINE} shell --profile ${profile}; echo "confine-status=$?"`);
        const text = await typeAndWait(ctx, 'cat /proc/self/cgroup; tty; grep NoNewPrivs /proc/self/status', 'INSIDE1');
        const unit = unitAfter(text, 'INSIDE1');
        ctx.log(`${profile}: the shell runs in ${unit}`);
        ctx.assert.match(unit ?? '', expectedUnit, `the shell's own unit:\n${text}`);
        const shown = await ctx.systemctlShow(unit, ['Description', 'ActiveState', 'MemoryMax']);
        ctx.assert.equal(shown.Description, `bash shell (Confine profile ${profile === 'strict' ? 'Strict' : 'Relaxed'})`);
        // confine waits on services as oneshot units, which stay "activating" while they run.
        ctx.assert.equal(shown.ActiveState, unit.endsWith('.service') ? 'activating' : 'active');

        // Ctrl-C interrupts what runs in the shell; the shell and confine live on.
        await type(ctx, 'sleep 300');
        // A Ctrl-C typed before sleep runs would hit the prompt, and sleep would then hold the tab.
        await waitForSleep(ctx, 300);
        await ctx.shOk(`${TMUX} send-keys -t tab C-c`);
        const after = await typeAndWait(ctx, 'cat /proc/self/cgroup', 'INSIDE2');
        ctx.assert.equal(unitAfter(after, 'INSIDE2'), unit, 'still the same shell after Ctrl-C');

        await type(ctx, 'exit 5');
        // Typing ahead now would feed systemd-run's pty forwarder, not the calling shell.
        await ctx.waitFor(async () => /^confine-status=5$/m.test(await screen(ctx)), 15_000,
            'exit to return to the calling shell with the status');
        const back = await typeAndWait(ctx, 'cat /proc/self/cgroup', 'OUTSIDE2');
        ctx.assert.equal(unitAfter(back, 'OUTSIDE2'), tab, 'back in the tab\'s own shell');
        // gjs took --profile P for its own option before the launcher ended its options with
        // "--": "Gjs-Message: Profiler started/stopped" around the shell, and a capture file P.
        ctx.assert.doesNotMatch(back, /Gjs-\w+:/, `nothing from gjs on the terminal:\n${back}`);
        ctx.assert.equal((await ctx.sh(`test -e ~/${profile}`)).code, 1, `no file ~/${profile} (a gjs profiler capture)`);
        await ctx.waitFor(async () => (await ctx.systemctlShow(unit, ['ActiveState'])).ActiveState === 'inactive',
            10_000, `${unit} to end`);
        return text;
    } catch (error) {
        ctx.log(`terminal:\n${await screen(ctx).catch(e => e.message)}`);
        throw error;
    } finally {
        await closeTerminal(ctx);
    }
}

export const tests = [
    {
        name: 'relaxed: a scope that keeps the terminal',
        fn: async ctx => {
            const text = await shellSession(ctx, 'relaxed', /^app-confine-shell-[a-z0-9]{12}\.scope$/);
            ctx.assert.match(text, /^NoNewPrivs:\s+0$/m);
        },
    },
    {
        name: 'strict: a service on a pty of its own',
        fn: async ctx => {
            const text = await shellSession(ctx, 'strict', /^app-confine-shell@[a-z0-9]{12}\.service$/);
            ctx.assert.match(text, /^NoNewPrivs:\s+1$/m, 'the sandbox applies to the shell');
        },
    },
    {
        name: 'Console: its shell setting makes every window run confine shell',
        fn: async ctx => {
            await setUp(ctx);
            await closeTerminal(ctx);
            // Console (kgx) has no preferences row for a custom command, but reads its shell from this key.
            await ctx.gsettings('set', 'org.gnome.Console', 'shell', `['${CONFINE}', 'shell', '--profile', 'relaxed']`);
            let kgx = '';
            try {
                kgx = (await ctx.shOk('true; kgx > /tmp/cli-kgx.log 2>&1 & echo $!')).trim();
                const found = await ctx.waitFor(async () => {
                    const out = await ctx.shOk('for pid in $(pgrep -u tester -x bash); do ' +
                        'echo "$pid $(ps -o ppid= -p $pid) $(tail -1 /proc/$pid/cgroup)"; done');
                    return out.split('\n').find(line => /\/app-confine-shell-[a-z0-9]{12}\.scope$/.test(line)) ?? null;
                }, 20_000, 'a bash in an app-confine-shell scope under Console');
                ctx.log(`Console's shell: ${found}`);
                const unit = found.split('/').pop();
                ctx.assert.equal((await ctx.systemctlShow(unit, ['Description'])).Description, 'bash shell (Confine profile Relaxed)');
                // Its parent chain leads back to this Console: bash ← confine (gjs) ← kgx.
                const parent = found.trim().split(/\s+/)[1];
                const grandparent = (await ctx.shOk(`ps -o ppid= -p ${parent}`)).trim();
                // gjs runs confine with "--" before its arguments (the launcher line, see build.mjs).
                ctx.assert.match(await ctx.shOk(`ps -o args= -p ${parent}`), /^gjs -m \/usr\/local\/bin\/confine -- shell --profile relaxed$/m);
                ctx.assert.equal(grandparent, kgx, 'confine shell was started by Console');
            } finally {
                if (kgx)
                    await ctx.sh(`kill ${kgx}`);
                await ctx.gsettings('reset', 'org.gnome.Console', 'shell');
            }
        },
    },
    {
        name: 'Ctrl-C on confine run stops the command, scope or piped service, and leaves nothing behind',
        fn: async ctx => {
            await setUp(ctx);
            try {
                for (const [profile, seconds] of [['relaxed', 201], ['strict', 202], ['strict', 203]]) {
                    // 202 runs with stdout redirected (plain pipes), 203 on the terminal (a pty of its own).
                    // Not "| cat": bash drops the rest of the line when a pipeline member dies of SIGINT.
                    const pipe = seconds === 202 ? ' > /dev/null' : '';
                    await type(ctx, `${CONFINE} run --profile ${profile} -- sleep ${seconds}${pipe}; echo "st-${seconds}=$?"`);
                    await waitForSleep(ctx, seconds);
                    await ctx.shOk(`${TMUX} send-keys -t tab C-c`);
                    // The terminal echoes Ctrl-C as "^C"; no newline follows when the job then
                    // exits (confine does, with a status) rather than dies of SIGINT.
                    const text = await ctx.waitFor(async () => {
                        const t = await screen(ctx);
                        return /^(\^C)?st-\d+=\d+$/m.test(t.split(`sleep ${seconds}`).pop()) ? t : null;
                    }, 15_000, `confine run (${profile}, sleep ${seconds}) to return`);
                    const status = new RegExp(`^(?:\\^C)?st-${seconds}=(\\d+)$`, 'm').exec(text)[1];
                    const left = (await ctx.sh(pgrepSleep(seconds))).stdout.trim();
                    ctx.log(`${profile}${pipe}: Ctrl-C -> status ${status}, left: ${left || 'nothing'}`);
                    ctx.assert.equal(left, '', `sleep ${seconds} was stopped`);
                    ctx.assert.notEqual(status, '0', 'an interrupted command is not a success');
                }
            } catch (error) {
                ctx.log(`terminal:\n${await screen(ctx).catch(e => e.message)}`);
                throw error;
            } finally {
                await closeTerminal(ctx);
            }
        },
    },
];
