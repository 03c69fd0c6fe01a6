// `gnome-extensions prefs` opens the preferences window on the shell's display.
export const title = 'preferences window opens';

export default async function (ctx) {
    const { assert } = ctx;
    // The session starts in the overview, where a new window is not mapped; this
    // scenario may run first (CONFINE_E2E_ONLY), so it leaves the overview itself.
    await ctx.hideOverview();
    const cursor = await ctx.journalCursor();
    await ctx.shOk(`gnome-extensions prefs ${ctx.uuid}`);
    const win = await ctx.waitFor(async () =>
        (await ctx.windows()).find(w => w.mapped && /Confine|Extension Error/.test(w.title ?? '')),
    20_000, 'a mapped window titled "Confine"').catch(async e => {
        throw new Error(`${e.message}; windows: ${JSON.stringify(await ctx.windows())}`);
    });
    if (win.title === 'Extension Error') {
        await ctx.screenshot('preferences-error');
        const errors = ctx.jsExceptions(await ctx.journal({ cursor, all: true }));
        await closeWindows(ctx, /Extension Error/);
        throw new Error(`the preferences failed to load (GNOME shows "Extension Error"):\n${errors.join('\n') || '(nothing in the journal)'}`);
    }
    ctx.log(`prefs window: "${win.title}" (${win.wmClass}, pid ${win.pid})`);
    await ctx.sleep(1000); // let it draw its first frames
    ctx.log(`screenshot: ${await ctx.screenshot('preferences')}`);
    assert.deepEqual(ctx.jsExceptions(await ctx.journal({ cursor, all: true })), [],
        'JS exceptions mentioning the extension while opening the preferences');

    // Close it again so later scenarios start from an empty desktop.
    await closeWindows(ctx, /Confine/);
}

async function closeWindows(ctx, titleRe) {
    await ctx.evalJs(`global.display.list_all_windows()
        .filter(w => ${titleRe}.test(w.get_title() ?? '')).forEach(w => w.delete(global.get_current_time())); true`);
    await ctx.waitFor(async () => !(await ctx.windows()).some(w => titleRe.test(w.title ?? '')),
        10_000, 'the preferences window to close');
}
