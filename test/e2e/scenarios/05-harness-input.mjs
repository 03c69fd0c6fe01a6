// The harness's own input paths, on every version: the app grid (with paging),
// typing into the overview search, and a right-click context menu. Launching
// gnome-calculator through each proves the click reached the icon.
export const title = 'harness input';

const APP = 'org.gnome.Calculator.desktop';

async function setFavourite(ctx, appId, on) {
    const favourites = JSON.parse((await ctx.gsettings('get', 'org.gnome.shell', 'favorite-apps'))
        .replace(/^@as /, '').replace(/'/g, '"')).filter(id => id !== appId);
    if (on)
        favourites.push(appId);
    await ctx.gsettings('set', 'org.gnome.shell', 'favorite-apps', JSON.stringify(favourites).replace(/"/g, "'"));
}

async function expectWindow(ctx, how) {
    const win = await ctx.waitFor(async () => (await ctx.windows()).find(w => w.appId === APP && w.pid > 0),
        20_000, `a window of ${APP} after ${how}`);
    await ctx.closeApp(APP);
    return win;
}

export const tests = [
    {
        name: 'a click in the app grid launches the app',
        fn: async ctx => {
            await setFavourite(ctx, APP, false); // favourites are left out of the grid
            await ctx.showAppGrid();
            const icon = await ctx.appGridIconRect(APP);
            ctx.assert.ok(icon, `${APP} is in the app grid`);
            ctx.log(`grid icon at ${icon.cx},${icon.cy}`);
            await ctx.clickRect(icon);
            await expectWindow(ctx, 'a click in the app grid');
        },
    },
    {
        name: 'typing in the overview finds the app, a click on the result launches it',
        fn: async ctx => {
            await ctx.openOverview();
            await ctx.typeText('calcul');
            const result = await ctx.waitFor(() => ctx.searchResultRect(APP), 10_000, `a search result for ${APP}`)
                .catch(async e => {
                    const text = await ctx.evalJs('Main.overview.searchEntry.get_text()');
                    throw new Error(`${e.message} (search entry: "${text}")`);
                });
            await ctx.clickRect(result);
            await expectWindow(ctx, 'a click on the search result');
        },
    },
    {
        name: 'a right click on a dash icon opens its context menu, Escape closes it',
        fn: async ctx => {
            await setFavourite(ctx, APP, true);
            await ctx.openOverview();
            const icon = await ctx.waitFor(() => ctx.dashIconRect(APP), 10_000, `the dash icon of ${APP}`);
            await ctx.clickRect(icon, 3);
            const labels = await ctx.waitFor(async () => {
                const l = await ctx.menuItems();
                return l.length ? l : null;
            }, 5000, 'a context menu');
            ctx.log(`menu: ${labels.join(' | ')}`);
            ctx.assert.ok(await ctx.menuItemRect(labels[0]), `menuItemRect('${labels[0]}')`);
            await ctx.pressKey('Escape');
            await ctx.waitFor(async () => (await ctx.menuItems()).length === 0, 5000, 'the menu to close');
        },
    },
];
