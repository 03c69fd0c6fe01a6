// Issue 9, scenario 6: the shipped strict profile on a real kernel: the app runs
// with no_new_privs and a /tmp of its own, and its limits are in its cgroup.
import { appState, assignShippedProfile, installApp, launchApp, memTotal, SCHEMA, stopUnit, unitOf } from '../support/limits.mjs';

export const title = 'the strict profile on a real kernel';

export const tests = [
    {
        name: 'strict: NoNewPrivs 1, a private /tmp, memory.max 70 % and cpu.max one CPU in its service',
        fn: async ctx => {
            const id = await installApp(ctx, 'strict', 'probe');
            await assignShippedProfile(ctx, id, 'strict');
            // Something of the VM's own /tmp that the app must not see.
            await ctx.shOk('echo outside > /tmp/confine-vm-outside');
            let app;
            try {
                app = await launchApp(ctx, id, 'strict');
                // The first record is written at start; the probe's findings come in a second one.
                app = await ctx.waitFor(async () => {
                    const s = await appState(ctx, 'strict');
                    return s && 'noNewPrivs' in s ? s : null;
                }, 30_000, 'the probe\'s findings');
                const { unit, dir } = unitOf(app.cgroup);
                ctx.assert.match(unit, /^app-confine-confine\\x2dvm\\x2dstrict@[a-z0-9]+\.service$/, 'a sandbox profile runs as a service');
                const status = await ctx.readFile(`/proc/${app.pid}/status`);
                ctx.assert.match(status, /^NoNewPrivs:\s+1$/m, 'the kernel holds the app to no_new_privs');
                ctx.assert.equal(app.noNewPrivs, 1, 'the app itself reads NoNewPrivs: 1');
                ctx.assert.deepEqual(app.tmpEntries, [app.tmpMarker.replace('/tmp/', '')], 'the app\'s /tmp holds only what it wrote');
                const outside = await ctx.rootSh(`test -e ${ctx.shellQuote(app.tmpMarker)}`);
                ctx.assert.notEqual(outside.code, 0, 'what the app wrote to /tmp is not in the VM\'s /tmp');
                const max = Number((await ctx.readFile(`${dir}/memory.max`)).trim());
                ctx.assert.ok(Math.abs(max - await memTotal(ctx) * 0.7) <= 2 * 4096, `memory.max ${max} is 70 % of RAM`);
                ctx.assert.equal((await ctx.readFile(`${dir}/cpu.max`)).trim(), '100000 100000', 'CPUQuota=100% is one CPU');
                ctx.log(`${unit}: NoNewPrivs 1, /tmp ${JSON.stringify(app.tmpEntries)}, memory.max ${max}`);
            } finally {
                await stopUnit(ctx, app && unitOf(app.cgroup).unit);
                await ctx.gsettings('reset', SCHEMA, 'app-profiles');
                await ctx.sh('rm -f /tmp/confine-vm-outside');
            }
        },
    },
];
