// Issue 9, scenario 7: `confine run` under the same memory and CPU profiles:
// the command is killed or throttled the same way, and confine's exit status
// is the one the README documents (128+9 for a scope's command killed by SIGKILL).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { APP, appState, setProfiles, unitOf, unitResult } from '../support/limits.mjs';

export const title = 'confine run on a real kernel';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CONFINE = '/usr/local/bin/confine';
const PROFILES = [
    "'bomb': {'name': <'VM memory bomb'>, 'MemoryMax': <'200M'>}",
    "'half': {'name': <'VM half CPU'>, 'CPUQuota': <'50%'>}",
];

export const tests = [
    {
        name: 'confine run --profile bomb: the command is oom-killed and confine exits 137',
        fn: async ctx => {
            await ctx.copyIn(path.join(REPO, 'dist/cli/confine'), CONFINE, { owner: 'root', mode: 0o755 });
            await setProfiles(ctx, { profiles: PROFILES });
            await ctx.sh(`rm -f ${ctx.home}/.cache/confine-vm/cli-bomb.json`);
            const r = await ctx.sh(`${CONFINE} run --profile bomb -- ${APP} cli-bomb bomb 1024`, { timeoutMs: 120_000 });
            const last = await appState(ctx, 'cli-bomb');
            ctx.log(`confine exited ${r.code} after ${last?.allocatedMiB ?? 0} MiB; stderr: ${r.stderr.trim().slice(0, 200)}`);
            ctx.assert.equal(r.code, 137, 'confine exits 128+9: its command was killed by SIGKILL');
            ctx.assert.ok(last && !last.done && (last.allocatedMiB ?? 0) <= 200, 'the command was stopped at 200M');
            const { unit } = unitOf(last.cgroup);
            ctx.assert.match(unit, /^app-confine-confine\\x2dvm\\x2dapp-[a-z0-9]+\.scope$/);
            const result = await ctx.waitFor(() => unitResult(ctx, unit), 15_000, `the result of ${unit}`);
            ctx.assert.equal(result, 'oom-kill', `${unit} ended with Result=oom-kill`);
        },
    },
    {
        name: 'confine run --profile half: the command gets 50 % ± 10 % of one CPU',
        fn: async ctx => {
            await ctx.copyIn(path.join(REPO, 'dist/cli/confine'), CONFINE, { owner: 'root', mode: 0o755 });
            await setProfiles(ctx, { profiles: PROFILES });
            const r = await ctx.sh(`${CONFINE} run --profile half -- ${APP} cli-spin spin 5`, { timeoutMs: 120_000 });
            ctx.assert.equal(r.code, 0, `confine exits with the command's 0 (${r.stderr.trim()})`);
            const confined = await appState(ctx, 'cli-spin');
            ctx.assert.match(unitOf(confined.cgroup).unit, /^app-confine-confine\\x2dvm\\x2dapp-[a-z0-9]+\.scope$/);
            const free = await ctx.shOk(`${APP} cli-spin-free spin 5 && cat ~/.cache/confine-vm/cli-spin-free.json`, { timeoutMs: 120_000 })
                .then(JSON.parse);
            ctx.log(`confined: ${(confined.cpuShare * 100).toFixed(1)} % of one CPU over ${confined.wallSeconds.toFixed(1)} s; ` +
                `without confine: ${(free.cpuShare * 100).toFixed(1)} %`);
            ctx.assert.ok(Math.abs(confined.cpuShare - 0.5) <= 0.1, `50 % ± 10 % (got ${(confined.cpuShare * 100).toFixed(1)} %)`);
            ctx.assert.ok(free.cpuShare > 0.75, 'without confine the same loop gets (nearly) a whole CPU');
        },
    },
];
