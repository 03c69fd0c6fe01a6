// Issue 11 on a real kernel: the profile editor's warning when a typed MemoryMax is
// below what a running app of the profile uses, against the app's real MemoryCurrent.
// The containers have no memory controller, so e2e 50 gives the app a stand-in use;
// here the user manager reports what the Calculator's cgroup holds, and the panel
// (real Gtk and Adw on the VM's shell, test/prefs/running.test.js) must warn with it.
import { assertNoExceptions, cgroupOf, confineUnitPattern } from '../../e2e/support/launcher.mjs';
import { CALCULATOR, runGjs, withRunningCalculator } from '../../e2e/support/prefs.mjs';

export const title = 'profile editor warns against a running app\'s real memory use';
export const timeoutMs = 400_000;

export const tests = [
    {
        name: 'MemoryMax typed below the Calculator\'s memory.current: the warning names its real use',
        fn: async ctx => {
            const cursor = await ctx.journalCursor();
            await withRunningCalculator(ctx, async (env, window) => {
                // A real kernel has the unified hierarchy alone: one line, "0::<path>".
                const cgroup = (await cgroupOf(ctx, window.pid)).replace(/^0::/, '');
                const unit = confineUnitPattern(CALCULATOR, 'service').exec(cgroup)?.[1];
                ctx.assert.ok(unit, `the Calculator runs in the service Confine started (${cgroup})`);
                const current = Number((await ctx.readFile(`/sys/fs/cgroup${cgroup}/memory.current`)).trim());
                ctx.log(`${unit}: memory.current ${(current / 2 ** 20).toFixed(1)} MiB`);
                ctx.assert.ok(current > 0, 'the kernel counts the app\'s memory');
                const out = await runGjs(ctx, `${env} CONFINE_PREFS_TEST_RUNNING=${ctx.shellQuote(unit)} CONFINE_PREFS_TEST_REAL_MEMORY=1`,
                    'lowering MemoryMax');
                const shown = /# the Calculator's MemoryCurrent: (\d+)/.exec(out);
                ctx.assert.ok(shown, 'the panel read a MemoryCurrent');
                ctx.log(`the panel read ${(Number(shown[1]) / 2 ** 20).toFixed(1)} MiB; memory.current read before it ${(current / 2 ** 20).toFixed(1)} MiB`);
                ctx.assert.ok(Math.abs(Number(shown[1]) - current) <= 0.5 * current,
                    'the panel\'s figure is the cgroup\'s (within 50 %: the app runs on between the two reads)');
            }, { timeoutMs: 120_000 });
            await assertNoExceptions(ctx, cursor);
        },
    },
];
