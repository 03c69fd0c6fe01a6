// Issue 12: `confine check` on a real kernel with cpu, memory and pids delegated to the
// user manager: the probe finds memory, CPU and task limits in its unit's cgroup files.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { setProfiles } from '../support/limits.mjs';

export const title = 'confine check on a real kernel';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CONFINE = '/usr/local/bin/confine';
const PROFILES = [
    "'checked': {'name': <'VM checked'>, 'MemoryMax': <'300M'>, 'CPUQuota': <'50%'>, 'TasksMax': <uint32 64>, " +
        "'NoNewPrivileges': <true>, 'PrivateTmp': <true>}",
    "'checked-scope': {'name': <'VM checked scope'>, 'MemoryMax': <'300M'>, 'CPUQuota': <'50%'>, 'TasksMax': <uint32 64>}",
];

export const tests = [
    ...[['checked', 'service'], ['checked-scope', 'scope']].map(([profile, type]) => ({
        name: `confine check ${profile} (${type}): memory, CPU and tasks read "enforced"`,
        fn: async ctx => {
            await ctx.copyIn(path.join(REPO, 'dist/cli/confine'), CONFINE, { owner: 'root', mode: 0o755 });
            await setProfiles(ctx, { profiles: PROFILES });
            const r = await ctx.sh(`${CONFINE} check ${profile}`, { timeoutMs: 120_000 });
            ctx.log(`$ confine check ${profile} -> ${r.code}\n${r.stdout}${r.stderr}`);
            ctx.assert.match(r.stdout, new RegExp(`probed in app-confine-confine\\\\x2dcheck[-@][a-z0-9]+\\.${type}$`, 'm'));
            ctx.assert.match(r.stdout, /^MemoryMax\s+300M\s+enforced: memory\.max = 314572800$/m);
            ctx.assert.match(r.stdout, /^CPUQuota\s+50%\s+enforced: cpu\.max = 50000 100000$/m);
            ctx.assert.match(r.stdout, /^TasksMax\s+64\s+enforced: pids\.max = 64$/m);
            if (type === 'service') {
                ctx.assert.match(r.stdout, /^NoNewPrivileges\s+yes\s+NoNewPrivs is 1$/m);
                ctx.assert.match(r.stdout, /^PrivateTmp\s+yes\s+a private \/tmp$/m);
            }
            ctx.assert.equal(r.code, 0, 'everything the profile asks for is in effect');
        },
    })),
];
