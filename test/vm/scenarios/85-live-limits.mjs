// Issue 11 on a real kernel: a profile edited while its app runs reaches the app's
// unit, and the kernel acts on the new values. Lowering MemoryMax below what the app
// uses makes the kernel reclaim or kill it; raising CPUQuota of a busy app raises its
// measured share of the CPU. Under emulation (TCG) the shell takes seconds for what
// takes milliseconds elsewhere, so the time to reach the cgroup is printed, and only the
// container tier (e2e 49) holds it to a second.
import { SCHEMA, installApp, keyedFile, launchApp, setProfiles, stopUnit, unitOf, unitResult } from '../support/limits.mjs';

export const title = 'live profile edits on a real kernel';
export const timeoutMs = 300_000;

const WINDOW_S = 5;

/** The unit's share of one CPU over WINDOW_S seconds, from its cgroup's cpu.stat, timed inside the VM. */
async function cpuShare(ctx, dir) {
    const out = await ctx.shOk(`f=${ctx.shellQuote(`${dir}/cpu.stat`)}
        u0=$(awk '$1=="usage_usec"{print $2}' "$f"); t0=$(date +%s%N)
        sleep ${WINDOW_S}
        u1=$(awk '$1=="usage_usec"{print $2}' "$f"); t1=$(date +%s%N)
        echo "$((u1 - u0)) $((t1 - t0))"`);
    const [usageUs, wallNs] = out.trim().split(' ').map(Number);
    return usageUs * 1000 / wallNs;
}

/** Waits until the cgroup file `name` of `dir` reads `value`; returns the milliseconds it took. */
async function cgroupValue(ctx, dir, name, value, timeoutMs) {
    const start = Date.now();
    await ctx.waitFor(async () => (await ctx.readFile(`${dir}/${name}`)).trim() === value, timeoutMs, `${name} to read ${value}`);
    return Date.now() - start;
}

export const tests = [
    {
        name: 'MemoryMax lowered below a running app\'s use: the kernel reclaims or kills it',
        fn: async ctx => {
            const appId = await installApp(ctx, 'live-hog', 'hog', ['300']);
            const profile = limit => `'hog': {'name': <'VM live hog'>, 'MemoryMax': <'${limit}'>}`;
            await setProfiles(ctx, { profiles: [profile('600M')], assignments: { [appId]: 'hog' } });
            let unit = null;
            try {
                const launched = await launchApp(ctx, appId, 'live-hog');
                ({ unit } = unitOf(launched.cgroup));
                const { dir } = unitOf(launched.cgroup);
                ctx.assert.match(unit, /^app-confine-/);
                await ctx.waitFor(async () => (await ctx.readFile(`${ctx.home}/.cache/confine-vm/live-hog.json`)).includes('"passes"'),
                    60_000, 'the hog to hold its 300 MiB');
                const before = Number((await ctx.readFile(`${dir}/memory.current`)).trim());
                const eventsBefore = await keyedFile(ctx, `${dir}/memory.events`);
                ctx.log(`before: memory.current ${(before / 2 ** 20).toFixed(0)} MiB under memory.max ${(await ctx.readFile(`${dir}/memory.max`)).trim()}`);
                ctx.assert.ok(before > 250 * 2 ** 20, 'the hog uses more than the coming limit');

                const edited = Date.now();
                await ctx.gsettings('set', SCHEMA, 'profiles', `{${profile('150M')}}`);
                // The kernel can kill the app, and its cgroup goes with it, before memory.max is
                // ever read back: the unit's oom-kill end is then the proof that the limit arrived
                // (the app holds 300 MiB under the 600 MiB it started with, nothing else kills it).
                let lowered = null;
                const acted = await ctx.waitFor(async () => {
                    const result = await unitResult(ctx, unit);
                    if (result === 'oom-kill')
                        return { kind: 'killed', result };
                    const max = (await ctx.readFile(`${dir}/memory.max`).catch(() => '')).trim();
                    if (max !== `${150 * 2 ** 20}`)
                        return null;
                    lowered ??= Date.now() - edited;
                    const events = await keyedFile(ctx, `${dir}/memory.events`).catch(() => null);
                    const current = Number((await ctx.readFile(`${dir}/memory.current`).catch(() => '0')).trim());
                    if (events && (events.oom_kill ?? 0) > (eventsBefore.oom_kill ?? 0))
                        return { kind: 'killed', events };
                    if (current > 0 && current <= 150 * 2 ** 20 && (events?.max ?? 0) > (eventsBefore.max ?? 0))
                        return { kind: 'reclaimed', current, events };
                    return null;
                }, 60_000, 'the kernel to act on the lower limit');
                ctx.log(lowered === null
                    ? 'memory.max was not read back at 150 MiB: the kernel had killed the app first'
                    : `memory.max lowered to 150 MiB ${lowered} ms after the edit (read from the host, an upper bound)`);
                ctx.log(`the kernel ${acted.kind} the app: ${JSON.stringify(acted)}`);
            } finally {
                await stopUnit(ctx, unit);
            }
        },
    },
    {
        name: 'CPUQuota raised for a busy app: its measured CPU share rises with it',
        fn: async ctx => {
            const appId = await installApp(ctx, 'live-spinner', 'busy');
            const profile = quota => `'spin': {'name': <'VM live spinner'>, 'CPUQuota': <'${quota}'>}`;
            await setProfiles(ctx, { profiles: [profile('20%')], assignments: { [appId]: 'spin' } });
            let unit = null;
            try {
                const launched = await launchApp(ctx, appId, 'live-spinner');
                const { dir } = unitOf(launched.cgroup);
                ({ unit } = unitOf(launched.cgroup));
                const low = await cpuShare(ctx, dir);
                await ctx.gsettings('set', SCHEMA, 'profiles', `{${profile('80%')}}`);
                const took = await cgroupValue(ctx, dir, 'cpu.max', '80000 100000', 30_000);
                const high = await cpuShare(ctx, dir);
                ctx.log(`CPUQuota 20 %: ${(low * 100).toFixed(1)} % of one CPU; raised to 80 % (cpu.max after ${took} ms): ` +
                    `${(high * 100).toFixed(1)} %`);
                ctx.assert.ok(Math.abs(low - 0.2) <= 0.1, `20 % ± 10 % before (got ${(low * 100).toFixed(1)} %)`);
                ctx.assert.ok(Math.abs(high - 0.8) <= 0.1, `80 % ± 10 % after (got ${(high * 100).toFixed(1)} %)`);
            } finally {
                await stopUnit(ctx, unit);
            }
        },
    },
];
