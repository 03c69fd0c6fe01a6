// Issue 9, scenario 5: the shipped relaxed profile's MemoryMax=70% becomes a
// memory.max of 70 % of the VM's RAM in the app's unit.
import { assignShippedProfile, installApp, launchApp, memTotal, SCHEMA, stopUnit, unitOf } from '../support/limits.mjs';

export const title = 'percentages of RAM';

export const tests = [
    {
        name: 'relaxed (MemoryMax=70%) gives the unit a memory.max of 70 % of the VM\'s RAM',
        fn: async ctx => {
            const id = await installApp(ctx, 'relaxed', 'idle');
            await assignShippedProfile(ctx, id, 'relaxed');
            let app;
            try {
                app = await launchApp(ctx, id, 'relaxed');
                const { unit, dir } = unitOf(app.cgroup);
                ctx.assert.match(unit, /^app-confine-confine\\x2dvm\\x2drelaxed-[a-z0-9]+\.scope$/);
                const total = await memTotal(ctx);
                const max = Number((await ctx.readFile(`${dir}/memory.max`)).trim());
                const property = Number((await ctx.systemctlShow(unit, ['MemoryMax'])).MemoryMax);
                const expected = total * 0.7;
                ctx.log(`MemTotal ${total} B; memory.max ${max} B = ${(max / total * 100).toFixed(3)} %; MemoryMax ${property}`);
                // systemd scales the physical memory and the kernel rounds down to a page.
                ctx.assert.ok(Math.abs(max - expected) <= 2 * 4096, `memory.max ${max} is 70 % of ${total} (${expected})`);
                ctx.assert.ok(Math.abs(property - max) < 4096, 'the unit\'s MemoryMax is what the kernel enforces');
            } finally {
                await stopUnit(ctx, app && unitOf(app.cgroup).unit);
                await ctx.gsettings('reset', SCHEMA, 'app-profiles');
            }
        },
    },
];
