// Issue 13: profiles and assignments shipped by an administrator in a dconf system
// database and locked there (docs/fleet.md), as the shell, the panel and the command
// line see them. The files are the ones the guide tells an administrator to write.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { SHELL_UNIT } from '../lib/context.mjs';
import { assertConfined, assertNoExceptions, callApp, closeApp, resetSettings, SCHEMA, waitForWindow } from '../support/launcher.mjs';
import { installPrefsTests, runGjs } from '../support/prefs.mjs';

export const title = 'a fleet\'s locked profiles and assignments from a dconf system database';
export const timeoutMs = 240_000;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CONFINE = '/usr/local/bin/confine';
const CALCULATOR = 'org.gnome.Calculator.desktop';
const DIR = '/org/gnome/shell/extensions/confine';

// The same files docs/fleet.md shows.
const PROFILE = 'user-db:user\nsystem-db:local\n';
const KEYFILE = `[org/gnome/shell/extensions/confine]
profiles={'fleet': {'name': <'Fleet'>, 'MemoryMax': <'300M'>, 'CPUQuota': <'50%'>}}
app-profiles={'${CALCULATOR}': 'fleet'}
`;
const LOCKS = `${DIR}/profiles\n${DIR}/app-profiles\n`;

/**
 * A new login, as far as dconf is concerned: a program reads /etc/dconf/profile/user once,
 * when it starts, so the shell must start again to see a database the profile adds.
 */
async function restartShell(ctx) {
    await ctx.sh(`systemctl --user stop ${SHELL_UNIT}; systemctl --user reset-failed ${SHELL_UNIT}`);
    await ctx.shOk(`systemd-run --user --unit=${SHELL_UNIT} --description='GNOME Shell (confine e2e)' ` +
        '--setenv=XDG_SESSION_TYPE=wayland --setenv=XDG_CURRENT_DESKTOP=GNOME ' +
        'gnome-shell --headless --wayland --no-x11 --unsafe-mode --virtual-monitor 1280x800');
    await ctx.waitFor(() => ctx.evalJs('!Main.layoutManager._startingUp').catch(() => false), 60_000, 'the shell to start again');
    await ctx.waitFor(async () => (await ctx.extensionInfo()).state === ctx.ExtensionState.ACTIVE, 30_000,
        'Confine to be active in the new shell');
    // A shell starts in the overview, where a new window is not shown.
    await ctx.waitFor(() => ctx.evalJs('Main.overview.hide(); !Main.overview.visible'), 10_000, 'the overview to close');
}

async function withFleetDatabase(ctx, fn) {
    await ctx.rootShOk('test ! -e /etc/dconf/profile/user || cp /etc/dconf/profile/user /etc/dconf/profile/user.confine-test-saved');
    await ctx.writeFile('/etc/dconf/profile/user', PROFILE);
    await ctx.writeFile('/etc/dconf/db/local.d/00-confine', KEYFILE);
    await ctx.writeFile('/etc/dconf/db/local.d/locks/confine', LOCKS);
    await ctx.rootShOk('dconf update');
    await restartShell(ctx);
    try {
        await fn();
    } finally {
        await ctx.rootShOk('rm -rf /etc/dconf/db/local.d /etc/dconf/db/local /etc/dconf/profile/user && ' +
            '(test ! -e /etc/dconf/profile/user.confine-test-saved || mv /etc/dconf/profile/user.confine-test-saved /etc/dconf/profile/user) && dconf update');
        await resetSettings(ctx);
        // Back to a shell without the fleet database, for whatever runs next.
        await restartShell(ctx);
    }
}

export const tests = [
    {
        name: 'the shell launches with the locked assignment, the panel shows it locked, confine assign exits 119',
        fn: async ctx => {
            await resetSettings(ctx);
            // What the user chose before the administrator's lock: the lock must win over it.
            await ctx.gsettings('set', SCHEMA, 'app-profiles', `{'${CALCULATOR}': ''}`);
            await withFleetDatabase(ctx, async () => {
                ctx.assert.equal((await ctx.gsettings('writable', SCHEMA, 'app-profiles')).trim(), 'false', 'gsettings sees the lock');
                ctx.assert.equal((await ctx.gsettings('get', SCHEMA, 'app-profiles')).trim(), `{'${CALCULATOR}': 'fleet'}`);

                // The shell: a launch uses the locked assignment and the shipped profile.
                // (A Calculator left running by an earlier scenario would only be focused.)
                await closeApp(ctx, CALCULATOR);
                const cursor = await ctx.journalCursor();
                await callApp(ctx, CALCULATOR, 'app.activate()');
                const win = await waitForWindow(ctx, CALCULATOR);
                const unit = await assertConfined(ctx, win.pid, CALCULATOR, { MemoryMax: `${300 * 1024 * 1024}` });
                ctx.assert.match((await ctx.systemctlShow(unit, ['Description'])).Description, /Confine profile Fleet/);
                await assertNoExceptions(ctx, cursor);
                await closeApp(ctx, CALCULATOR);

                // The panel: the app's row shows the profile, insensitive, managed by the administrator.
                const env = await installPrefsTests(ctx);
                await runGjs(ctx, `${env} CONFINE_PREFS_TEST_LOCKED=fleet`);

                // The command line: reads the assignment, refuses to change it.
                await ctx.copyIn(path.join(REPO, 'dist/cli/confine'), CONFINE, { owner: 'root', mode: 0o755 });
                const shown = await ctx.sh(`${CONFINE} show ${CALCULATOR}`);
                ctx.log(shown.stdout.trim());
                ctx.assert.equal(shown.code, 0, shown.stderr);
                ctx.assert.match(shown.stdout, /uses its assigned profile "Fleet"/);
                const assign = await ctx.sh(`${CONFINE} assign ${CALCULATOR} ''`);
                ctx.log(`confine assign -> ${assign.code}: ${assign.stderr.trim()}`);
                ctx.assert.equal(assign.code, 119);
                ctx.assert.equal(assign.stderr,
                    'confine: the app assignments (app-profiles) are locked by the system administrator and cannot be changed\n');
                ctx.assert.equal((await ctx.gsettings('get', SCHEMA, 'app-profiles')).trim(), `{'${CALCULATOR}': 'fleet'}`);
            });
        },
    },
];
