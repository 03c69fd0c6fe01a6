// A real pointer click on a dash icon launches the app, and stock GNOME puts
// it where it always does: a launched process into app-gnome-<id>-<pid>.scope.
//
// gnome-text-editor is DBusActivatable from GNOME 50 on (Debian forky, sid):
// GLib then asks the session bus to start it, so it runs under the bus's unit,
// never in an app-gnome scope. gnome-calculator is launched by Exec everywhere.
export const title = 'a real click on a dash icon';

const CALCULATOR = 'org.gnome.Calculator.desktop';
const TEXT_EDITOR = 'org.gnome.TextEditor.desktop';

async function addFavourite(ctx, appId) {
    const favourites = JSON.parse((await ctx.gsettings('get', 'org.gnome.shell', 'favorite-apps'))
        .replace(/^@as /, '').replace(/'/g, '"'));
    if (!favourites.includes(appId)) {
        await ctx.gsettings('set', 'org.gnome.shell', 'favorite-apps',
            JSON.stringify([...favourites, appId]).replace(/"/g, "'"));
    }
}

/** Clicks the app's dash icon and returns its new window ({pid, title, ...}) and cgroup. */
async function clickDashIcon(ctx, appId) {
    await addFavourite(ctx, appId);
    const before = new Set((await ctx.windows()).map(w => w.pid));
    await ctx.openOverview();
    const icon = await ctx.waitFor(() => ctx.dashIconRect(appId), 10_000, `the dash icon of ${appId}`);
    const picked = await ctx.actorAt(icon.cx, icon.cy);
    ctx.log(`dash icon at ${icon.cx},${icon.cy}; the stage picks ${picked.chain.slice(0, 2).join(' < ')}`);
    await ctx.clickRect(icon);
    const win = await ctx.waitFor(async () =>
        (await ctx.windows()).find(w => w.appId === appId && w.pid > 0 && !before.has(w.pid)),
    20_000, `a window of ${appId} after the click`).catch(async e => {
        await ctx.screenshot(`dash-click-${appId}-no-window`);
        throw new Error(`${e.message}; windows: ${JSON.stringify(await ctx.windows())}`);
    });
    const cgroup = (await ctx.readFile(`/proc/${win.pid}/cgroup`)).split('\n').find(l => l.startsWith('0::'));
    ctx.log(`"${win.title}" pid ${win.pid} in ${cgroup.slice(3)}`);
    return { win, cgroup };
}

export const tests = [
    {
        name: 'gnome-calculator launches into a stock app-gnome scope',
        fn: async ctx => {
            const { win, cgroup } = await clickDashIcon(ctx, CALCULATOR);
            ctx.assert.match(cgroup, new RegExp(`/app-gnome-org\\.gnome\\.Calculator-${win.pid}\\.scope$`),
                'the app runs in the stock app-gnome-<id>-<pid>.scope');
            await ctx.closeApp(CALCULATOR);
        },
    },
    {
        name: 'gnome-text-editor launches (scope as stock GNOME places it)',
        fn: async ctx => {
            const desktop = await ctx.readFile(`/usr/share/applications/${TEXT_EDITOR}`);
            const dbusActivatable = /^DBusActivatable=true$/m.test(desktop);
            const { win, cgroup } = await clickDashIcon(ctx, TEXT_EDITOR);
            if (dbusActivatable) {
                ctx.log('DBusActivatable=true here: started by the session bus, not in an app scope');
                ctx.assert.match(cgroup, /\/(dbus\.service|dbus-broker\.service|dbus-[^/]*org\.gnome\.TextEditor[^/]*\.service)$/);
            } else {
                ctx.assert.match(cgroup, new RegExp(`/app-gnome-org\\.gnome\\.TextEditor-${win.pid}\\.scope$`),
                    'the app runs in the stock app-gnome-<id>-<pid>.scope');
            }
            await ctx.closeApp(TEXT_EDITOR);
        },
    },
];
