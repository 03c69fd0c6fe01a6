// Issue 4, acceptance 7: a hostile Exec line (quotes, spaces, %%, %U) and a
// Terminal=true entry reach the app with exactly the argv of a stock launch.
import {
    RESOURCE_PROFILE, SANDBOX_PROFILE, callApp, confineUnitPattern, installRecorder, readRecord, setProfiles,
    writeDesktopFile, RECORDER, assertNoExceptions,
} from '../support/launcher.mjs';

export const title = 'Exec lines and Terminal=true keep their argv under confinement';

const ARGV_APP = 'confine-e2e-argv.desktop';
const TERMINAL_APP = 'confine-e2e-terminal.desktop';
const DOLLAR_APP = 'confine-e2e-dollar.desktop';
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
    {
        name: 'Terminal=true',
        fn: async ctx => {
            await installRecorder(ctx);
            await writeDesktopFile(ctx, TERMINAL_APP, ['Name=Confine Terminal', 'Terminal=true',
                `Exec=${RECORDER} term "a b" 50%% %U`]);
            const {stock, confined} = await launchBoth(ctx, TERMINAL_APP, 'term');
            ctx.log(`stock ${JSON.stringify(stock)}; confined ${JSON.stringify(confined)}`);
            ctx.assert.deepEqual(stock.argv, ['a b', '50%']);
            ctx.assert.deepEqual(confined.argv, stock.argv);
            ctx.assert.match(confined.cgroup, confineUnitPattern(TERMINAL_APP));
            await ctx.sh('pkill -x kgx || true');
        },
    },
];
