// Issue 4, acceptance 3: a click on an app's Dash to Dock icon launches it confined.
// Dash to Dock replaces AppIcon.activate with its own, which still ends in Shell.App.
import {
    RESOURCE_EXPECTED, RESOURCE_PROFILE, assertConfined, assertNoExceptions, assertTracked, closeApp, setProfiles,
    waitForWindow,
} from '../support/launcher.mjs';

export const title = 'a click on a Dash to Dock icon launches the app confined';

const DOCK = 'dash-to-dock@micxgx.gmail.com';
const EDITOR = 'org.gnome.TextEditor.desktop';

/** The dock's icon of the app: mapped, reactive and outside the overview. */
function dockIconRect(ctx, appId) {
    return ctx.evalJs(`(() => {
        const inOverview = a => { for (let p = a; p; p = p.get_parent()) if (p === Main.overview._overview) return true; return false; };
        const icons = __walk(global.stage, a => a.mapped && a.reactive && __appOf(a) === ${JSON.stringify(appId)} && !inOverview(a));
        return icons.length ? __rect(icons[0]) : null;
    })()`);
}

export default async function (ctx) {
    const installed = await ctx.sh(`test -d /usr/share/gnome-shell/extensions/${DOCK}`);
    if (installed.code !== 0)
        return ctx.skip(`Dash to Dock is not packaged for GNOME ${ctx.version}`);
    await ctx.shOk(`gnome-extensions enable ${DOCK}`);
    const info = await ctx.waitFor(async () => {
        const [state] = await ctx.extensionsCall('GetExtensionInfo', 's', [DOCK]);
        return state.state === ctx.ExtensionState.ACTIVE || state.state === ctx.ExtensionState.ERROR ? state : null;
    }, 10_000, 'Dash to Dock to load').catch(() => null);
    if (!info || info.state !== ctx.ExtensionState.ACTIVE)
        return ctx.skip(`Dash to Dock does not run on GNOME ${ctx.version}: ${JSON.stringify(info?.error ?? info)}`);
    try {
        await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {[EDITOR]: 'limits'}});
        await ctx.hideOverview();
        const icon = await ctx.waitFor(() => dockIconRect(ctx, EDITOR), 15_000, 'the Dash to Dock icon');
        ctx.log(`dock icon at ${icon.cx},${icon.cy}; picked ${JSON.stringify(await ctx.actorAt(icon.cx, icon.cy))}`);
        const cursor = await ctx.journalCursor();
        await ctx.clickRect(icon);
        const win = await waitForWindow(ctx, EDITOR);
        await assertConfined(ctx, win.pid, EDITOR, RESOURCE_EXPECTED);
        await assertTracked(ctx, win.pid, EDITOR);
        await assertNoExceptions(ctx, cursor);
        await closeApp(ctx, EDITOR);
    } finally {
        await ctx.sh(`gnome-extensions disable ${DOCK}`);
    }
}
