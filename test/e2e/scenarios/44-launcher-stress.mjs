// Issue 4, acceptance 12 and 13: quick repeated launches each get their own unit;
// many disable/enable cycles leave the shell exactly as it was.
import {
    RESOURCE_PROFILE, assertNoExceptions, callApp, clearConfineNotifications, confineNotifications, confineUnitPattern,
    installRecorder, setEnabled, setProfiles, shellPid, writeDesktopFile,
} from '../support/launcher.mjs';

export const title = 'quick launches and enable/disable cycles';

const SHORT_APP = 'confine-e2e-short.desktop';
const PATCHED = ['activate', 'activate_full', 'open_new_window', 'launch', 'launch_action'];

export const tests = [
    {
        name: '20 quick launches of a short-lived app give 20 distinct units',
        fn: async ctx => {
            await installRecorder(ctx);
            // The recorder appends its cgroup, so each launch leaves one line.
            await ctx.writeFile('/usr/local/bin/confine-e2e-short', '#!/bin/sh\nmkdir -p "$HOME/records"\n' +
                'grep "^0::" /proc/self/cgroup >> "$HOME/records/short.log"\n', {mode: 0o755});
            await writeDesktopFile(ctx, SHORT_APP, ['Name=Confine Short', 'Exec=/usr/local/bin/confine-e2e-short']);
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {[SHORT_APP]: 'limits'}});
            await clearConfineNotifications(ctx);
            const cursor = await ctx.journalCursor();
            await callApp(ctx, SHORT_APP,
                'for (let i = 0; i < 20; i++) app.launch(0, -1, Shell.AppLaunchGpu.APP_PREF)');
            const lines = await ctx.waitFor(async () => {
                const log = await ctx.sh('cat ~/records/short.log 2>/dev/null');
                const found = log.stdout.trim().split('\n').filter(Boolean);
                return found.length >= 20 ? found : null;
            }, 60_000, '20 launches to run');
            const units = new Set(lines.map(line => confineUnitPattern(SHORT_APP).exec(line)?.[1]));
            ctx.log(`${lines.length} launches, ${units.size} distinct units, e.g. ${[...units][0]}`);
            ctx.assert.equal(lines.length, 20);
            ctx.assert.ok(!units.has(undefined), 'every launch ran in an app-confine scope');
            ctx.assert.equal(units.size, 20, '20 distinct units');
            ctx.assert.deepEqual(await confineNotifications(ctx), [], 'no failure notification');
            await assertNoExceptions(ctx, cursor);
        },
        timeoutMs: 120_000,
    },
    {
        name: '50 disable/enable cycles restore every patched method and leak nothing',
        fn: async ctx => {
            await setEnabled(ctx, false);
            const pid = await shellPid(ctx);
            const resources = async () => ({
                fds: Number((await ctx.shOk(`ls /proc/${pid}/fd | wc -l`)).trim()),
                connections: Number((await ctx.shOk(
                    `busctl --user list --no-legend | awk '$2 == ${pid} && $1 ~ /^:/' | wc -l`)).trim()),
                sources: await ctx.evalJs(`Main.messageTray.getSources().filter(s => s.title === 'Confine').length`),
            });
            await ctx.evalJs(`globalThis.__confineOriginals = Object.fromEntries(${JSON.stringify(PATCHED)}
                .map(name => [name, imports.gi.Shell.App.prototype[name]])); true`);
            const before = await resources();
            const cursor = await ctx.journalCursor();
            for (let i = 0; i < 50; i++) {
                await setEnabled(ctx, true);
                // Use the launcher while enabled, so the cycle covers its D-Bus connection too.
                if (i % 10 === 0) {
                    await callApp(ctx, 'org.gnome.Calculator.desktop', 'app.can_open_new_window()');
                }
                await setEnabled(ctx, false);
            }
            const identical = await ctx.evalJs(`${JSON.stringify(PATCHED)}.filter(name =>
                imports.gi.Shell.App.prototype[name] !== globalThis.__confineOriginals[name])`);
            const after = await resources();
            ctx.log(`before ${JSON.stringify(before)}, after 50 cycles ${JSON.stringify(after)}`);
            ctx.assert.deepEqual(identical, [], 'every patched method is the original again');
            ctx.assert.ok(after.fds <= before.fds, `no extra file descriptors (${before.fds} → ${after.fds})`);
            ctx.assert.equal(after.connections, before.connections, 'no extra D-Bus connections');
            ctx.assert.equal(after.sources, before.sources, 'no notification source left behind');
            await setEnabled(ctx, true);
            ctx.assert.deepEqual(await ctx.extensionErrors(), []);
            await assertNoExceptions(ctx, cursor);
        },
        timeoutMs: 300_000,
    },
];
