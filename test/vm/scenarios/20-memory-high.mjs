// Issue 9, scenario 2: MemoryHigh=150M holds an app that keeps touching 300 MB
// at the throttle point: alive, memory.current near 150M, memory.events high rising.
import {
    assertShellHealthy, installApp, isAlive, keyedFile, launchApp, setProfiles, stopUnit, unitOf, appState,
} from '../support/limits.mjs';
import { swapOff, swapOn } from '../support/swap.mjs';

// Its waits add up to more than the runner's default 120 s on a slow VM.
export const timeoutMs = 300_000;
export const title = 'MemoryHigh throttles instead of killing';

const PROFILE = "'throttle': {'name': <'VM throttle'>, 'MemoryHigh': <'150M'>}";
const HIGH = 150 * 1024 * 1024;

// Above MemoryHigh the kernel reclaims the unit's memory; an app's own memory
// can only be reclaimed into swap, so the VM gets a zram swap device for this
// scenario (as most desktops have swap), and loses it again afterwards.
export const tests = [
    {
        name: 'MemoryHigh=150M: an app touching 300 MB stays alive, held near 150M, high events rising',
        fn: async ctx => {
            const hogId = await installApp(ctx, 'hog', 'hog', ['300']);
            await setProfiles(ctx, { profiles: [PROFILE], assignments: { [hogId]: 'throttle' } });
            await swapOn(ctx);
            const cursor = await ctx.journalCursor();
            let hog;
            try {
                hog = await launchApp(ctx, hogId, 'hog');
                const { unit, dir } = unitOf(hog.cgroup);
                ctx.assert.match(unit, /^app-confine-confine\\x2dvm\\x2dhog-[a-z0-9]+\.scope$/);
                // Past the allocation: all 300 MB were touched once, and it goes on touching them.
                await ctx.waitFor(async () => (await appState(ctx, 'hog'))?.allocatedMiB, 90_000, 'the hog to touch all its memory once');
                const samples = [];
                for (let i = 0; i < 6; i++) {
                    const current = Number((await ctx.readFile(`${dir}/memory.current`)).trim());
                    const events = await keyedFile(ctx, `${dir}/memory.events`);
                    const cpu = await keyedFile(ctx, `${dir}/cpu.stat`);
                    samples.push({ current, high: events.high, oom_kill: events.oom_kill, cpuUs: cpu.usage_usec });
                    await ctx.sleep(1500);
                }
                ctx.log(`samples (memory.current MiB / memory.events high / CPU s used): ${samples.map(s =>
                    `${(s.current / 1048576).toFixed(0)}/${s.high}/${(s.cpuUs / 1e6).toFixed(1)}`).join(', ')}`);
                ctx.assert.ok(await isAlive(ctx, hog.pid), 'the app is still alive');
                for (const s of samples) {
                    ctx.assert.ok(s.current <= HIGH * 1.15, `memory.current ${s.current} stays near MemoryHigh (${HIGH})`);
                    ctx.assert.equal(s.oom_kill, 0, 'nothing was killed');
                }
                ctx.assert.ok(samples.at(-1).high > samples[0].high, `memory.events high keeps rising (${samples[0].high} → ${samples.at(-1).high})`);
                // Held, not frozen: it keeps running (into reclaim, on this slow VM, more than into its loop).
                ctx.assert.ok(samples.at(-1).cpuUs > samples[0].cpuUs, 'the app keeps running, slowed, not stopped');
                ctx.assert.equal((await ctx.readFile(`${dir}/memory.high`)).trim(), String(HIGH), 'memory.high is the profile\'s 150M');
                await assertShellHealthy(ctx, cursor);
            } finally {
                await stopUnit(ctx, hog && unitOf(hog.cgroup).unit);
                await swapOff(ctx);
            }
        },
    },
];
