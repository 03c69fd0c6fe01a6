// The preferences panel under real Gtk/Adw on the shell's display: test/prefs/run.js
// opens the panel the way `gnome-extensions prefs` does and drives its widgets.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
    assertNoExceptions, cgroupOf, closeApp, confineUnitPattern, resetSettings, setProfiles, waitForWindow,
} from '../support/launcher.mjs';

export const title = 'preferences panel widgets write only valid settings (gjs, real Gtk/Adw)';
export const timeoutMs = 240_000;

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prefs');
const FILES = ['testing.js', 'environment.js', 'run.js', 'panel.test.js', 'running.test.js'];
const DEST = '/home/tester/confine-prefs-tests';

/** Copies the gjs tests in and returns the environment gjs needs to load gnome-shell's prefs code. */
export async function installPrefsTests(ctx) {
    for (const name of FILES)
        await ctx.copyIn(path.join(SOURCE, name), `${DEST}/${name}`);
    // The Extensions service's private library (Shew) lives with gnome-shell's own libraries.
    const typelib = (await ctx.shOk('find /usr/lib -name Shew-0.typelib -print -quit')).trim();
    if (!typelib)
        throw new Error('gnome-shell\'s Shew typelib not found');
    const girDir = path.posix.dirname(typelib);
    return `GI_TYPELIB_PATH=${girDir} LD_LIBRARY_PATH=${path.posix.dirname(girDir)}`;
}

export async function runGjs(ctx, env, filter = '') {
    const r = await ctx.sh(`cd ${DEST} && ${env} gjs -m run.js ${ctx.shellQuote(filter)} 2>&1`, { timeoutMs: 200_000 });
    for (const line of r.stdout.trimEnd().split('\n'))
        ctx.log(line);
    const passed = (r.stdout.match(/^ok \d+/gm) ?? []).length;
    const failed = (r.stdout.match(/^not ok \d+/gm) ?? []).length;
    ctx.log(`gjs panel tests on GNOME ${ctx.version}: ${passed} passed, ${failed} failed (exit ${r.code})`);
    ctx.assert.equal(r.code, 0, 'gjs tests failed');
    ctx.assert.ok(passed > 0, 'no gjs test ran');
    return r.stdout;
}

const CALCULATOR = 'org.gnome.Calculator.desktop';
/** test/prefs/running.test.js edits this profile of the running Calculator. */
const RUNNING_PROFILE = "'running': {'name': <'E2E running'>, 'MemoryMax': <'250M'>, 'NoNewPrivileges': <true>}";

const LOCK_DB = '/etc/dconf/db/confine-test';
const LOCKS = ['profiles', 'default-profile'].map(key => `/org/gnome/shell/extensions/confine/${key}`);

export const tests = [
    {
        name: 'every page built and driven through its widgets (memory backend)',
        fn: async ctx => {
            const cursor = await ctx.journalCursor();
            const env = await installPrefsTests(ctx);
            // More apps than the first screenful, so rows are also built while idle.
            await ctx.shOk('mkdir -p ~/.local/share/applications && for i in $(seq -w 1 40); do ' +
                "printf '[Desktop Entry]\\nType=Application\\nName=Confine Test App %s\\nExec=true\\n' $i " +
                '> ~/.local/share/applications/confine-test-$i.desktop; done');
            try {
                await runGjs(ctx, `${env} GSETTINGS_BACKEND=memory`);
            } finally {
                await ctx.shOk('rm -f ~/.local/share/applications/confine-test-*.desktop');
            }
            ctx.assert.deepEqual(ctx.jsExceptions(await ctx.journal({ cursor, all: true })), [],
                'JS exceptions mentioning the extension');
        },
    },
    {
        name: 'keys locked with a dconf lock are insensitive (real dconf)',
        fn: async ctx => {
            const env = await installPrefsTests(ctx);
            await ctx.rootShOk(`test ! -e /etc/dconf/profile/user || cp /etc/dconf/profile/user /etc/dconf/profile/user.confine-test-saved`);
            await ctx.writeFile('/etc/dconf/profile/user', 'user-db:user\nsystem-db:confine-test\n');
            await ctx.writeFile(`${LOCK_DB}.d/locks/confine`, `${LOCKS.join('\n')}\n`);
            await ctx.rootShOk('dconf update');
            try {
                ctx.assert.equal((await ctx.shOk(`gsettings --schemadir ${ctx.extensionDir}/schemas writable org.gnome.shell.extensions.confine default-profile`)).trim(), 'false',
                    'gsettings sees the lock');
                await runGjs(ctx, `${env} CONFINE_PREFS_TEST_LOCKED=1`);
            } finally {
                await ctx.rootShOk(`rm -rf ${LOCK_DB} ${LOCK_DB}.d /etc/dconf/profile/user && ` +
                    '(test ! -e /etc/dconf/profile/user.confine-test-saved || mv /etc/dconf/profile/user.confine-test-saved /etc/dconf/profile/user) && dconf update');
            }
        },
    },
    {
        name: 'a running confined app: "restart to apply" on its row, a warning when MemoryMax drops below its use (real user manager)',
        fn: async ctx => {
            const cursor = await ctx.journalCursor();
            const env = await installPrefsTests(ctx);
            await ctx.hideOverview();
            await setProfiles(ctx, { profiles: [RUNNING_PROFILE], assignments: { [CALCULATOR]: 'running' } });
            await ctx.evalJs(`imports.gi.Shell.AppSystem.get_default().lookup_app('${CALCULATOR}').activate(); true`);
            try {
                const window = await waitForWindow(ctx, CALCULATOR);
                const unit = confineUnitPattern(CALCULATOR, 'service').exec(await cgroupOf(ctx, window.pid))?.[1];
                ctx.assert.ok(unit, 'the Calculator runs in the service Confine started for its NoNewPrivileges');
                await runGjs(ctx, `${env} CONFINE_PREFS_TEST_RUNNING=${ctx.shellQuote(unit)}`);
            } finally {
                await closeApp(ctx, CALCULATOR);
                await resetSettings(ctx);
            }
            await assertNoExceptions(ctx, cursor);
        },
    },
];
