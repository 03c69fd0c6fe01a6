// Issue 10 benchmark (printed, not asserted): gnome-shell's CPU time with 20 confined
// apps running, over CONFINE_BENCH_SECONDS (60) each: Confine enabled with the menu
// closed and Confine disabled, in CONFINE_BENCH_ROUNDS (3) rounds taken in turn (one
// sample each is within the noise of a 10 ms clock tick and of what the last phase left
// for the collector), each from 15 s after the launches or the enable before it, then Confine enabled with the running-apps menu open (from 3 s
// after it opened: opening it builds 20 rows with their submenus once, which is printed
// on its own). Besides CPU time, the main thread's wake-ups (its context switches):
// a count, where CPU time is a sum of whole ticks.
// Runs only with CONFINE_E2E_BENCH=1 (npm run bench:indicator).
import {
    RESOURCE_PROFILE, indicatorJs, resetSettings, setEnabled, setProfiles, shellPid, writeDesktopFile,
} from '../support/launcher.mjs';

export const title = 'running-apps menu: shell CPU benchmark';
export const timeoutMs = 900_000;
/** CONFINE_BENCH_VERSIONS (such as "48") limits the benchmark to some versions of a longer run. */
export const versions = (process.env.CONFINE_BENCH_VERSIONS ?? '48 50 51').split(/[\s,]+/).filter(Boolean).map(Number);

const APPS = 20;
const SECONDS = Number(process.env.CONFINE_BENCH_SECONDS ?? 60);
const ROUNDS = Number(process.env.CONFINE_BENCH_ROUNDS ?? 3);
const SETTLE_S = 15;
const INDICATOR = indicatorJs('confine@confine.github.io');
const appId = i => `confine-e2e-idle-${i}.desktop`;

/**
 * The shell's user + system CPU time in seconds (clock ticks of /proc/PID/stat), and
 * how often its main thread (which runs the main loop) was switched out.
 */
async function shellUsage(ctx, pid) {
    const out = await ctx.shOk(`cut -d' ' -f14,15 /proc/${pid}/stat; getconf CLK_TCK; ` +
        `awk '/ctxt_switches/ {sum += $2} END {print sum}' /proc/${pid}/task/${pid}/status`);
    const [times, ticks, switches] = out.trim().split('\n');
    const [user, system] = times.split(' ').map(Number);
    return { cpu: (user + system) / Number(ticks), wakeups: Number(switches) };
}

/** The shell's CPU seconds and main-thread wake-ups over SECONDS, after a collection and a pause. */
async function measure(ctx, pid, label) {
    await ctx.collectGarbage();
    await ctx.sleep(2000);
    const before = await shellUsage(ctx, pid);
    await ctx.sleep(SECONDS * 1000);
    const after = await shellUsage(ctx, pid);
    const used = { cpu: after.cpu - before.cpu, wakeups: after.wakeups - before.wakeups };
    ctx.log(`${label.padEnd(36)} ${used.cpu.toFixed(2)} s CPU in ${SECONDS} s = ${(used.cpu / SECONDS * 100).toFixed(2)} % of one CPU; ` +
        `main thread woke ${used.wakeups} times (${(used.wakeups / SECONDS).toFixed(1)}/s)`);
    return used;
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

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
        // What the 20 launches leave to do (their desktop-entry copies, the early-exit
        // watch) and what an enable does once (every running unit looked at, the
        // indicator shown) are not the cost of a closed menu: the rounds start SETTLE_S
        // after them, and an enable's own cost over that time is printed on its own.
        await ctx.sleep(SETTLE_S * 1000);
        const closedRounds = [];
        const disabledRounds = [];
        const enabling = [];
        for (let round = 1; round <= ROUNDS; round++) {
            closedRounds.push(await measure(ctx, pid, `round ${round}: enabled, menu closed`));
            await setEnabled(ctx, false);
            disabledRounds.push(await measure(ctx, pid, `round ${round}: disabled`));
            const beforeEnabling = await shellUsage(ctx, pid);
            await setEnabled(ctx, true);
            await ctx.sleep(SETTLE_S * 1000);
            const afterEnabling = await shellUsage(ctx, pid);
            enabling.push(afterEnabling.cpu - beforeEnabling.cpu);
        }
        ctx.log(`enabling with ${APPS} apps running, CPU over the next ${SETTLE_S} s, each round: ${enabling.map(cpu => cpu.toFixed(2)).join(', ')} s`);
        const closed = median(closedRounds.map(r => r.cpu));
        const disabled = median(disabledRounds.map(r => r.cpu));
        const differences = closedRounds.map((r, i) => r.cpu - disabledRounds[i].cpu);
        const wakeDifferences = closedRounds.map((r, i) => r.wakeups - disabledRounds[i].wakeups);
        ctx.log(`BENCH GNOME ${ctx.version}, menu closed vs disabled, ${ROUNDS} rounds of ${SECONDS} s: CPU medians ` +
            `${closed.toFixed(2)} s vs ${disabled.toFixed(2)} s, per-round differences ${differences.map(d => d.toFixed(2)).join(', ')} s; ` +
            `main-thread wake-ups medians ${median(closedRounds.map(r => r.wakeups))} vs ${median(disabledRounds.map(r => r.wakeups))}, ` +
            `per-round differences ${wakeDifferences.join(', ')}`);
        await ctx.sleep(2000);
        const beforeOpening = (await shellUsage(ctx, pid)).cpu;
        await ctx.evalJs(`${INDICATOR}.menu.open(); true`);
        await ctx.sleep(3000);
        const opening = (await shellUsage(ctx, pid)).cpu - beforeOpening;
        const rows = await ctx.evalJs(`${INDICATOR}.items.length`);
        ctx.log(`${'opening the menu (3 s)'.padEnd(36)} ${opening.toFixed(2)} s CPU, ${rows} rows`);
        const open = (await measure(ctx, pid, 'enabled, menu open')).cpu;
        await ctx.evalJs(`${INDICATOR}.menu.close(); true`);
        ctx.log(`BENCH GNOME ${ctx.version}, ${APPS} confined apps, ${SECONDS} s each: closed ${closed.toFixed(2)} s (median), ` +
            `disabled ${disabled.toFixed(2)} s (median), open ${open.toFixed(2)} s (${(open / SECONDS * 100).toFixed(2)} % of one CPU; ` +
            `${((open - disabled) / SECONDS * 100).toFixed(2)} % beyond disabled), opening ${opening.toFixed(2)} s`);
    } finally {
        await ctx.sh("systemctl --user list-units --no-legend --plain 'app-confine-*' | awk '/e2e.x2didle/ {print $1}' | xargs -r systemctl --user stop");
        await resetSettings(ctx);
        for (let i = 0; i < APPS; i++)
            await ctx.sh(`rm -f ~/.local/share/applications/${appId(i)}`);
    }
}
