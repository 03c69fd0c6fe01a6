// Issue 4, acceptance 8–10: sandbox options make a transient service whose window
// appears; unassigned apps and the extension disabled give stock scopes.
import {
    SANDBOX_PROFILE, RESOURCE_PROFILE, assertConfined, assertNoExceptions, assertTracked, callApp, cgroupOf,
    closeApp, setEnabled, setProfiles, stockUnitPattern, waitForWindow,
} from '../support/launcher.mjs';

export const title = 'sandboxed services, unassigned apps and the disabled extension';

const CALCULATOR = 'org.gnome.Calculator.desktop';

export const tests = [
    {
        name: 'a sandbox profile runs the app as a transient service with a window',
        fn: async ctx => {
            await setProfiles(ctx, {profiles: [SANDBOX_PROFILE], assignments: {[CALCULATOR]: 'sandbox'}});
            const cursor = await ctx.journalCursor();
            await ctx.openOverview();
            await ctx.clickRect(await ctx.waitFor(() => ctx.dashIconRect(CALCULATOR), 10_000, 'the dash icon'));
            const win = await waitForWindow(ctx, CALCULATOR);
            await assertConfined(ctx, win.pid, CALCULATOR, {
                MemoryMax: `${400 * 1024 * 1024}`, NoNewPrivileges: 'yes', PrivateTmp: 'yes',
            }, 'service');
            const status = await ctx.readFile(`/proc/${win.pid}/status`);
            ctx.assert.match(status, /^NoNewPrivs:\s+1$/m, 'the kernel enforces no_new_privs on the app');
            await assertTracked(ctx, win.pid, CALCULATOR);
            await assertNoExceptions(ctx, cursor);
            await closeApp(ctx, CALCULATOR);
        },
    },
    {
        name: 'an unassigned app lands in the stock scope',
        fn: async ctx => {
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {}});
            await callApp(ctx, CALCULATOR, 'app.activate()');
            const win = await waitForWindow(ctx, CALCULATOR);
            ctx.assert.match(await cgroupOf(ctx, win.pid), stockUnitPattern(CALCULATOR));
            await closeApp(ctx, CALCULATOR);
        },
    },
    {
        name: 'an assigned app lands in the stock scope after disable',
        fn: async ctx => {
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {[CALCULATOR]: 'limits'}});
            await setEnabled(ctx, false);
            try {
                await ctx.openOverview();
                await ctx.clickRect(await ctx.waitFor(() => ctx.dashIconRect(CALCULATOR), 10_000, 'the dash icon'));
                const win = await waitForWindow(ctx, CALCULATOR);
                ctx.assert.match(await cgroupOf(ctx, win.pid), stockUnitPattern(CALCULATOR));
                await closeApp(ctx, CALCULATOR);
            } finally {
                await setEnabled(ctx, true);
            }
        },
    },
];
