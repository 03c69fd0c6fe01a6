// Issue 9, scenario 4: TasksMax=32 stops a fork loop at 32 tasks; the shell is unaffected.
import { assertShellHealthy, installApp, keyedFile, launchApp, setProfiles, stopUnit, unitOf, appState } from '../support/limits.mjs';

export const title = 'TasksMax stops a fork loop';

const PROFILE = "'few': {'name': <'VM few tasks'>, 'TasksMax': <uint32 32>}";

export const tests = [
    {
        name: 'TasksMax=32: forks fail with EAGAIN at 32 tasks, the shell is unaffected',
        fn: async ctx => {
            const id = await installApp(ctx, 'forker', 'forks');
            await setProfiles(ctx, { profiles: [PROFILE], assignments: { [id]: 'few' } });
            const cursor = await ctx.journalCursor();
            let forker;
            try {
                forker = await launchApp(ctx, id, 'forker');
                const { unit, dir } = unitOf(forker.cgroup);
                ctx.assert.match(unit, /^app-confine-confine\\x2dvm\\x2dforker-[a-z0-9]+\.scope$/);
                const last = await ctx.waitFor(async () => {
                    const s = await appState(ctx, 'forker');
                    return s && 'tasks' in s ? s : null;
                }, 60_000, 'the fork loop to stop');
                const events = await keyedFile(ctx, `${dir}/pids.events`);
                const current = Number((await ctx.readFile(`${dir}/pids.current`)).trim());
                ctx.log(`${last.children} children forked, then ${last.error}; pids.current ${current}, pids.events max ${events.max}`);
                ctx.assert.equal(last.error, 'EAGAIN', 'the 33rd task is refused with EAGAIN');
                ctx.assert.equal(last.tasks, 32, 'the unit holds exactly 32 tasks when forks start failing');
                ctx.assert.ok(events.max >= 1, 'pids.events counts the refused forks');
                ctx.assert.equal((await ctx.readFile(`${dir}/pids.max`)).trim(), '32');
                // The shell still launches and answers while the unit sits at its limit.
                ctx.assert.equal(await ctx.evalJs('1 + 1'), 2);
                await assertShellHealthy(ctx, cursor);
            } finally {
                await stopUnit(ctx, forker && unitOf(forker.cgroup).unit);
            }
        },
    },
];
