// Issue 10 benchmark (printed, not asserted): gnome-shell's CPU time with 20 confined
// apps running, over CONFINE_BENCH_SECONDS (60) each: Confine enabled with the menu
// closed, Confine disabled, and Confine enabled with the running-apps menu open (from
// 3 s after it opened: opening it builds 20 rows with their submenus once, which is
// printed on its own).
// Runs only with CONFINE_E2E_BENCH=1 (npm run bench:indicator).
import { RESOURCE_PROFILE, resetSettings, setEnabled, setProfiles, shellPid, writeDesktopFile } from '../support/launcher.mjs';

export const title = 'running-apps menu: shell CPU benchmark';
export const timeoutMs = 900_000;
/** CONFINE_BENCH_VERSIONS (such as "48") limits the benchmark to some versions of a longer run. */
export const versions = (process.env.CONFINE_BENCH_VERSIONS ?? '48 50 51').split(/[\s,]+/).filter(Boolean).map(Number);

const APPS = 20;
const SECONDS = Number(process.env.CONFINE_BENCH_SECONDS ?? 60);
const INDICATOR = "Main.panel.statusArea['confine@confine.github.io']";
const appId = i => `confine-e2e-idle-${i}.desktop`;

/** The shell's user + system CPU time in seconds (clock ticks of /proc/PID/stat). */
async function shellCpuSeconds(ctx, pid) {
    const out = await ctx.shOk(`cut -d' ' -f14,15 /proc/${pid}/stat; getconf CLK_TCK`);
    const [times, ticks] = out.trim().split('\n');
    const [user, system] = times.split(' ').map(Number);
    return (user + system) / Number(ticks);
}

async function measure(ctx, pid, label) {
    const before = await shellCpuSeconds(ctx, pid);
    await ctx.sleep(SECONDS * 1000);
    const used = await shellCpuSeconds(ctx, pid) - before;
    ctx.log(`${label.padEnd(36)} ${used.toFixed(2)} s CPU in ${SECONDS} s = ${(used / SECONDS * 100).toFixed(2)} % of one CPU`);
    return used;
}

export default async function (ctx) {
    if (process.env.CONFINE_E2E_BENCH !== '1')
        return ctx.skip('benchmark: run with CONFINE_E2E_BENCH=1 (npm run bench:indicator)');
    const assignments = {};
    for (let i = 0; i < APPS; i++) {
        await writeDesktopFile(ctx, appId(i), [`Name=Idle ${i}`, 'Exec=sleep 100000']);
        assignments[appId(i)] = 'limits';
    }
    await setProfiles(ctx, { profiles: [RESOURCE_PROFILE], assignments });
    for (let i = 0; i < APPS; i++)
        await ctx.evalJs(`imports.gi.Shell.AppSystem.get_default().lookup_app('${appId(i)}').activate(); true`);
    await ctx.waitFor(async () => Number((await ctx.sh("systemctl --user list-units --no-legend 'app-confine-*' | grep -c 'e2e.x2didle' || true")).stdout) >= APPS,
        60_000, `${APPS} confined units`);
    const pid = await shellPid(ctx);
    try {
        await ctx.sleep(5000);
        const closed = await measure(ctx, pid, 'enabled, menu closed');
        await setEnabled(ctx, false);
        await ctx.sleep(2000);
        const disabled = await measure(ctx, pid, 'disabled');
        await setEnabled(ctx, true);
        await ctx.sleep(2000);
        const beforeOpening = await shellCpuSeconds(ctx, pid);
        await ctx.evalJs(`${INDICATOR}.menu.open(); true`);
        await ctx.sleep(3000);
        const opening = await shellCpuSeconds(ctx, pid) - beforeOpening;
        const rows = await ctx.evalJs(`${INDICATOR}.items.length`);
        ctx.log(`${'opening the menu (3 s)'.padEnd(36)} ${opening.toFixed(2)} s CPU, ${rows} rows`);
        const open = await measure(ctx, pid, 'enabled, menu open');
        await ctx.evalJs(`${INDICATOR}.menu.close(); true`);
        ctx.log(`BENCH GNOME ${ctx.version}, ${APPS} confined apps, ${SECONDS} s each: closed ${closed.toFixed(2)} s, ` +
            `disabled ${disabled.toFixed(2)} s, open ${open.toFixed(2)} s (${(open / SECONDS * 100).toFixed(2)} % of one CPU; ` +
            `${((open - disabled) / SECONDS * 100).toFixed(2)} % beyond disabled), opening ${opening.toFixed(2)} s`);
    } finally {
        await ctx.sh("systemctl --user list-units --no-legend --plain 'app-confine-*' | awk '/e2e.x2didle/ {print $1}' | xargs -r systemctl --user stop");
        await resetSettings(ctx);
        for (let i = 0; i < APPS; i++)
            await ctx.sh(`rm -f ~/.local/share/applications/${appId(i)}`);
    }
}
