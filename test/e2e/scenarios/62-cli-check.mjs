// Issue 12: `confine check PROFILE` probes a unit made as a launch makes it and says
// honestly what takes effect here: in this container's cgroup tree limits are recorded
// but not enforced, while the sandbox options are.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const title = 'confine check: what of a profile takes effect on this machine';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCHEMA = 'org.gnome.shell.extensions.confine';
const CONFINE = '/usr/local/bin/confine';
const NOT_IN_EFFECT = 125;
const PROFILES = "{'home-tmpfs': {'name': <'E2E home tmpfs'>, 'ProtectHome': <'tmpfs'>}, " +
    "'home-hidden': {'name': <'E2E home hidden'>, 'ProtectHome': <'yes'>}}";

async function check(ctx, profile) {
    await ctx.copyIn(path.join(REPO, 'dist/cli/confine'), CONFINE, { owner: 'root', mode: 0o755 });
    // As from a terminal of the session: the display is named in the environment.
    const r = await ctx.sh(`WAYLAND_DISPLAY=wayland-0 ${CONFINE} check ${profile}`, { timeoutMs: 60_000 });
    ctx.log(`$ confine check ${profile} -> ${r.code}\n${r.stdout}${r.stderr}`);
    ctx.assert.doesNotMatch(r.stderr, /Gjs-|GLib-CRITICAL|JS ERROR/);
    const rows = new Map(r.stdout.split('\n').slice(2).map(line => {
        const [property, ...rest] = line.split(/\s{2,}/);
        return [property, rest.join('  ')];
    }));
    return { ...r, rows };
}

export const tests = [
    {
        name: 'confine check strict: limits honestly not enforced here, sandbox options in effect, exit 125',
        fn: async ctx => {
            await ctx.gsettings('reset', SCHEMA, 'profiles');
            const r = await check(ctx, 'strict');
            ctx.assert.match(r.stdout, /^Profile "Strict" \(strict\), probed in app-confine-confine\\x2dcheck@[a-z0-9]+\.service$/m);
            ctx.assert.match(r.stdout, /^PROPERTY\s+ASKED\s+ON THIS MACHINE$/m);
            ctx.assert.match(r.rows.get('MemoryMax'), /^70%\s+recorded but not enforced here: (no memory controller|cgroup v1|the memory controller is not delegated)/);
            ctx.assert.match(r.rows.get('CPUQuota'), /^100%\s+recorded but not enforced here: /);
            ctx.assert.match(r.rows.get('NoNewPrivileges'), /NoNewPrivs is 1$/);
            ctx.assert.match(r.rows.get('PrivateTmp'), /a private \/tmp$/);
            ctx.assert.match(r.rows.get('Session bus'), /reachable$/);
            ctx.assert.equal(r.code, NOT_IN_EFFECT, 'limits that are not enforced fail the check');
        },
    },
    {
        name: 'ProtectHome: tmpfs hides home and keeps the display; yes hides the display too',
        fn: async ctx => {
            await ctx.gsettings('set', SCHEMA, 'profiles', PROFILES);
            try {
                const tmpfs = await check(ctx, 'home-tmpfs');
                ctx.assert.match(tmpfs.rows.get('ProtectHome'), /^tmpfs\s+home is hidden$/);
                ctx.assert.match(tmpfs.rows.get('Wayland display'), /^-\s+reachable$/);
                ctx.assert.match(tmpfs.rows.get('Session bus'), /^-\s+reachable$/);
                ctx.assert.equal(tmpfs.code, 0);
                const hidden = await check(ctx, 'home-hidden');
                ctx.assert.match(hidden.rows.get('ProtectHome'), /^yes\s+home is hidden$/);
                ctx.assert.match(hidden.rows.get('Wayland display'), /NOT reachable/);
                ctx.assert.match(hidden.rows.get('Session bus'), /NOT reachable/);
            } finally {
                await ctx.gsettings('reset', SCHEMA, 'profiles');
            }
        },
    },
];
