// Issue 9, scenario 3: CPUQuota=50% holds a busy loop at half a CPU; without a
// profile the same loop gets a whole one.
import { installApp, launchApp, setProfiles, stopUnit, unitOf } from '../support/limits.mjs';

export const title = 'CPUQuota holds a busy loop';

const PROFILE = "'half': {'name': <'VM half CPU'>, 'CPUQuota': <'50%'>}";
const WINDOW_S = 5;

/**
 * Over one WINDOW_S-second window timed inside the VM: the unit's share of one CPU
 * from the user manager's CPUUsageNSec and from its cgroup's cpu.stat, and how
 * often cpu.stat says it was throttled.
 */
async function measure(ctx, unit, dir) {
    const out = await ctx.shOk(`u=${ctx.shellQuote(unit)} f=${ctx.shellQuote(`${dir}/cpu.stat`)}
        stat() { awk -v k="$1" '$1==k{print $2}' "$f"; }
        n0=$(systemctl --user show -P CPUUsageNSec "$u"); u0=$(stat usage_usec); th0=$(stat nr_throttled); t0=$(date +%s%N)
        sleep ${WINDOW_S}
        n1=$(systemctl --user show -P CPUUsageNSec "$u"); u1=$(stat usage_usec); th1=$(stat nr_throttled); t1=$(date +%s%N)
        echo "$((n1 - n0)) $((u1 - u0)) $((th1 - th0)) $((t1 - t0))"`);
    const [unitNs, usageUs, throttled, wallNs] = out.trim().split(' ').map(Number);
    return { unitShare: unitNs / wallNs, share: usageUs * 1000 / wallNs, throttled };
}

export const tests = [
    {
        name: 'CPUQuota=50%: a busy loop gets 50 % ± 10 % of one CPU and is throttled; unconfined it gets a whole CPU',
        fn: async ctx => {
            const confinedId = await installApp(ctx, 'spinner', 'busy');
            const freeId = await installApp(ctx, 'spinner-free', 'busy');
            await setProfiles(ctx, { profiles: [PROFILE], assignments: { [confinedId]: 'half' } });
            let confined, free;
            try {
                confined = await launchApp(ctx, confinedId, 'spinner');
                const { unit, dir } = unitOf(confined.cgroup);
                ctx.assert.match(unit, /^app-confine-confine\\x2dvm\\x2dspinner-[a-z0-9]+\.scope$/);
                const stat = await measure(ctx, unit, dir);
                const share = stat.unitShare;
                ctx.log(`confined: CPUUsageNSec ${(share * 100).toFixed(1)} % of one CPU over ${WINDOW_S} s; ` +
                    `cpu.stat ${(stat.share * 100).toFixed(1)} %, nr_throttled +${stat.throttled}`);
                ctx.assert.ok(Math.abs(share - 0.5) <= 0.1, `50 % ± 10 % of one CPU (got ${(share * 100).toFixed(1)} %)`);
                ctx.assert.ok(stat.throttled > 0, 'cpu.stat nr_throttled rises');
                ctx.assert.equal((await ctx.readFile(`${dir}/cpu.max`)).trim(), '50000 100000', 'cpu.max is 50 ms per 100 ms');
                await stopUnit(ctx, unit);

                free = await launchApp(ctx, freeId, 'spinner-free');
                const freeUnit = unitOf(free.cgroup);
                ctx.assert.doesNotMatch(freeUnit.unit, /^app-confine-/, 'the unassigned app is not confined');
                const freeStat = await measure(ctx, freeUnit.unit, freeUnit.dir);
                ctx.log(`unconfined (${freeUnit.unit}): ${(freeStat.share * 100).toFixed(1)} % of one CPU, nr_throttled +${freeStat.throttled}`);
                ctx.assert.ok(freeStat.share > 0.75, `without a profile the loop gets (nearly) a whole CPU (got ${(freeStat.share * 100).toFixed(1)} %)`);
            } finally {
                await stopUnit(ctx, confined && unitOf(confined.cgroup).unit);
                await stopUnit(ctx, free && unitOf(free.cgroup).unit);
            }
        },
    },
];
