// Issue 11 benchmark (printed, not asserted): what the user manager's unit events cost
// the shell. 200 transient units of no app are started within 10 s, with
// confine-other-launches on and then off: gnome-shell's CPU time per event, and the
// round trips of an Eval made every 100 ms meanwhile (a stall would show there). Among
// them, app scopes named as GNOME names them, of an app with a profile: each must get
// its MemoryMax (none missed). Runs only with CONFINE_E2E_BENCH=1 (npm run bench:other-launches).
import { performance } from 'node:perf_hooks';

import { SCHEMA, resetSettings, setEnabled, setProfiles } from '../support/launcher.mjs';

export const title = 'unit events: shell cost benchmark';
export const timeoutMs = 600_000;
/** CONFINE_BENCH_VERSIONS (such as "48") limits the benchmark to some versions of a longer run. */
export const versions = (process.env.CONFINE_BENCH_VERSIONS ?? '48 50 51').split(/[\s,]+/).filter(Boolean).map(Number);

const UNITS = 200;
const APP_SCOPES = 10;
const SECONDS = 10;
const APP = 'confine-e2e-bench.desktop';
const PROFILE = "'bench': {'name': <'E2E bench'>, 'MemoryMax': <'123M'>}";

async function shellCpuSeconds(ctx, pid) {
    const out = await ctx.shOk(`cut -d' ' -f14,15 /proc/${pid}/stat; getconf CLK_TCK`);
    const [times, ticks] = out.trim().split('\n');
    const [user, system] = times.split(' ').map(Number);
    return (user + system) / Number(ticks);
}

/** Eval round trips every 100 ms until `done` settles. */
async function roundTrips(ctx, done) {
    const samples = [];
    let finished = false;
    done.finally(() => {
        finished = true;
    });
    while (!finished) {
        const start = performance.now();
        await ctx.evalJs('true');
        samples.push(performance.now() - start);
        await ctx.sleep(100);
    }
    samples.sort((a, b) => a - b);
    const at = q => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(1);
    return `n=${samples.length} median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${samples.at(-1).toFixed(1)} ms`;
}

/**
 * Starts UNITS unrelated transient services and APP_SCOPES app scopes within about
 * SECONDS, inside the container. The scopes' sleep outlives the run, so they can be read
 * afterwards; they are stopped then.
 */
function startUnits(ctx, tag) {
    const every = Math.floor(UNITS / APP_SCOPES);
    return ctx.shOk(`for i in $(seq 1 ${UNITS}); do
        systemd-run --user --quiet --collect --unit=bench-${tag}-$i true &
        if [ $((i % ${every})) -eq 0 ]; then
            # Not a job of this shell: "wait" is for the services' systemd-run alone.
            ( systemd-run --user --quiet --collect --scope --unit="app-gnome-confine\\x2de2e\\x2dbench-${tag}$i.scope" sleep 600 >/dev/null 2>&1 & )
        fi
        sleep ${SECONDS / UNITS}
    done; wait`, { timeoutMs: 180_000 });
}

/** The shell's CPU seconds per wall second while nothing happens, over `seconds`. */
async function idleRate(ctx, pid, seconds) {
    const before = await shellCpuSeconds(ctx, pid);
    const started = Date.now();
    await ctx.sleep(seconds * 1000);
    return (await shellCpuSeconds(ctx, pid) - before) / ((Date.now() - started) / 1000);
}

/**
 * The shell's CPU time for the unit events, its idle time over the same span taken
 * away, and how many app scopes got the profile's MemoryMax. Nothing else talks to the
 * shell meanwhile: the stall check runs separately.
 */
async function run(ctx, pid, tag, label) {
    const idle = await idleRate(ctx, pid, 5);
    const before = await shellCpuSeconds(ctx, pid);
    const started = Date.now();
    await startUnits(ctx, tag);
    const seconds = (Date.now() - started) / 1000;
    const used = await shellCpuSeconds(ctx, pid) - before;
    const events = UNITS + APP_SCOPES;
    const extra = used - idle * seconds;
    ctx.log(`${label.padEnd(28)} ${events} units in ${seconds.toFixed(1)} s: shell CPU ${(used * 1000).toFixed(0)} ms, ` +
        `idle ${(idle * 1000).toFixed(1)} ms/s, so ${(extra * 1e6 / events).toFixed(0)} µs per unit beyond idle`);
    const out = await ctx.shOk(`for u in $(systemctl --user list-units --no-legend --plain 'app-gnome-confine*bench-${tag}*' | awk '{print $1}'); do
        echo "$u $(systemctl --user show -p MemoryMax --value "$u")"; done`);
    const scopes = out.trim().split('\n').filter(Boolean).map(line => line.split(' '));
    const limited = scopes.filter(([, value]) => value === `${123 * 2 ** 20}`).length;
    ctx.log(`${label.padEnd(28)} app scopes with the profile's MemoryMax: ${limited} of ${scopes.length}`);
    await ctx.sh(`systemctl --user stop 'app-gnome-confine*bench-${tag}*' 2>/dev/null || true`);
    return { extra, limited, scopes: scopes.length };
}

export default async function (ctx) {
    if (process.env.CONFINE_E2E_BENCH !== '1')
        return ctx.skip('benchmark: run with CONFINE_E2E_BENCH=1 (npm run bench:other-launches)');
    await setProfiles(ctx, { profiles: [PROFILE], assignments: { [APP]: 'bench' } });
    const pid = (await ctx.shOk('systemctl --user show -p MainPID --value gnome-shell-headless.service')).trim();
    try {
        await ctx.sleep(2000);
        const on = await run(ctx, pid, 'on', 'confine-other-launches on');
        // A stall of the main loop shows in the round trips of an Eval made every 100 ms.
        const units = startUnits(ctx, 'stall');
        const trips = await roundTrips(ctx, units);
        await units;
        await ctx.sh('systemctl --user stop \'app-gnome-confine*bench-stall*\' 2>/dev/null || true');
        ctx.log(`${'while units start (on)'.padEnd(28)} Eval round trips ${trips}`);
        await ctx.gsettings('set', SCHEMA, 'confine-other-launches', 'false');
        await ctx.sleep(2000);
        const off = await run(ctx, pid, 'off', 'confine-other-launches off');
        // The stock shell's own cost of the same events, for comparison.
        await setEnabled(ctx, false);
        let stock;
        try {
            await ctx.sleep(2000);
            stock = await run(ctx, pid, 'stock', 'Confine disabled');
        } finally {
            await setEnabled(ctx, true);
        }
        const perUnit = value => `${(value * 1e6 / (UNITS + APP_SCOPES)).toFixed(0)} µs`;
        ctx.log(`BENCH shell CPU per unit event beyond the stock shell's: other launches on ${perUnit(on.extra - stock.extra)}, ` +
            `off ${perUnit(off.extra - stock.extra)}; app scopes missed with it on: ${on.scopes - on.limited} of ${on.scopes}`);
        ctx.assert.equal(on.scopes, APP_SCOPES, 'every app scope was there to be read');
    } finally {
        await ctx.gsettings('reset', SCHEMA, 'confine-other-launches');
        await resetSettings(ctx);
    }
}
