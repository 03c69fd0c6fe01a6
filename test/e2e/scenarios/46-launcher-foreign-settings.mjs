// Issue 12, item 6: values GSettings cannot use (a misspelled on-failure, profiles
// written without variants) must not fall back to the schema defaults in silence:
// an unknown on-failure counts as refuse, and unusable profiles follow on-failure,
// each with a notification that names the key.
import {
    RESOURCE_PROFILE, SCHEMA, assertNoExceptions, cgroupOf, clearConfineNotifications, closeApp,
    confineNotifications, resetSettings, setProfiles, stockUnitPattern, waitForWindow,
} from '../support/launcher.mjs';

export const title = 'foreign values in the settings fail closed';

const CALCULATOR = 'org.gnome.Calculator.desktop';
const DIR = '/org/gnome/shell/extensions/confine';
const BROKEN_PROFILE = "'broken': {'name': <'Broken'>, 'MemoryMax': <'lots'>}";

/** Writes a raw value past GSettings' type checks, as `dconf write` or a keyfile in /etc/dconf does. */
async function dconfWrite(ctx, key, value) {
    await ctx.shOk(`dconf write ${DIR}/${key} ${ctx.shellQuote(value)}`);
}

async function clickAndWaitForNotification(ctx) {
    await clearConfineNotifications(ctx);
    await ctx.openOverview();
    await ctx.clickRect(await ctx.waitFor(() => ctx.dashIconRect(CALCULATOR), 10_000, 'the dash icon'));
    const notification = await ctx.waitFor(async () => (await confineNotifications(ctx))
        .find(n => /Calculator/.test(n.title)), 20_000, 'a Confine notification about the launch');
    ctx.log(`notification: ${JSON.stringify(notification)}`);
    return notification;
}

async function assertNotStarted(ctx) {
    await ctx.sleep(3000);
    ctx.assert.equal((await ctx.windows()).filter(w => w.appId === CALCULATOR).length, 0, 'the app did not start');
}

async function withCleanSettings(ctx, body) {
    const cursor = await ctx.journalCursor();
    try {
        await body();
        await assertNoExceptions(ctx, cursor);
    } finally {
        await ctx.hideOverview();
        await resetSettings(ctx);
        await ctx.gsettings('reset', SCHEMA, 'on-failure');
    }
}

// Stored value, what is wrong with it, how the notification shows it (dconf prints an
// int32 without its type).
const FOREIGN_POLICIES = [["'Refuse'", 'not a known value', /'Refuse'/], ['int32 1', 'of the wrong type', /1 of type i\b/]];

export const tests = [
    ...FOREIGN_POLICIES.map(([value, what, shown]) => ({
        name: `on-failure ${value} (${what}) refuses and says so`,
        fn: ctx => withCleanSettings(ctx, async () => {
            await setProfiles(ctx, {profiles: [BROKEN_PROFILE], assignments: {[CALCULATOR]: 'broken'}});
            await dconfWrite(ctx, 'on-failure', value);
            const notification = await clickAndWaitForNotification(ctx);
            ctx.assert.match(notification.title, /was not started/);
            const all = (await confineNotifications(ctx)).map(n => `${n.title} ${n.body}`).join('\n');
            ctx.assert.match(all, /on-failure/, 'names the key');
            ctx.assert.match(all, shown, 'shows the value');
            await assertNotStarted(ctx);
        }),
    })),
    ...['launch-unconfined', 'refuse'].map(policy => ({
        name: `profiles without variants (a{sa{ss}}) are not replaced by the built-in ones, ${policy}`,
        fn: ctx => withCleanSettings(ctx, async () => {
            // "relaxed" is also a built-in profile: read as the schema default, the app
            // would run confined with limits nobody chose for it.
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {[CALCULATOR]: 'relaxed'},
                onFailure: policy});
            await dconfWrite(ctx, 'profiles', "{'relaxed': {'name': 'Mine', 'MemoryMax': '1G'}}");
            const notification = await clickAndWaitForNotification(ctx);
            ctx.assert.match(notification.body, /profiles/, 'names the key');
            ctx.assert.match(notification.body, /a\{sa\{sv\}\}/, 'says which type it must have');
            if (policy === 'refuse') {
                ctx.assert.match(notification.title, /was not started/);
                await assertNotStarted(ctx);
            } else {
                ctx.assert.match(notification.title, /without confinement/);
                const win = await waitForWindow(ctx, CALCULATOR);
                ctx.assert.match(await cgroupOf(ctx, win.pid), stockUnitPattern(CALCULATOR));
                await closeApp(ctx, CALCULATOR);
            }
        }),
    })),
];
