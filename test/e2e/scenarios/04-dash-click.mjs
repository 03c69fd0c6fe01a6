// A real pointer click on a dash icon launches the app into GNOME's stock scope.
export const title = 'a real click on a dash icon launches the app';

const APP = 'org.gnome.TextEditor.desktop';

export default async function (ctx) {
    const { assert } = ctx;
    const favourites = JSON.parse((await ctx.gsettings('get', 'org.gnome.shell', 'favorite-apps'))
        .replace(/^@as /, '').replace(/'/g, '"'));
    if (!favourites.includes(APP))
        await ctx.gsettings('set', 'org.gnome.shell', 'favorite-apps', JSON.stringify([APP, ...favourites]).replace(/"/g, "'"));

    await ctx.openOverview();
    const icon = await ctx.waitFor(() => ctx.dashIconRect(APP), 10_000, `the dash icon of ${APP}`);
    ctx.log(`dash icon at ${icon.cx},${icon.cy} (${icon.width}x${icon.height}); picked: ${JSON.stringify(await ctx.actorAt(icon.cx, icon.cy))}`);
    await ctx.clickRect(icon);

    const win = await ctx.waitFor(async () =>
        (await ctx.windows()).find(w => w.appId === APP && w.pid > 0),
    20_000, `a window of ${APP}`).catch(async e => {
        await ctx.screenshot('dash-click-no-window');
        throw new Error(`${e.message}; windows: ${JSON.stringify(await ctx.windows())}`);
    });
    const cgroup = await ctx.readFile(`/proc/${win.pid}/cgroup`);
    ctx.log(`window "${win.title}" pid ${win.pid}, cgroup ${cgroup.trim()}`);
    assert.match(cgroup, /\/app-gnome-org\.gnome\.TextEditor-\d+\.scope$/m,
        'the app runs in the stock app-gnome-<id>-<pid>.scope');

    await ctx.evalJs(`global.display.list_all_windows()
        .filter(w => w.get_pid() === ${win.pid}).forEach(w => w.delete(global.get_current_time())); true`);
}
