// The preferences panel's gjs tests (test/prefs) run inside a container or the VM,
// on the Wayland display of its gnome-shell, by 50-prefs-panel and VM 86.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { closeApp, resetSettings, setProfiles, waitForWindow } from './launcher.mjs';

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prefs');
const FILES = ['testing.js', 'environment.js', 'run.js', 'panel.test.js', 'running.test.js'];
const DEST = '/home/tester/confine-prefs-tests';

/** Copies the gjs tests in and returns the environment gjs needs to load gnome-shell's prefs code. */
export async function installPrefsTests(ctx) {
    for (const name of FILES)
        await ctx.copyIn(path.join(SOURCE, name), `${DEST}/${name}`);
    // The Extensions service's private library (Shew) lives with gnome-shell's own libraries.
    const typelib = (await ctx.shOk('find /usr/lib -name Shew-0.typelib -print -quit')).trim();
    if (!typelib)
        throw new Error('gnome-shell\'s Shew typelib not found');
    const girDir = path.posix.dirname(typelib);
    return `GI_TYPELIB_PATH=${girDir} LD_LIBRARY_PATH=${path.posix.dirname(girDir)}`;
}

/** Runs test/prefs/run.js with `env`, the tests whose name contains `filter`; fails unless some ran and all passed. */
export async function runGjs(ctx, env, filter = '') {
    const r = await ctx.sh(`cd ${DEST} && ${env} gjs -m run.js ${ctx.shellQuote(filter)} 2>&1`, { timeoutMs: 200_000 });
    for (const line of r.stdout.trimEnd().split('\n'))
        ctx.log(line);
    const passed = (r.stdout.match(/^ok \d+/gm) ?? []).length;
    const failed = (r.stdout.match(/^not ok \d+/gm) ?? []).length;
    ctx.log(`gjs panel tests on GNOME ${ctx.version}: ${passed} passed, ${failed} failed (exit ${r.code})`);
    ctx.assert.equal(r.code, 0, 'gjs tests failed');
    ctx.assert.ok(passed > 0, 'no gjs test ran');
    return r.stdout;
}

export const CALCULATOR = 'org.gnome.Calculator.desktop';
/** test/prefs/running.test.js edits this profile of the running Calculator: a service, for its NoNewPrivileges. */
const RUNNING_PROFILE = "'running': {'name': <'E2E running'>, 'MemoryMax': <'250M'>, 'NoNewPrivileges': <true>}";

/**
 * Installs the gjs tests, starts the Calculator under the profile test/prefs/running.test.js
 * edits, and runs `fn(env, window)`; the Calculator is closed and the settings reset after.
 */
export async function withRunningCalculator(ctx, fn, { timeoutMs = 20_000 } = {}) {
    const env = await installPrefsTests(ctx);
    await ctx.hideOverview();
    await setProfiles(ctx, { profiles: [RUNNING_PROFILE], assignments: { [CALCULATOR]: 'running' } });
    await ctx.evalJs(`imports.gi.Shell.AppSystem.get_default().lookup_app('${CALCULATOR}').activate(); true`);
    try {
        return await fn(env, await waitForWindow(ctx, CALCULATOR, { timeoutMs }));
    } finally {
        await closeApp(ctx, CALCULATOR);
        await resetSettings(ctx);
    }
}
