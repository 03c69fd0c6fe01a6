// Confine gives the garbage collector no Gio.Settings to finalize. One finalized while
// dconf's worker thread hands out a change hangs the shell (the GJS deadlock of
// 06-settings-stress.mjs, which reproduces it only at random): so the check here is on
// its cause, not its chance. Every Gio.Settings made in the shell during the test is
// recorded with where it was made and a WeakRef to it; after Confine's own paths
// (disable and enable, a refused launch's notification and the end of its source, the
// running-apps menu) and two forced collections, none may be gone but the control, one
// made and dropped on purpose.
import {
    clearConfineNotifications, confineNotifications, indicatorJs, resetSettings, setEnabled, setProfiles,
} from '../support/launcher.mjs';

export const title = 'Gio.Settings and the garbage collector';

const CALCULATOR = 'org.gnome.Calculator.desktop';
const BROKEN_PROFILE = "'broken': {'name': <'Broken'>, 'MemoryMax': <'1G -p User=root'>}";

/** Wraps Gio.Settings' constructor in the shell; undone by stopRecording. */
async function startRecording(ctx) {
    await ctx.evalJs(`(() => {
        const Gio = imports.gi.Gio;
        if (globalThis.__confineSettingsMade)
            return true;
        const made = globalThis.__confineSettingsMade = [];
        const init = Gio.Settings.prototype._init;
        globalThis.__confineSettingsInit = init;
        Gio.Settings.prototype._init = function (...args) {
            const result = init.apply(this, args);
            made.push({schema: this.schema_id, where: new Error().stack.split('\\n').slice(1, 6).join(' < '), ref: new WeakRef(this)});
            return result;
        };
        // The control: dropped at once, so the collector must finalize it.
        new Gio.Settings({schema_id: 'org.gnome.desktop.interface'});
        made[0].control = true;
        return true;
    })()`);
}

/** What was made since startRecording, and which of those the collector finalized. */
async function stopRecording(ctx) {
    // A WeakRef holds its target until the end of the job that made or read it: collect
    // in Evals of their own.
    await ctx.collectGarbage();
    return ctx.evalJs(`(() => {
        const made = globalThis.__confineSettingsMade ?? [];
        if (globalThis.__confineSettingsInit)
            imports.gi.Gio.Settings.prototype._init = globalThis.__confineSettingsInit;
        delete globalThis.__confineSettingsMade;
        delete globalThis.__confineSettingsInit;
        const gone = made.filter(m => m.ref.deref() === undefined);
        return {made: made.length - 1, controlFinalized: gone.some(m => m.control),
            finalized: gone.filter(m => !m.control).map(m => m.schema + ' made at ' + m.where)};
    })()`);
}

export const tests = [
    {
        name: 'disable/enable, a notification and its source\'s end, the menu: no Gio.Settings finalized',
        fn: async ctx => {
            await startRecording(ctx);
            let record;
            try {
                for (let i = 0; i < 3; i++) {
                    await setEnabled(ctx, false);
                    await setEnabled(ctx, true);
                }
                // A refused launch: the notification comes from Confine's own source,
                // which the tray destroys with its last notification.
                await setProfiles(ctx, { profiles: [BROKEN_PROFILE], assignments: { [CALCULATOR]: 'broken' }, onFailure: 'refuse' });
                await ctx.evalJs(`imports.gi.Shell.AppSystem.get_default().lookup_app('${CALCULATOR}').activate(); true`);
                await ctx.waitFor(async () => (await confineNotifications(ctx)).length > 0, 20_000, 'Confine\'s notification');
                await clearConfineNotifications(ctx);
                await ctx.evalJs(`${indicatorJs(ctx.uuid)}.menu.open(); true`);
                await ctx.waitFor(() => ctx.evalJs(`${indicatorJs(ctx.uuid)}.menu.isOpen`), 5_000, 'the menu to open');
                await ctx.evalJs(`${indicatorJs(ctx.uuid)}.menu.close(); true`);
            } finally {
                record = await stopRecording(ctx);
                await resetSettings(ctx);
            }
            ctx.log(`${record.made} Gio.Settings made during the test, ${record.finalized.length} finalized`);
            ctx.assert.deepEqual(record.finalized, [], 'Gio.Settings the collector finalized');
            ctx.assert.ok(record.controlFinalized, 'the recording sees a Gio.Settings the collector finalized (the control)');
        },
    },
];
