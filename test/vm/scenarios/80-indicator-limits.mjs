// Issue 10 on a real kernel: the running-apps menu shows what the unit's cgroup files
// say (memory and CPU within 10 %), and each limit that acts (a memory bomb at MemoryMax,
// sustained MemoryHigh throttling, a fork refused at TasksMax) gives exactly one
// notification naming the profile; so does a fork refused in a `confine run` command's
// unit, which the shell hears of only through the command's announcement.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { clearConfineNotifications, confineNotifications, setEnabled, shellOpenPaths, shellPid } from '../../e2e/support/launcher.mjs';
import {
    APP, appState, assertShellHealthy, installApp, keyedFile, launchApp, setProfiles, stopUnit, unitOf,
} from '../support/limits.mjs';
import { swapOff, swapOn } from '../support/swap.mjs';

export const title = 'running-apps menu and limit notifications';
export const timeoutMs = 300_000;

const INDICATOR = "Main.panel.statusArea['confine@confine.github.io']";
const FIGURES_PROFILE = "'figures': {'name': <'VM figures'>, 'MemoryMax': <'400M'>, 'CPUQuota': <'50%'>}";
const BOMB_PROFILE = "'bomb': {'name': <'VM bomb'>, 'MemoryMax': <'200M'>}";
const THROTTLE_PROFILE = "'throttle': {'name': <'VM throttle'>, 'MemoryHigh': <'150M'>}";
const TASKS_PROFILE = "'tasks': {'name': <'VM tasks'>, 'TasksMax': <'32'>}";
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CONFINE = '/usr/local/bin/confine';

/** The menu's figures for `unit` and the cgroup's, read in the same Eval. */
async function figures(ctx, unit, dir) {
    return ctx.evalJs(`(() => {
        const item = ${INDICATOR}.items.find(i => i.unit.name === ${JSON.stringify(unit)});
        const read = name => new TextDecoder().decode(imports.gi.GLib.file_get_contents(${JSON.stringify(dir)} + '/' + name)[1]);
        return {
            menu: item ? item.latest : null,
            text: item ? {memory: item.memory.text, cpu: item.cpu.text} : null,
            memoryCurrent: Number(read('memory.current').trim()),
            usageUsec: Number(/usage_usec (\\d+)/.exec(read('cpu.stat'))[1]),
            timeUs: imports.gi.GLib.get_monotonic_time(),
        };
    })()`);
}

/** How many files gnome-shell holds open in the directory `dir`. */
async function shellFilesUnder(ctx, dir) {
    return (await shellOpenPaths(ctx)).filter(path => path.startsWith(`${dir}/`)).length;
}

function within(actual, expected, fraction) {
    return Math.abs(actual - expected) <= fraction * expected;
}

/** Notifications that name `profile`, after waiting `settleMs` for any second one. */
async function notificationsNaming(ctx, profile, what, settleMs = 8000) {
    await ctx.waitFor(async () => (await confineNotifications(ctx)).some(n => n.body.includes(`“${profile}”`)),
        90_000, `a notification about ${what}`);
    await ctx.sleep(settleMs);
    return (await confineNotifications(ctx)).filter(n => n.body.includes(`“${profile}”`));
}

/**
 * Launches `app` under `profile`, waits for the notification naming the profile and
 * checks that no second one follows within `settleMs`.
 */
async function oneNotification(ctx, { app, mode, args = [], profile, id, label, what, body, eventsFile, settleMs = 8000 }) {
    await clearConfineNotifications(ctx);
    const appId = await installApp(ctx, app, mode, args);
    await setProfiles(ctx, { profiles: [profile], assignments: { [appId]: id } });
    const cursor = await ctx.journalCursor();
    const launched = await launchApp(ctx, appId, app);
    const { unit, dir } = unitOf(launched.cgroup);
    try {
        const found = await notificationsNaming(ctx, label, what, settleMs);
        const events = eventsFile ? await keyedFile(ctx, `${dir}/${eventsFile}`) : null;
        ctx.log(`notifications: ${JSON.stringify(found)}${events ? `; ${eventsFile} ${JSON.stringify(events)}` : ''}`);
        ctx.assert.equal(found.length, 1, 'exactly one notification');
        ctx.assert.match(found[0].body, body);
        await assertShellHealthy(ctx, cursor);
    } finally {
        await stopUnit(ctx, unit);
    }
}

export const tests = [
    {
        name: 'the menu shows memory and CPU within 10 % of memory.current and cpu.stat',
        fn: async ctx => {
            const appId = await installApp(ctx, 'figures', 'hog', ['100']);
            await setProfiles(ctx, { profiles: [FIGURES_PROFILE], assignments: { [appId]: 'figures' } });
            const app = await launchApp(ctx, appId, 'figures');
            const { unit, dir } = unitOf(app.cgroup);
            try {
                // Readings taken while it still allocates would straddle a moving figure.
                await ctx.waitFor(async () => (await appState(ctx, 'figures'))?.allocatedMiB, 60_000, 'the app to hold its 100 MiB');
                // A menu cannot take its grab over the overview the shell starts in: it would close at once.
                await ctx.hideOverview();
                await ctx.evalJs(`${INDICATOR}.menu.open(); true`);
                ctx.assert.equal(await ctx.evalJs(`${INDICATOR}.menu.isOpen`), true, 'the menu is open');
                await ctx.waitFor(async () => ((await figures(ctx, unit, dir)).menu?.cpuPercent ?? null) !== null, 30_000, 'the menu to show the app');
                const first = await figures(ctx, unit, dir);
                const shown = [];
                // Eight refreshes, ~26 s under emulation. A reading carries the time its file was read
                // (shell/counterFiles.ts); when it carried the time the main loop heard of it, the
                // menu's first frame made one 3 s late: 96 % shown for this app held at 50 %. Each
                // figure is logged, not checked: a busy host starves the guest for a second (30 % once),
                // and a bound on one second's share depends on how the quota's periods fall in it.
                for (let i = 0; i < 8; i++) {
                    await ctx.sleep(1000);
                    const now = await figures(ctx, unit, dir);
                    shown.push(now);
                    ctx.assert.ok(within(now.menu.memoryCurrent, now.memoryCurrent, 0.10),
                        `menu memory ${now.menu.memoryCurrent} vs memory.current ${now.memoryCurrent}`);
                }
                const last = shown[shown.length - 1];
                // The menu's own rate over its first and last sample, against cpu.stat read by the test
                // over the window between the two reads (the same span, shifted by under a refresh).
                const menuSamples = [first.menu.sample, last.menu.sample];
                const menuPercent = (menuSamples[1].values.CPUUsageNSec - menuSamples[0].values.CPUUsageNSec) /
                    ((menuSamples[1].timeUs - menuSamples[0].timeUs) * 1000) * 100;
                const cgroupPercent = (last.usageUsec - first.usageUsec) / (last.timeUs - first.timeUs) * 100;
                ctx.log(`memory: menu "${last.text.memory}" = ${last.menu.memoryCurrent} B, memory.current ${last.memoryCurrent} B`);
                ctx.log(`CPU shown each refresh: ${shown.map(f => f.menu.cpuPercent.toFixed(1)).join(', ')} % (last "${last.text.cpu}")`);
                ctx.log(`CPU over ${((menuSamples[1].timeUs - menuSamples[0].timeUs) / 1e6).toFixed(1)} s: menu ${menuPercent.toFixed(1)} %, ` +
                    `cpu.stat ${cgroupPercent.toFixed(1)} % over ${((last.timeUs - first.timeUs) / 1e6).toFixed(1)} s`);
                ctx.assert.ok(within(menuPercent, cgroupPercent, 0.10), `menu CPU ${menuPercent} % vs cpu.stat ${cgroupPercent} %`);
                // The three counter files stay open while the row shows (read again, not reopened),
                // and are closed with the menu. Waited for: with each relist they are opened anew, the old after.
                // Up to a relist cycle and more (10 refreshes), as the VM polls slowly; the counts seen are logged.
                const seen = [];
                await ctx.waitFor(async () => {
                    seen.push(await shellFilesUnder(ctx, dir));
                    return seen.at(-1) === 3;
                }, 15_000, 'the shell to hold the unit\'s 3 counter files open').finally(() => ctx.log(`counter files open, each poll: ${seen.join(', ')}`));
                await ctx.evalJs(`${INDICATOR}.menu.close(); true`);
                await ctx.waitFor(async () => await shellFilesUnder(ctx, dir) === 0, 5_000, 'the counter files closed with the menu');
                ctx.log('counter files: 3 open while the menu showed the unit, 0 once it closed');
            } finally {
                await ctx.evalJs(`${INDICATOR}.menu.close(); true`);
                await stopUnit(ctx, unit);
            }
        },
    },
    {
        name: 'a confined unit gets file monitors; disable and the unit\'s end remove them',
        fn: async ctx => {
            const appId = await installApp(ctx, 'nidle', 'idle');
            await setProfiles(ctx, { profiles: [TASKS_PROFILE], assignments: { [appId]: 'tasks' } });
            const pid = await shellPid(ctx);
            const watches = async () => Number((await ctx.rootShOk(`cat /proc/${pid}/fdinfo/* 2>/dev/null | grep -c '^inotify wd:' || true`)).trim());
            const app = await launchApp(ctx, appId, 'nidle');
            const { unit } = unitOf(app.cgroup);
            try {
                const enabled = await ctx.waitFor(async () => {
                    const count = await watches();
                    await setEnabled(ctx, false);
                    const base = await watches();
                    await setEnabled(ctx, true);
                    return count > base ? { count, base } : null;
                }, 60_000, 'the running unit to be watched');
                const counts = [];
                for (let i = 0; i < 5; i++) {
                    await setEnabled(ctx, false);
                    counts.push(await watches());
                    await setEnabled(ctx, true);
                }
                ctx.log(`inotify watches of gnome-shell: ${enabled.base} disabled, ${enabled.count} enabled; after each of 5 disables: ${counts.join(', ')}`);
                ctx.assert.deepEqual(counts, counts.map(() => enabled.base), 'disable removes the monitors');
                await stopUnit(ctx, unit);
                await ctx.waitFor(async () => await watches() === enabled.base, 30_000, 'the monitors to go with the unit');
            } finally {
                await stopUnit(ctx, unit);
            }
        },
    },
    {
        name: 'a memory bomb at MemoryMax gives one notification naming the profile',
        // Killed within a second or two of its start: the cgroup, and with it memory.events,
        // can be gone before the file monitor's read, so this also covers the unit's Result.
        fn: ctx => oneNotification(ctx, {
            app: 'nbomb', mode: 'bomb', args: ['1024'], profile: BOMB_PROFILE, id: 'bomb', label: 'VM bomb',
            what: 'the OOM kill', body: /MemoryMax 200 MiB/, eventsFile: null,
        }),
    },
    {
        name: 'sustained MemoryHigh throttling gives one notification naming the profile',
        fn: async ctx => {
            await swapOn(ctx);
            try {
                await oneNotification(ctx, {
                    app: 'nhog', mode: 'hog', args: ['300'], profile: THROTTLE_PROFILE, id: 'throttle', label: 'VM throttle',
                    what: 'the throttling', body: /MemoryHigh 150 MiB/, eventsFile: 'memory.events', settleMs: 15_000,
                });
            } finally {
                await swapOff(ctx);
            }
        },
    },
    {
        name: 'a fork refused at TasksMax gives one notification naming the profile',
        fn: ctx => oneNotification(ctx, {
            app: 'nforks', mode: 'forks', profile: TASKS_PROFILE, id: 'tasks', label: 'VM tasks',
            what: 'the refused fork', body: /TasksMax 32/, eventsFile: 'pids.events',
        }),
    },
    {
        name: 'confine run: a fork refused at TasksMax gives one notification naming the profile',
        fn: async ctx => {
            await ctx.copyIn(path.join(REPO, 'dist/cli/confine'), CONFINE, { owner: 'root', mode: 0o755 });
            await clearConfineNotifications(ctx);
            await setProfiles(ctx, { profiles: [TASKS_PROFILE] });
            await ctx.sh('rm -f ~/.cache/confine-vm/cli-forks.json');
            const cursor = await ctx.journalCursor();
            // The forks sleep: confine waits for them, in the background.
            // In a subshell of its own: ctx.sh runs "cd ~ && CMD", where a trailing & would take the cd along.
            await ctx.shOk(`(setsid ${CONFINE} run --profile tasks -- ${APP} cli-forks forks </dev/null >/dev/null 2>&1 &)`);
            let unit = null;
            try {
                const last = await ctx.waitFor(async () => {
                    const state = await appState(ctx, 'cli-forks');
                    return state && 'tasks' in state ? state : null;
                }, 60_000, 'the fork loop to stop');
                unit = unitOf(last.cgroup).unit;
                ctx.assert.match(unit, /^app-confine-confine\\x2dvm\\x2dapp-[a-z0-9]+\.scope$/);
                const found = await notificationsNaming(ctx, 'VM tasks', 'the refused fork');
                ctx.log(`${last.children} children, then ${last.error}; notifications: ${JSON.stringify(found)}`);
                ctx.assert.equal(found.length, 1, 'exactly one notification');
                ctx.assert.match(found[0].body, /TasksMax 32/);
                await assertShellHealthy(ctx, cursor);
            } finally {
                await stopUnit(ctx, unit);
            }
        },
    },
];
