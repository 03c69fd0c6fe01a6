// The preferences panel under real Gtk/Adw on the shell's display: test/prefs/run.js
// opens the panel the way `gnome-extensions prefs` does and drives its widgets.
import {
    assertNoExceptions, cgroupOf, confineUnitPattern,
} from '../support/launcher.mjs';
import { CALCULATOR, installPrefsTests, runGjs, withRunningCalculator } from '../support/prefs.mjs';

export const title = 'preferences panel widgets write only valid settings (gjs, real Gtk/Adw)';
export const timeoutMs = 240_000;

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
            await withRunningCalculator(ctx, async (env, window) => {
                const unit = confineUnitPattern(CALCULATOR, 'service').exec(await cgroupOf(ctx, window.pid))?.[1];
                ctx.assert.ok(unit, 'the Calculator runs in the service Confine started for its NoNewPrivileges');
                await runGjs(ctx, `${env} CONFINE_PREFS_TEST_RUNNING=${ctx.shellQuote(unit)}`);
            });
            await assertNoExceptions(ctx, cursor);
        },
    },
];
