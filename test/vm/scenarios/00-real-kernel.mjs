// The VM is what the other scenarios rely on: its own kernel with a unified
// cgroup v2 tree, the user manager delegated memory, cpu and pids, and the
// extension ACTIVE in a real GNOME Shell.
export const title = 'a real kernel with cgroup v2 limits for the user manager';

export const tests = [
    {
        name: 'cgroup v2 with memory, cpu and pids delegated to the user manager',
        fn: async ctx => {
            const fsType = (await ctx.rootShOk('stat -f -c %T /sys/fs/cgroup')).trim();
            ctx.assert.equal(fsType, 'cgroup2fs', '/sys/fs/cgroup is the unified hierarchy');
            const controllers = (await ctx.readFile('/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers')).trim().split(' ');
            for (const c of ['memory', 'cpu', 'pids'])
                ctx.assert.ok(controllers.includes(c), `user@1000.service has the ${c} controller (has: ${controllers.join(' ')})`);
            const kernel = (await ctx.rootShOk('uname -r')).trim();
            const mem = (await ctx.readFile('/proc/meminfo')).match(/^MemTotal:\s+(\d+)/m)[1];
            ctx.log(`kernel ${kernel}, MemTotal ${Math.round(mem / 1024)} MiB, user manager controllers: ${controllers.join(' ')}`);
        },
    },
    {
        name: 'the extension is ACTIVE in GNOME Shell',
        fn: async ctx => {
            const info = await ctx.extensionInfo();
            ctx.assert.equal(info.state, ctx.ExtensionState.ACTIVE, `extension state ${info.state}`);
            ctx.log(`gnome-shell ${(await ctx.shOk('gnome-shell --version')).trim()}`);
        },
    },
];
