// Opens the preferences with `gnome-extensions prefs`, switches pages with the
// keyboard (Alt+P, Alt+G: the pages' mnemonics) and saves a picture of each page
// and of the profile editor. With CONFINE_UPDATE_SCREENSHOTS=1 the pictures also
// replace docs/screenshots/*.png (see docs/preferences.md).
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { installPrefsTests } from '../support/prefs.mjs';

export const title = 'preferences window: a screenshot of every page';
export const timeoutMs = 180_000;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCHEMA = 'org.gnome.shell.extensions.confine';
const WINDOW = /^Confine$/;

/** Example settings, so the pages show something. */
async function stageSettings(ctx) {
    await ctx.gsettings('set', SCHEMA, 'app-profiles',
        "{'org.gnome.TextEditor.desktop': 'strict', 'org.gnome.Calculator.desktop': 'relaxed', 'org.gnome.Console.desktop': '', 'com.example.Gone.desktop': 'strict'}");
    await ctx.gsettings('set', SCHEMA, 'default-profile', 'relaxed');
}

async function resetSettings(ctx) {
    for (const key of ['app-profiles', 'default-profile', 'profiles'])
        await ctx.gsettings('reset', SCHEMA, key);
}

async function windowRect(ctx) {
    return ctx.evalJs(`(() => {
        const w = global.display.list_all_windows().find(w => ${WINDOW}.test(w.get_title() ?? ''));
        if (!w) return null;
        const r = w.get_frame_rect();
        return {x: r.x, y: r.y, width: r.width, height: r.height, pid: w.get_pid()};
    })()`);
}

/** A PNG of just the window, into the artifacts (and docs/screenshots when asked). */
async function shootWindow(ctx, name) {
    const rect = await windowRect(ctx);
    ctx.assert.ok(rect, 'the preferences window is on screen');
    const inside = `/tmp/confine-prefs-${name}.png`;
    const [ok] = await ctx.dbusCall('org.gnome.Shell.Screenshot', '/org/gnome/Shell/Screenshot',
        'org.gnome.Shell.Screenshot', 'ScreenshotArea', 'iiiibs', [rect.x, rect.y, rect.width, rect.height, false, inside]);
    ctx.assert.ok(ok, 'ScreenshotArea succeeded');
    const host = path.join(ctx.artifactsDir, `prefs-${name}.png`);
    await fs.mkdir(ctx.artifactsDir, { recursive: true });
    await ctx.copyOut(inside, host);
    ctx.log(`screenshot ${host}`);
    if (process.env.CONFINE_UPDATE_SCREENSHOTS === '1') {
        const target = path.join(REPO, 'docs', 'screenshots', `prefs-${name}.png`);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.copyFile(host, target);
        ctx.log(`updated ${target}`);
    }
}

/** Alt+<letter> through the harness's virtual keyboard. */
async function altKey(ctx, letter) {
    await ctx.evalJs(`(() => {
        const Clutter = __gi.Clutter;
        const k = __e2e.keyboard;
        k.notify_keyval(__e2e.now(), Clutter.KEY_Alt_L, Clutter.KeyState.PRESSED);
        k.notify_keyval(__e2e.now(), Clutter.KEY_${letter}, Clutter.KeyState.PRESSED);
        k.notify_keyval(__e2e.now(), Clutter.KEY_${letter}, Clutter.KeyState.RELEASED);
        k.notify_keyval(__e2e.now(), Clutter.KEY_Alt_L, Clutter.KeyState.RELEASED);
        return true;
    })()`);
    await ctx.sleep(700);
}

async function closeWindow(ctx) {
    await ctx.evalJs(`global.display.list_all_windows()
        .filter(w => ${WINDOW}.test(w.get_title() ?? '')).forEach(w => w.delete(global.get_current_time())); true`);
    await ctx.waitFor(async () => !(await ctx.windows()).some(w => WINDOW.test(w.title ?? '')), 10_000, 'the window to close');
}

export const tests = [
    {
        name: 'gnome-extensions prefs: Applications, Profiles and General pages',
        fn: async ctx => {
            const cursor = await ctx.journalCursor();
            // The session starts in the overview, where windows are not mapped.
            await ctx.hideOverview();
            await stageSettings(ctx);
            try {
                await ctx.shOk(`gnome-extensions prefs ${ctx.uuid}`);
                await ctx.waitFor(async () => (await ctx.windows()).find(w => w.mapped && WINDOW.test(w.title ?? '')),
                    20_000, 'a mapped window titled "Confine"');
                await ctx.sleep(1500);
                await shootWindow(ctx, 'applications');
                await altKey(ctx, 'p');
                await shootWindow(ctx, 'profiles');
                await altKey(ctx, 'g');
                await shootWindow(ctx, 'general');
                await closeWindow(ctx);
            } finally {
                await resetSettings(ctx);
            }
            ctx.assert.deepEqual(ctx.jsExceptions(await ctx.journal({ cursor, all: true })), [],
                'JS exceptions mentioning the extension');
        },
    },
    {
        name: 'profile editor with an inline error',
        fn: async ctx => {
            await ctx.hideOverview();
            await stageSettings(ctx);
            const env = await installPrefsTests(ctx);
            await ctx.copyIn(path.join(REPO, 'test', 'prefs', 'showcase.js'), '/home/tester/confine-prefs-tests/showcase.js');
            const done = '/tmp/confine-showcase-done';
            await ctx.shOk(`rm -f ${done}; cd /home/tester/confine-prefs-tests && (${env} nohup gjs -m showcase.js ${done} > /tmp/confine-showcase.log 2>&1 &)`);
            try {
                await ctx.waitFor(async () => /READY/.test(await ctx.readFile('/tmp/confine-showcase.log').catch(() => '')),
                    30_000, 'the editor to be shown').catch(async e => {
                    throw new Error(`${e.message}: ${await ctx.readFile('/tmp/confine-showcase.log').catch(() => '')}`);
                });
                await shootWindow(ctx, 'profile-editor');
            } finally {
                await ctx.shOk(`touch ${done}`);
                await ctx.waitFor(async () => !(await ctx.windows()).some(w => WINDOW.test(w.title ?? '')), 10_000, 'the window to close');
                await resetSettings(ctx);
            }
        },
    },
];
