// Issue 9, scenario 1: an app under MemoryMax=200M that allocates 1 GiB is
// killed by the kernel inside its own unit; the shell and other apps go on.
import {
    assertShellHealthy, installApp, isAlive, kernelLog, latencySummary, launchApp, setProfiles, shellLatency,
    stopUnit, unitOf, unitResult,
} from '../support/limits.mjs';

// Its waits add up to more than the runner's default 120 s on a slow VM.
export const timeoutMs = 300_000;
export const title = 'a memory bomb dies alone in its unit';

const PROFILE = "'bomb': {'name': <'VM memory bomb'>, 'MemoryMax': <'200M'>}";

export const tests = [
    {
        name: 'MemoryMax=200M: a 1 GiB allocation is oom-killed in its unit, the shell stays responsive',
        fn: async ctx => {
            const bystanderId = await installApp(ctx, 'bystander', 'idle');
            const bombId = await installApp(ctx, 'bomb', 'bomb', ['1024']);
            await setProfiles(ctx, { profiles: [PROFILE], assignments: { [bombId]: 'bomb' } });
            const bystander = await launchApp(ctx, bystanderId, 'bystander');
            const cursor = await ctx.journalCursor();
            let bomb;
            try {
                const rest = await shellLatency(ctx, 5000);
                // The probe runs while the bomb is launched, allocates and is killed.
                const probe = shellLatency(ctx, 9000);
                await ctx.sleep(2000);
                const launched = Date.now();
                bomb = await launchApp(ctx, bombId, 'bomb');
                const { unit, cgroup } = unitOf(bomb.cgroup);
                ctx.assert.match(unit, /^app-confine-confine\\x2dvm\\x2dbomb-[a-z0-9]+\.scope$/, 'the bomb runs in its Confine scope');
                await ctx.waitFor(async () => !(await isAlive(ctx, bomb.pid)), 60_000, 'the bomb to be killed');
                const ended = Date.now();
                const during = await probe;

                const last = (await ctx.readFile(`${ctx.home}/.cache/confine-vm/bomb.json`).then(JSON.parse));
                ctx.assert.ok(!last.done, `the bomb did not get its 1 GiB (got ${last.allocatedMiB ?? 0} MiB)`);
                ctx.assert.ok((last.allocatedMiB ?? 0) <= 200, `it was stopped at the limit (${last.allocatedMiB} MiB allocated)`);
                const result = await ctx.waitFor(() => unitResult(ctx, unit), 15_000, `the result of ${unit}`);
                ctx.assert.equal(result, 'oom-kill', `${unit} ended with Result=oom-kill`);
                // journald reads the kernel's log on its own schedule: the unit's Result can come first.
                const kills = await ctx.waitFor(async () => {
                    const lines = await kernelLog(ctx, `oom_memcg=${cgroup}`);
                    return lines.length ? lines : null;
                }, 15_000, `the kernel's OOM kill of ${cgroup} in the journal`).catch(() => []);
                ctx.assert.ok(kills.length > 0, `the kernel's OOM kill names the unit's own cgroup as the limit (${cgroup})`);

                ctx.assert.ok(await isAlive(ctx, bystander.pid), 'the other app keeps running');
                await assertShellHealthy(ctx, cursor);
                ctx.log(`bomb: ${last.allocatedMiB} MiB allocated before the kill, ${unit} Result=${result}`);
                ctx.log(`kernel: ${kills[0].trim().slice(0, 220)}`);
                ctx.log(`shell Eval round trips at rest:           ${latencySummary(rest)}`);
                ctx.log(`shell Eval round trips around the bomb:   ${latencySummary(during)} (bomb alive ${((ended - launched) / 1000).toFixed(1)} s)`);
            } finally {
                await stopUnit(ctx, bystander.cgroup && unitOf(bystander.cgroup).unit);
            }
        },
    },
];
