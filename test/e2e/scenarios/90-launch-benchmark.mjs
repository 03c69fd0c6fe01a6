// Issue 4 benchmark (not a timed test): time from activation in the shell to the
// app's first instruction, for a stock launch, an unconfined launch with Confine
// enabled, a confined launch, and one bare `systemd-run --user --scope`.
// Runs only with CONFINE_E2E_BENCH=1 (npm run bench:launch); prints medians and ratios.
import {RESOURCE_PROFILE, setEnabled, setProfiles, writeDesktopFile} from '../support/launcher.mjs';

export const title = 'launch latency benchmark';
export const timeoutMs = 600_000;

const APP = 'confine-e2e-bench.desktop';
const RUNS = Number(process.env.CONFINE_BENCH_RUNS ?? 25);
const RECORD = 'records/bench';

function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds from Shell.App.activate() to the app's first line, once. */
async function activationToStart(ctx) {
    await ctx.sh(`rm -f ~/${RECORD}`);
    const [startedUs] = await ctx.evalJs(`(() => {
        const app = imports.gi.Shell.AppSystem.get_default().lookup_app('${APP}');
        const t = imports.gi.GLib.get_real_time();
        app.activate();
        return [t];
    })()`);
    const line = await ctx.waitFor(async () => (await ctx.sh(`cat ~/${RECORD} 2>/dev/null`)).stdout.trim(),
        15_000, 'the benchmark app to start');
    return (Number(line.replace(',', '.')) * 1e6 - startedUs) / 1000;
}

function report(ctx, label, samples) {
    const value = median(samples);
    ctx.log(`${label.padEnd(34)} median ${value.toFixed(2)} ms  (min ${Math.min(...samples).toFixed(2)}, ` +
        `max ${Math.max(...samples).toFixed(2)}, n=${samples.length})`);
    return value;
}

async function bareSystemdRun(ctx) {
    const out = await ctx.shOk(`t0=$EPOCHREALTIME; systemd-run --user --scope -q -- bash -c 'echo $EPOCHREALTIME'; echo $t0`);
    const [child, parent] = out.trim().split('\n').map(text => Number(text.replace(',', '.')));
    return (child - parent) * 1000;
}

export default async function (ctx) {
    if (process.env.CONFINE_E2E_BENCH !== '1')
        return ctx.skip('benchmark: run with CONFINE_E2E_BENCH=1 (npm run bench:launch)');
    // bash's $EPOCHREALTIME is a builtin: the first line costs no fork.
    await ctx.writeFile('/usr/local/bin/confine-e2e-bench',
        `#!/bin/bash\nmkdir -p "$HOME/records"\necho "$EPOCHREALTIME" > "$HOME/${RECORD}"\n`, {mode: 0o755});
    await writeDesktopFile(ctx, APP, ['Name=Confine Bench', 'Exec=/usr/local/bin/confine-e2e-bench']);

    // The modes take turns round by round, so drift in the machine's load hits them alike.
    const samples = {stock: [], unconfined: [], confined: [], bare: []};
    for (let round = 0; round < RUNS; round++) {
        await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {}});
        await setEnabled(ctx, false);
        samples.stock.push(await activationToStart(ctx));
        await setEnabled(ctx, true);
        samples.unconfined.push(await activationToStart(ctx));
        await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {[APP]: 'limits'}});
        samples.confined.push(await activationToStart(ctx));
        samples.bare.push(await bareSystemdRun(ctx));
        await ctx.sleep(100);
    }
    const stock = report(ctx, 'stock launch (extension disabled)', samples.stock);
    const unconfined = report(ctx, 'unconfined, extension enabled', samples.unconfined);
    const confined = report(ctx, 'confined (scope, 4 properties)', samples.confined);
    const bare = report(ctx, 'bare systemd-run --user --scope', samples.bare);
    await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {}});
    ctx.log(`confined / (stock + bare systemd-run) = ${(confined / (stock + bare)).toFixed(3)}  (target <= 1.10)`);
    ctx.log(`unconfined with extension / stock    = ${(unconfined / stock).toFixed(3)}  (target 1.00 +- 0.05)`);
    ctx.log(`BENCH GNOME ${ctx.version}: stock ${stock.toFixed(2)} ms, unconfined ${unconfined.toFixed(2)} ms, ` +
        `confined ${confined.toFixed(2)} ms, bare systemd-run ${bare.toFixed(2)} ms`);
}
