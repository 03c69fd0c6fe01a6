// Issue 4, acceptance 1–6 and 9: every way a person starts an app puts a confined
// app into an app-confine unit with exactly its profile, focused and tracked.
import {
    RESOURCE_EXPECTED, assertConfined, assertNoExceptions, assertTracked, closeApp, setProfiles, waitForWindow,
} from '../support/launcher.mjs';

export const title = 'confined launches from the grid, dash, search and icon menu';

const CALCULATOR = 'org.gnome.Calculator.desktop';
const EDITOR = 'org.gnome.TextEditor.desktop';
const ACTIONS_APP = 'confine-e2e-actions.desktop';

async function ensureFavourite(ctx, appId) {
    const text = await ctx.gsettings('get', 'org.gnome.shell', 'favorite-apps');
    const favourites = JSON.parse(text.replace(/^@as /, '').replace(/'/g, '"'));
    if (!favourites.includes(appId)) {
        await ctx.gsettings('set', 'org.gnome.shell', 'favorite-apps',
            JSON.stringify([appId, ...favourites]).replace(/"/g, "'"));
    }
}

/** The app grid leaves out the dash's favourites, so the grid test needs a non-favourite. */
async function removeFavourite(ctx, appId) {
    const text = await ctx.gsettings('get', 'org.gnome.shell', 'favorite-apps');
    const favourites = JSON.parse(text.replace(/^@as /, '').replace(/'/g, '"'));
    await ctx.gsettings('set', 'org.gnome.shell', 'favorite-apps',
        JSON.stringify(favourites.filter(id => id !== appId)).replace(/"/g, "'"));
}

async function confinedWindow(ctx, appId, launch) {
    const cursor = await ctx.journalCursor();
    await launch();
    const win = await waitForWindow(ctx, appId);
    await assertConfined(ctx, win.pid, appId, RESOURCE_EXPECTED);
    await assertTracked(ctx, win.pid, appId);
    await assertNoExceptions(ctx, cursor);
    return win;
}

async function setUp(ctx) {
    await setProfiles(ctx, {assignments: {[CALCULATOR]: 'limits', [EDITOR]: 'limits', [ACTIONS_APP]: 'limits'}});
    await ensureFavourite(ctx, EDITOR);
    await ensureFavourite(ctx, CALCULATOR);
}

export const tests = [
    {
        name: 'a real click on the dash icon',
        fn: async ctx => {
            await setUp(ctx);
            await confinedWindow(ctx, EDITOR, async () => {
                await ctx.openOverview();
                const icon = await ctx.waitFor(() => ctx.dashIconRect(EDITOR), 10_000, 'the dash icon');
                await ctx.clickRect(icon);
            });
            await closeApp(ctx, EDITOR);
        },
    },
    {
        name: 'a real click in the app grid',
        fn: async ctx => {
            await setUp(ctx);
            await removeFavourite(ctx, CALCULATOR);
            await confinedWindow(ctx, CALCULATOR, async () => {
                await ctx.showAppGrid();
                const icon = await ctx.waitFor(() => ctx.appGridIconRect(CALCULATOR), 10_000, 'the grid icon');
                await ctx.clickRect(icon);
            });
            await closeApp(ctx, CALCULATOR);
            await ensureFavourite(ctx, CALCULATOR);
        },
    },
    {
        name: 'activating the overview search result',
        fn: async ctx => {
            await setUp(ctx);
            await confinedWindow(ctx, CALCULATOR, async () => {
                await ctx.openOverview();
                await ctx.typeText('calculator');
                const result = await ctx.waitFor(() => ctx.searchResultRect(CALCULATOR), 10_000, 'the search result');
                await ctx.clickRect(result);
            });
            await closeApp(ctx, CALCULATOR);
        },
    },
    {
        name: '"New Window" in the icon context menu',
        fn: async ctx => {
            await setUp(ctx);
            await confinedWindow(ctx, EDITOR, async () => {
                await ctx.openOverview();
                const icon = await ctx.waitFor(() => ctx.dashIconRect(EDITOR), 10_000, 'the dash icon');
                await ctx.clickRect(icon, 3);
                const item = await ctx.waitFor(() => ctx.menuItemRect('New Window'), 5_000,
                    'the "New Window" menu item');
                await ctx.clickRect(item);
            });
            await closeApp(ctx, EDITOR);
        },
    },
    {
        name: 'a desktop action in the icon context menu',
        fn: async ctx => {
            await setUp(ctx);
            // A desktop file of our own whose action opens the calculator, so the window is real.
            await ctx.writeFile(`${ctx.home}/.local/share/applications/${ACTIONS_APP}`, [
                '[Desktop Entry]', 'Type=Application', 'Name=Confine Actions', 'Icon=accessories-calculator',
                'Exec=gnome-calculator', 'Actions=confined-action;',
                '', '[Desktop Action confined-action]', 'Name=Open Confined Calculator', 'Exec=gnome-calculator',
                '',
            ].join('\n'));
            await ctx.waitFor(() => ctx.evalJs(`!!imports.gi.Shell.AppSystem.get_default().lookup_app('${ACTIONS_APP}')`),
                10_000, 'the shell to see the new desktop file');
            await ensureFavourite(ctx, ACTIONS_APP);
            const cursor = await ctx.journalCursor();
            await ctx.openOverview();
            const icon = await ctx.waitFor(() => ctx.dashIconRect(ACTIONS_APP), 10_000, 'the dash icon');
            await ctx.clickRect(icon, 3);
            const item = await ctx.waitFor(() => ctx.menuItemRect('Open Confined Calculator'), 5_000,
                'the desktop action menu item');
            await ctx.clickRect(item);
            // The window belongs to the calculator (StartupWMClass/app id); the unit is named after our entry.
            const win = await ctx.waitFor(async () => (await ctx.windows())
                .find(w => /calculator/i.test(`${w.wmClass} ${w.appId}`) && w.pid > 0), 20_000, 'the calculator window');
            await assertConfined(ctx, win.pid, ACTIONS_APP, RESOURCE_EXPECTED);
            await assertNoExceptions(ctx, cursor);
            await closeApp(ctx, win.appId || CALCULATOR);
            // Leave no second entry claiming the calculator's windows for later scenarios.
            await ctx.sh(`rm -f ~/.local/share/applications/${ACTIONS_APP}`);
        },
    },
];
