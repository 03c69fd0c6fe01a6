// Issue 12, items 3 and 5: a click never ends in silence. A unit that dies right after its
// start is reported with its exit status and last journal lines; ProtectHome either leaves a
// Wayland app its display or is refused before the launch with a reason; a closed connection to
// the user manager is opened again on the next launch.
import {
    RECORDER, RESOURCE_PROFILE, SANDBOX_PROFILE, assertConfined, assertNoExceptions, assertTracked, callApp,
    clearConfineNotifications, closeApp, confineNotifications, confineUnitPattern, installRecorder, readRecord,
    setEnabled, setProfiles, waitForWindow, writeDesktopFile,
} from '../support/launcher.mjs';

export const title = 'early exits, ProtectHome and a reopened user-manager connection';

const CALCULATOR = 'org.gnome.Calculator.desktop';
const DYING_APP = 'confine-e2e-dying.desktop';
const RECORDED_APP = 'confine-e2e-reconnect.desktop';
const READING_APP = 'confine-e2e-entry-reader.desktop';
/**
 * Copies the desktop file it was launched from, as named by GIO_LAUNCHED_DESKTOP_FILE, then
 * runs on. The records' path is spelled out: a service of the user manager has no $HOME.
 */
const ENTRY_READER = '/usr/local/bin/confine-e2e-entry-reader';
const ENTRY_READER_SCRIPT = `#!/bin/sh
records=/home/tester/records
mkdir -p "$records"
cat "$GIO_LAUNCHED_DESKTOP_FILE" > "$records/$1.entry"
echo $$ > "$records/$1.pid"
printf '%s\\n' "$GIO_LAUNCHED_DESKTOP_FILE" > "$records/$1.path"
exec sleep 3600
`;
const HOME_TMPFS = "'home-tmpfs': {'name': <'E2E home tmpfs'>, 'ProtectHome': <'tmpfs'>}";
const HOME_HIDDEN = "'home-hidden': {'name': <'E2E home hidden'>, 'ProtectHome': <'yes'>}";

async function unitsOf(ctx, desktopId, type) {
    const listed = await ctx.sh(`systemctl --user list-units --all --plain --no-legend 'app-confine-*' | awk '{print $1}'`);
    return listed.stdout.split('\n').filter(name => confineUnitPattern(desktopId, type).test(`/${name}`));
}

export const tests = [
    ...[['sandbox', 'service'], ['limits', 'scope']].map(([profile, type]) => ({
        name: `an app that dies at once in a ${type} is reported with its status and last words`,
        fn: async ctx => {
            await writeDesktopFile(ctx, DYING_APP, ['Name=Confine Dying',
                'Exec=sh -c "echo confine-last-words-$$ >&2; exit 3"']);
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE, SANDBOX_PROFILE],
                assignments: {[DYING_APP]: profile}, onFailure: 'refuse'});
            await clearConfineNotifications(ctx);
            const cursor = await ctx.journalCursor();
            await callApp(ctx, DYING_APP, 'app.activate()');
            const notification = await ctx.waitFor(async () => (await confineNotifications(ctx))
                .find(n => /was not started/.test(n.title)), 20_000, 'a failure notification');
            ctx.log(`notification: ${JSON.stringify(notification)}`);
            ctx.assert.match(notification.body, /stopped within 5 s of its start: it exited with status 3/);
            if (type === 'service')
                ctx.assert.match(notification.body, /Its last words:\n(.*\n)*confine-last-words-\d+/, 'the journal lines');
            ctx.assert.ok(notification.body.length < 1000, 'the notification is short');
            await assertNoExceptions(ctx, cursor);
        },
    })),
    {
        name: 'ProtectHome=tmpfs: a Wayland app shows its window, home hidden, runtime directory reachable',
        fn: async ctx => {
            // Run first, the scenario finds the overview of the shell's start still shown.
            await ctx.hideOverview();
            await setProfiles(ctx, {profiles: [HOME_TMPFS], assignments: {[CALCULATOR]: 'home-tmpfs'}, onFailure: 'refuse'});
            await clearConfineNotifications(ctx);
            const cursor = await ctx.journalCursor();
            await callApp(ctx, CALCULATOR, 'app.activate()');
            const win = await waitForWindow(ctx, CALCULATOR);
            await assertConfined(ctx, win.pid, CALCULATOR, {ProtectHome: 'tmpfs'}, 'service');
            await assertTracked(ctx, win.pid, CALCULATOR);
            const cwd = (await ctx.sh(`readlink /proc/${win.pid}/cwd`)).stdout.trim();
            ctx.assert.equal(cwd, '/', 'the hidden home gave way to /');
            ctx.assert.deepEqual(await confineNotifications(ctx), []);
            await assertNoExceptions(ctx, cursor);
            await closeApp(ctx, CALCULATOR);
        },
    },
    {
        name: 'ProtectHome=yes: the app is not started and the notification says why',
        fn: async ctx => {
            await setProfiles(ctx, {profiles: [HOME_HIDDEN], assignments: {[CALCULATOR]: 'home-hidden'}, onFailure: 'refuse'});
            await clearConfineNotifications(ctx);
            const cursor = await ctx.journalCursor();
            await callApp(ctx, CALCULATOR, 'app.activate()');
            const notification = await ctx.waitFor(async () => (await confineNotifications(ctx))[0], 10_000,
                'a notification');
            ctx.log(`notification: ${JSON.stringify(notification)}`);
            ctx.assert.match(notification.title, /was not started/);
            ctx.assert.match(notification.body, /ProtectHome=yes also hides \/run\/user/);
            await ctx.sleep(3000);
            ctx.assert.equal((await ctx.windows()).filter(w => w.appId === CALCULATOR).length, 0, 'no window');
            ctx.assert.deepEqual(await unitsOf(ctx, CALCULATOR, 'service'), [], 'no unit was made');
            await assertNoExceptions(ctx, cursor);
        },
    },
    // Issue 12, item 7: a launch's copy of the desktop entry goes once the launch no longer
    // needs it: after the app's first seconds (the early-exit window), while the app runs on.
    // The app can still read it as it starts, through GIO_LAUNCHED_DESKTOP_FILE.
    ...[['limits', 'scope'], ['sandbox', 'service']].map(([profile, type]) => ({
        name: `a launch's desktop-entry copy is readable by the starting app and removed after, ${type}`,
        fn: async ctx => {
            await ctx.writeFile(ENTRY_READER, ENTRY_READER_SCRIPT, {mode: 0o755});
            await ctx.sh('rm -rf ~/records');
            await writeDesktopFile(ctx, READING_APP, ['Name=Confine Entry Reader', `Exec=${ENTRY_READER} ${type}`]);
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE, SANDBOX_PROFILE], assignments: {[READING_APP]: profile},
                onFailure: 'refuse'});
            await clearConfineNotifications(ctx);
            const cursor = await ctx.journalCursor();
            const copy = `/run/user/1000/confine/${READING_APP}`;
            try {
                const started = Date.now();
                // launch(), not activate(): the shell may still count the app of the other test as running.
                await callApp(ctx, READING_APP, 'app.launch(0, -1, Shell.AppLaunchGpu.APP_PREF)');
                await ctx.waitFor(async () => (await ctx.sh(`test -s ~/records/${type}.path`)).code === 0, 20_000,
                    'the app to start');
                ctx.assert.equal((await ctx.readFile(`${ctx.home}/records/${type}.path`)).trim(), copy,
                    'GIO_LAUNCHED_DESKTOP_FILE names the copy');
                ctx.assert.match(await ctx.readFile(`${ctx.home}/records/${type}.entry`), /^Exec='systemd-run' /m,
                    'the app read the rewritten entry as it started');
                await ctx.waitFor(async () => (await ctx.sh(`test -e ${copy}`)).code !== 0, 15_000,
                    'the copy to be removed');
                const removedAfter = Date.now() - started;
                ctx.log(`copy removed ${removedAfter} ms after the click`);
                ctx.assert.equal((await ctx.sh(`kill -0 $(cat ~/records/${type}.pid)`)).code, 0, 'the app runs on');
                ctx.assert.deepEqual(await confineNotifications(ctx), []);
                ctx.assert.equal((await ctx.sh('ls -A /run/user/1000/confine')).stdout.trim(), '', 'no copy is left');
                await assertNoExceptions(ctx, cursor);
            } finally {
                await ctx.sh(`kill $(cat ~/records/${type}.pid)`);
            }
        },
    })),
    // Issue 12, item 7: the per-app copies of desktop entries do not outlive the extension,
    // not even those of launches still in their first seconds.
    {
        name: 'disable removes the desktop-entry copies in $XDG_RUNTIME_DIR/confine',
        fn: async ctx => {
            await ctx.writeFile(ENTRY_READER, ENTRY_READER_SCRIPT, {mode: 0o755});
            await ctx.sh('rm -rf ~/records');
            await writeDesktopFile(ctx, READING_APP, ['Name=Confine Entry Reader', `Exec=${ENTRY_READER} disable`]);
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {[READING_APP]: 'limits'}});
            try {
                await callApp(ctx, READING_APP, 'app.launch(0, -1, Shell.AppLaunchGpu.APP_PREF)');
                await ctx.waitFor(async () => (await ctx.sh('test -s ~/records/disable.path')).code === 0, 20_000,
                    'the app to start');
                const copies = async () => (await ctx.sh('ls -A /run/user/1000/confine')).stdout.split('\n').filter(Boolean);
                // Within the launch's first seconds, when the copy is still there.
                ctx.assert.ok((await copies()).includes(READING_APP), 'the copy is there during the launch');
                await setEnabled(ctx, false);
                try {
                    await ctx.waitFor(async () => (await copies()).length === 0, 5000, 'the copies to be removed');
                } finally {
                    await setEnabled(ctx, true);
                }
            } finally {
                await ctx.sh('kill $(cat ~/records/disable.pid)');
            }
        },
    },
    {
        name: 'a closed connection to the user manager is opened again on the next launch',
        fn: async ctx => {
            await installRecorder(ctx);
            await writeDesktopFile(ctx, RECORDED_APP, ['Name=Confine Reconnect', `Exec=${RECORDER} again`]);
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {[RECORDED_APP]: 'limits'},
                onFailure: 'refuse'});
            // The extension's private connections, caught as it opens them (enable opens none yet).
            await setEnabled(ctx, false);
            await ctx.evalJs(`(() => {
                const Gio = imports.gi.Gio;
                globalThis.confineE2eConnections = [];
                globalThis.confineE2eOriginal = Gio.DBusConnection.new_for_address_finish;
                Gio.DBusConnection.new_for_address_finish = function (result) {
                    const connection = globalThis.confineE2eOriginal.call(this, result);
                    if (new Error().stack.includes('${ctx.uuid}'))
                        globalThis.confineE2eConnections.push(connection);
                    return connection;
                };
                return true;
            })()`);
            try {
                await setEnabled(ctx, true);
                await callApp(ctx, RECORDED_APP, 'app.launch(0, -1, Shell.AppLaunchGpu.APP_PREF)');
                ctx.assert.match((await readRecord(ctx, 'again')).cgroup, confineUnitPattern(RECORDED_APP));
                const closed = await ctx.evalJs(`(() => {
                    const open = globalThis.confineE2eConnections.filter(c => !c.is_closed());
                    open.forEach(c => c.close_sync(null));
                    return open.length;
                })()`);
                // One connection serves the launcher and the limit notifications.
                ctx.assert.equal(closed, 1, `the private connections (${closed}) are closed now`);
                await ctx.sh('rm -rf ~/records');
                await clearConfineNotifications(ctx);
                const cursor = await ctx.journalCursor();
                const started = Date.now();
                await callApp(ctx, RECORDED_APP, 'app.launch(0, -1, Shell.AppLaunchGpu.APP_PREF)');
                const record = await readRecord(ctx, 'again', 20_000);
                ctx.assert.match(record.cgroup, confineUnitPattern(RECORDED_APP));
                // The "runs confined" news, or a failure after the 15 s timeout, comes after the start.
                await ctx.sleep(2000);
                const elapsed = Date.now() - started;
                const notifications = await confineNotifications(ctx);
                ctx.log(`second launch: ${elapsed} ms; notifications ${JSON.stringify(notifications)}`);
                ctx.assert.deepEqual(notifications.filter(n => /not started|without confinement/.test(n.title)), []);
                const reopened = await ctx.evalJs('globalThis.confineE2eConnections.filter(c => !c.is_closed()).length');
                ctx.assert.ok(reopened >= 1, 'the launch opened a new connection');
                await ctx.sleep(14_000);
                ctx.assert.deepEqual((await confineNotifications(ctx)).filter(n => /not started/.test(n.title)), [],
                    'no timeout after 15 s either');
                await assertNoExceptions(ctx, cursor);
            } finally {
                await ctx.evalJs(`imports.gi.Gio.DBusConnection.new_for_address_finish = globalThis.confineE2eOriginal;
                    delete globalThis.confineE2eConnections; true`);
            }
        },
    },
];
