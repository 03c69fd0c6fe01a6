// Issue 4, acceptance 7: a hostile Exec line (quotes, spaces, %%, %U) and a
// Terminal=true entry reach the app with exactly the argv of a stock launch.
import {
    RESOURCE_PROFILE, SANDBOX_PROFILE, callApp, confineUnitPattern, installRecorder, readRecord, setProfiles,
    writeDesktopFile, RECORDER, assertNoExceptions, clearConfineNotifications, confineNotifications,
} from '../support/launcher.mjs';

export const title = 'Exec lines and Terminal=true keep their argv under confinement';

const ARGV_APP = 'confine-e2e-argv.desktop';
const TERMINAL_APP = 'confine-e2e-terminal.desktop';
const DOLLAR_APP = 'confine-e2e-dollar.desktop';
const GPU_APP = 'confine-e2e-gpu.desktop';
const TERMINAL_ENTRY = ['Name=Confine Terminal', 'Terminal=true', `Exec=${RECORDER} term "a b" 50%% %U`];
// Issue 12, item 4: systemd expands $VAR, ${VAR} and $$ in a unit's command unless told not to.
const DOLLAR_EXEC = `${RECORDER} dollar $HOME '\${X}' '$$' "a \\\\$USER b" x$1$`;
const HOSTILE_EXEC = `${RECORDER} TAG "two words" 'single quoted' "dq \\\\"inner\\\\" \\\\$HOME" 100%% ; %U`;

async function launchBoth(ctx, desktopId, tag, profile = 'limits') {
    await setProfiles(ctx, {profiles: [RESOURCE_PROFILE], assignments: {}});
    await callApp(ctx, desktopId, 'app.launch(0, -1, Shell.AppLaunchGpu.APP_PREF)');
    const stock = await readRecord(ctx, `${tag}`);
    await ctx.sh('rm -rf ~/records');
    if (desktopId === TERMINAL_APP) {
        // kgx is a single instance: while the stock launch's Console still runs,
        // a second launch hands its command to that Console, whose tab is not in
        // the confined unit. It quits by itself once the command has ended.
        await ctx.waitFor(async () => (await ctx.sh('pgrep -x kgx')).code !== 0, 15_000, 'the stock Console to quit')
            .catch(() => ctx.sh('pkill -x kgx; sleep 1'));
    }
    await setProfiles(ctx, {profiles: [RESOURCE_PROFILE, SANDBOX_PROFILE], assignments: {[desktopId]: profile}});
    const cursor = await ctx.journalCursor();
    await callApp(ctx, desktopId, 'app.launch(0, -1, Shell.AppLaunchGpu.APP_PREF)');
    const confined = await readRecord(ctx, `${tag}`);
    await assertNoExceptions(ctx, cursor);
    return {stock, confined};
}

export const tests = [
    {
        name: 'quotes, spaces, %% and %U',
        fn: async ctx => {
            // GLib hides entries whose Exec program does not exist, so the recorder comes first.
            await installRecorder(ctx);
            await writeDesktopFile(ctx, ARGV_APP, ['Name=Confine Argv', `Exec=${HOSTILE_EXEC.replace('TAG', 'argv')}`]);
            const {stock, confined} = await launchBoth(ctx, ARGV_APP, 'argv');
            ctx.log(`stock argv ${JSON.stringify(stock.argv)}; confined argv ${JSON.stringify(confined.argv)}`);
            ctx.assert.deepEqual(stock.argv, ['two words', 'single quoted', 'dq "inner" $HOME', '100%', ';']);
            ctx.assert.deepEqual(confined.argv, stock.argv, 'the confined app gets the stock argv');
            // The stock launch moves the PID into its scope only after spawning it, so a
            // quick first line may still run in the shell's cgroup; the confined one cannot.
            ctx.assert.match(confined.cgroup, confineUnitPattern(ARGV_APP));
        },
    },
    ...[['limits', 'scope'], ['sandbox', 'service']].map(([profile, type]) => ({
        name: `words with $, \${} and $$ in a ${type}`,
        fn: async ctx => {
            await installRecorder(ctx);
            await writeDesktopFile(ctx, DOLLAR_APP, ['Name=Confine Dollar', `Exec=${DOLLAR_EXEC}`]);
            const {stock, confined} = await launchBoth(ctx, DOLLAR_APP, 'dollar', profile);
            ctx.log(`stock argv ${JSON.stringify(stock.argv)}; confined argv ${JSON.stringify(confined.argv)}`);
            ctx.assert.deepEqual(stock.argv, ['$HOME', '${X}', '$$', 'a $USER b', 'x$1$']);
            ctx.assert.deepEqual(confined.argv, stock.argv, 'the confined app gets the stock argv');
            ctx.assert.match(confined.cgroup, confineUnitPattern(DOLLAR_APP, type));
        },
    })),
    // Issue 12, item 7: "Launch using Discrete GPU" hands switcheroo-control's variables to a
    // service too (the container has no switcheroo-control: the shell's proxy is replaced by one
    // that reports a discrete GPU, and put back after).
    ...[['limits', 'scope'], ['sandbox', 'service']].map(([profile, type]) => ({
        name: `the discrete GPU's environment reaches a ${type}`,
        fn: async ctx => {
            await installRecorder(ctx);
            await writeDesktopFile(ctx, GPU_APP, ['Name=Confine GPU', `Exec=${RECORDER} gpu`]);
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE, SANDBOX_PROFILE], assignments: {[GPU_APP]: profile}});
            await ctx.evalJs(`(() => {
                const GLib = imports.gi.GLib;
                const gpus = new GLib.Variant('aa{sv}', [
                    {Name: new GLib.Variant('s', 'integrated'), Default: new GLib.Variant('b', true), Environment: new GLib.Variant('as', [])},
                    {Name: new GLib.Variant('s', 'discrete'), Default: new GLib.Variant('b', false),
                        Environment: new GLib.Variant('as', ['DRI_PRIME', 'pci-0000_01_00_0'])},
                ]);
                global.get_switcheroo_control = () => ({get_cached_property: name => name === 'GPUs' ? gpus : null});
                return true;
            })()`);
            try {
                await callApp(ctx, GPU_APP, 'app.launch(0, -1, Shell.AppLaunchGpu.DISCRETE)');
                const record = await readRecord(ctx, 'gpu');
                ctx.log(`recorded ${JSON.stringify(record)}`);
                ctx.assert.match(record.cgroup, confineUnitPattern(GPU_APP, type));
                ctx.assert.equal(record.gpu, 'pci-0000_01_00_0', 'DRI_PRIME reached the app');
            } finally {
                await ctx.evalJs('delete global.get_switcheroo_control; typeof global.get_switcheroo_control === "function"');
            }
        },
    })),
    {
        name: 'Terminal=true',
        fn: async ctx => {
            await installRecorder(ctx);
            await writeDesktopFile(ctx, TERMINAL_APP, TERMINAL_ENTRY);
            const {stock, confined} = await launchBoth(ctx, TERMINAL_APP, 'term');
            ctx.log(`stock ${JSON.stringify(stock)}; confined ${JSON.stringify(confined)}`);
            ctx.assert.deepEqual(stock.argv, ['a b', '50%']);
            ctx.assert.deepEqual(confined.argv, stock.argv);
            // Issue 12, item 2: a service on a pty, so the terminal cannot take the app into a scope of its own.
            ctx.assert.match(confined.cgroup, confineUnitPattern(TERMINAL_APP, 'service'));
            ctx.assert.match(confined.stdin, /^\/dev\/pts\/\d+$/, 'the app has a terminal');
            await ctx.sh('pkill -x kgx || true');
        },
    },
    // Issue 12, item 2: with a terminal window already open, the terminal's client hands the
    // command over and exits at once. That is no failed launch: no second, unconfined start, no
    // false "was not started" under refuse, and the app stays in our unit, not in the terminal's.
    ...[['limits', 'launch-unconfined'], ['limits', 'refuse'], ['sandbox', 'refuse']].map(([profile, onFailure]) => ({
        name: `Terminal=true with the terminal already open: once, confined (${profile}, ${onFailure})`,
        fn: async ctx => {
            await installRecorder(ctx);
            await writeDesktopFile(ctx, TERMINAL_APP, TERMINAL_ENTRY);
            await setProfiles(ctx, {profiles: [RESOURCE_PROFILE, SANDBOX_PROFILE],
                assignments: {[TERMINAL_APP]: profile}, onFailure});
            await clearConfineNotifications(ctx);
            await ctx.sh('pkill -x kgx || true');
            await ctx.evalJs('imports.gi.GLib.spawn_command_line_async("kgx -- sleep 600"); true');
            await ctx.waitFor(async () => (await ctx.sh('pgrep -x sleep')).code === 0, 15_000, 'the terminal to run');
            const cursor = await ctx.journalCursor();
            await callApp(ctx, TERMINAL_APP, 'app.launch(0, -1, Shell.AppLaunchGpu.APP_PREF)');
            const confined = await readRecord(ctx, 'term');
            // Long enough for a fallback launch or the 15 s timeout's notification to show.
            await ctx.sleep(17_000);
            const starts = (await ctx.readFile(`${ctx.home}/records/term.started`)).trim().split('\n');
            const notifications = await confineNotifications(ctx);
            ctx.log(`confined ${JSON.stringify(confined)}; starts ${starts.length}; notifications ${JSON.stringify(notifications)}`);
            ctx.assert.equal(starts.length, 1, 'the app was started once');
            ctx.assert.match(confined.cgroup, confineUnitPattern(TERMINAL_APP, 'service'));
            ctx.assert.match(confined.stdin, /^\/dev\/pts\/\d+$/, 'the app has a terminal');
            ctx.assert.deepEqual(notifications.filter(n => /not started|without confinement/.test(n.title)), [],
                'no failure was reported');
            await assertNoExceptions(ctx, cursor);
            await ctx.sh('pkill -x kgx || true');
        },
    })),
];
