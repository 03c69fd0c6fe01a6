// Issue 10: the top-bar menu of running apps. It appears on enable and goes with
// disable; it lists a confined app (with its profile) before an unconfined one; "Stop"
// ends the unit; a profile chosen in the menu is written to app-profiles; and 50
// enable/disable cycles, with the menu open each time, leave nothing behind.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
    RESOURCE_PROFILE, SANDBOX_PROFILE, SCHEMA, assertNoExceptions, closeApp, confineUnitPattern, indicatorJs, resetSettings,
    setEnabled, setProfiles, shellOpenPaths, shellPid, waitForWindow,
} from '../support/launcher.mjs';

export const title = 'running apps indicator';
export const timeoutMs = 240_000;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const EDITOR = 'org.gnome.TextEditor.desktop';
const CALCULATOR = 'org.gnome.Calculator.desktop';
/** A unit named as an app's, of no installed app. */
const probeUnit = n => `app-confinee2eprobe@${n}.service`;

async function indicatorState(ctx) {
    return ctx.evalJs(`(() => {
        const indicator = ${indicatorJs(ctx.uuid)};
        const inPanel = __walk(Main.panel, a => a.constructor.name === 'RunningAppsIndicator').length;
        if (!indicator) return {present: false, inPanel};
        return {present: true, inPanel, mapped: indicator.mapped, open: indicator.menu.isOpen,
            focusable: indicator.can_focus, rect: __rect(indicator)};
    })()`);
}

async function menuRows(ctx) {
    return ctx.evalJs(`(${indicatorJs(ctx.uuid)}?.items ?? []).filter(i => i.visible).map(i => ({
        unit: i.unit.name, name: i.appName, confined: i.unit.confined, caption: i.caption,
        memory: i.memory.text, cpu: i.cpu.text, tasks: i.tasks.text}))`);
}

async function openMenu(ctx) {
    const state = await ctx.waitFor(async () => {
        const s = await indicatorState(ctx);
        return s.present && s.mapped ? s : null;
    }, 10_000, 'the indicator in the top bar');
    if (!state.open)
        await ctx.clickRect(state.rect);
    await ctx.waitFor(async () => (await indicatorState(ctx)).open, 5_000, 'the menu to open');
}

async function closeMenu(ctx) {
    await ctx.evalJs(`${indicatorJs(ctx.uuid)}?.menu.close(); true`);
}

/** The confined unit of the running editor. */
async function launchBoth(ctx) {
    await setProfiles(ctx, { profiles: [RESOURCE_PROFILE, SANDBOX_PROFILE], assignments: { [EDITOR]: 'limits' } });
    await ctx.openOverview();
    const icon = await ctx.waitFor(() => ctx.dashIconRect(EDITOR), 10_000, 'the dash icon of the editor');
    await ctx.clickRect(icon);
    const editor = await waitForWindow(ctx, EDITOR);
    const unit = confineUnitPattern(EDITOR).exec(await ctx.readFile(`/proc/${editor.pid}/cgroup`))?.[1];
    ctx.assert.ok(unit, 'the editor runs confined');
    await ctx.evalJs(`imports.gi.Shell.AppSystem.get_default().lookup_app('${CALCULATOR}').activate(); true`);
    const calculator = await waitForWindow(ctx, CALCULATOR);
    await ctx.hideOverview();
    return { unit, calculatorPid: calculator.pid };
}

/** A PNG of the open menu alone (with a margin), into the artifacts; returns its host path. */
async function shootMenu(ctx, name) {
    const { menu, stage } = await ctx.evalJs(`({menu: __rect(${indicatorJs(ctx.uuid)}.menu.actor),
        stage: {width: global.stage.width, height: global.stage.height}})`);
    const margin = 8;
    const x = Math.max(0, Math.floor(menu.x - margin));
    const y = Math.max(0, Math.floor(menu.y - margin));
    const width = Math.min(stage.width - x, Math.ceil(menu.width + 2 * margin));
    const height = Math.min(stage.height - y, Math.ceil(menu.height + 2 * margin));
    ctx.log(`menu at ${JSON.stringify(menu)}: shot ${x},${y} ${width}x${height}`);
    const inside = `/tmp/${name}.png`;
    const [ok] = await ctx.dbusCall('org.gnome.Shell.Screenshot', '/org/gnome/Shell/Screenshot',
        'org.gnome.Shell.Screenshot', 'ScreenshotArea', 'iiiibs', [x, y, width, height, false, inside]);
    ctx.assert.ok(ok, 'ScreenshotArea');
    const host = path.join(ctx.artifactsDir, `${name}.png`);
    await fs.mkdir(ctx.artifactsDir, { recursive: true });
    await ctx.copyOut(inside, host);
    return host;
}

/** Who the shell is on the session bus: its connections and (where dbus-daemon keeps stats) their match rules. */
async function busFootprint(ctx) {
    const pid = await shellPid(ctx);
    const out = await ctx.shOk(`for name in $(busctl --user list --no-legend --unique | awk '$2 == ${pid} {print $1}'); do
        rules=$(busctl --user call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.Debug.Stats GetConnectionStats s "$name" 2>/dev/null | grep -o '"MatchRules" u [0-9]*' | awk '{print $3}')
        echo "$name \${rules:-?}"
    done`);
    const connections = out.trim().split('\n').filter(Boolean).map(line => line.split(' '));
    const inotify = Number((await ctx.rootShOk(`cat /proc/${pid}/fdinfo/* 2>/dev/null | grep -c '^inotify wd:' || true`)).trim());
    return { connections: connections.length, matchRules: connections.map(([, rules]) => rules).join(','), inotify,
        cgroupFiles: await cgroupFiles(ctx, '') };
}

/** How many files the shell holds open under /sys/fs/cgroup whose path contains `part` (the menu keeps a unit's counter files). */
async function cgroupFiles(ctx, part) {
    return (await shellOpenPaths(ctx)).filter(file => file.startsWith('/sys/fs/cgroup/') && file.includes(part)).length;
}

/** The footprint once garbage is collected and two readings agree. */
async function stableFootprint(ctx) {
    let last = null;
    return ctx.waitFor(async () => {
        await ctx.sleep(1500);
        // Objects of closed apps (their D-Bus action groups) hold match rules until collected.
        await ctx.evalJs('imports.system.gc(); true');
        const now = JSON.stringify(await busFootprint(ctx));
        const settled = now === last;
        last = now;
        return settled ? JSON.parse(now) : null;
    }, 30_000, 'the shell\'s bus footprint to settle');
}

/**
 * The reads the shell's connections ask of the user manager within `ms`: the list of
 * units and GetAll of a unit's properties (the open menu lists on changes and every
 * 10 s, and asks each unit for its limits every 5 s; its counters come from files).
 */
async function systemdReadsWithin(ctx, ms) {
    const pid = await shellPid(ctx);
    const names = (await ctx.shOk(`busctl --user list --no-legend --unique | awk '$2 == ${pid} {print $1}'`)).trim().split('\n').filter(Boolean);
    const out = await ctx.sh(`timeout ${ms / 1000} busctl --user monitor --json=short ` +
        `--match "type='method_call',destination='org.freedesktop.systemd1'" 2>/dev/null`);
    return out.stdout.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line))
        .filter(call => names.includes(call.sender) && ['ListUnitsByPatterns', 'GetAll'].includes(call.member)).length;
}

/** When the open menu last read the figures of `unit` (µs), 0 before it did. */
function sampleTime(ctx, unit) {
    return ctx.evalJs(`${indicatorJs(ctx.uuid)}.items.find(item => item.unit.name === ${JSON.stringify(unit)})?.latest.sample?.timeUs ?? 0`);
}

export const tests = [
    {
        name: 'the indicator appears on enable, is keyboard reachable, and is gone after disable',
        fn: async ctx => {
            const cursor = await ctx.journalCursor();
            const shown = await ctx.waitFor(async () => {
                const s = await indicatorState(ctx);
                return s.present && s.mapped ? s : null;
            }, 10_000, 'the indicator');
            ctx.assert.equal(shown.focusable, true, 'the panel button takes keyboard focus');
            ctx.assert.equal(await systemdReadsWithin(ctx, 6000), 0, 'nothing is read while the menu is closed');
            await setEnabled(ctx, false);
            ctx.assert.deepEqual(await indicatorState(ctx), { present: false, inPanel: 0 });
            await setEnabled(ctx, true);
            ctx.assert.equal((await indicatorState(ctx)).present, true);
            await ctx.gsettings('set', SCHEMA, 'show-indicator', 'false');
            await ctx.waitFor(async () => !(await indicatorState(ctx)).present, 5_000, 'show-indicator false to hide it');
            await ctx.gsettings('set', SCHEMA, 'show-indicator', 'true');
            await ctx.waitFor(async () => (await indicatorState(ctx)).present, 5_000, 'show-indicator true to show it');
            await assertNoExceptions(ctx, cursor);
        },
    },
    {
        name: 'the menu lists the confined app with its profile first, then an unconfined app; Stop ends the unit',
        fn: async ctx => {
            const cursor = await ctx.journalCursor();
            const { unit } = await launchBoth(ctx);
            await openMenu(ctx);
            const rows = await ctx.waitFor(async () => {
                const r = await menuRows(ctx);
                return r.some(row => row.unit === unit) && r.some(row => row.name === 'Calculator') ? r : null;
            }, 10_000, 'both apps in the menu');
            ctx.log(`rows: ${JSON.stringify(rows)}`);
            ctx.assert.equal(rows[0].unit, unit, 'the confined app comes first');
            ctx.assert.equal(rows[0].caption, 'Profile: E2E limits');
            ctx.assert.match(rows[0].memory, / of 300 MiB$/, 'memory against MemoryMax');
            ctx.assert.match(rows[0].cpu, / of 150 %$/, 'CPU against CPUQuota');
            ctx.assert.match(rows[0].tasks, / of 77$/, 'tasks against TasksMax');
            const calculator = rows.find(row => row.name === 'Calculator');
            ctx.assert.equal(calculator.confined, false);
            ctx.assert.equal(calculator.caption, 'Not confined');
            ctx.assert.doesNotMatch(JSON.stringify(rows), /NaN|undefined/);
            // The container has no memory controller: the user manager has no MemoryCurrent.
            const shown = await ctx.systemctlShow(unit, ['MemoryCurrent']);
            if (shown.MemoryCurrent === '[not set]')
                ctx.assert.match(rows[0].memory, /^unknown of /, 'no memory figure is shown as unknown');
            await ctx.sleep(1500);
            await ctx.screenshot(`indicator-screen-${ctx.version}`);
            const host = await shootMenu(ctx, `indicator-menu-${ctx.version}`);
            if (process.env.CONFINE_UPDATE_SCREENSHOTS === '1')
                await fs.copyFile(host, path.join(REPO, 'docs/screenshots/indicator-menu.png'));

            // Expand the editor's row, then "Stop".
            const row = await ctx.evalJs(`__rect(${indicatorJs(ctx.uuid)}.items.find(i => i.unit.name === ${JSON.stringify(unit)}))`);
            await ctx.clickRect(row);
            const stop = await ctx.waitFor(() => ctx.menuItemRect('Stop'), 5_000, 'the Stop item');
            await ctx.clickRect(stop);
            await ctx.waitFor(async () => (await ctx.sh(`systemctl --user is-active ${ctx.shellQuote(unit)}`)).stdout.trim() !== 'active',
                10_000, 'the unit to stop');
            // Activating an item closes the menu, as every shell menu does; open again, the app is gone.
            await openMenu(ctx);
            await ctx.waitFor(async () => !(await menuRows(ctx)).some(r => r.unit === unit), 5_000,
                'the stopped app to leave the menu');
            await closeMenu(ctx);
            await assertNoExceptions(ctx, cursor);
        },
    },
    {
        name: 'a profile chosen in the menu is written to app-profiles',
        fn: async ctx => {
            const cursor = await ctx.journalCursor();
            await openMenu(ctx);
            const row = await ctx.waitFor(() => ctx.evalJs(`(() => {
                const item = ${indicatorJs(ctx.uuid)}.items.find(i => i.appName === 'Calculator');
                return item ? __rect(item) : null;
            })()`), 10_000, 'the calculator row');
            await ctx.clickRect(row);
            const choice = await ctx.waitFor(() => ctx.menuItemRect('E2E sandbox'), 5_000, 'the profile choice');
            await ctx.clickRect(choice);
            await ctx.waitFor(async () => (await ctx.gsettings('get', SCHEMA, 'app-profiles')).includes(`'${CALCULATOR}': 'sandbox'`),
                5_000, 'app-profiles to name the calculator');
            ctx.log(`app-profiles: ${await ctx.gsettings('get', SCHEMA, 'app-profiles')}`);
            await closeMenu(ctx);
            await closeApp(ctx, CALCULATOR);
            await closeApp(ctx, EDITOR).catch(() => {});
            await resetSettings(ctx);
            await assertNoExceptions(ctx, cursor);
        },
    },
    {
        name: '50 enable/disable cycles with the menu open leave no indicator, connection, match rule, monitor or refresh behind',
        fn: async ctx => {
            const cursor = await ctx.journalCursor();
            await setEnabled(ctx, false);
            // Apps closed just before still leave the shell's own match rules: wait until they settle.
            const before = await stableFootprint(ctx);
            await setEnabled(ctx, true);
            const enabled = await busFootprint(ctx);
            ctx.log(`before: ${JSON.stringify(before)}; enabled: ${JSON.stringify(enabled)}`);
            for (let i = 0; i < 50; i++) {
                await ctx.evalJs(`${indicatorJs(ctx.uuid)}.menu.open(); Main.extensionManager.disableExtension('${ctx.uuid}'); Main.extensionManager.enableExtension('${ctx.uuid}'); true`);
            }
            await ctx.evalJs(`${indicatorJs(ctx.uuid)}.menu.open(); true`);
            try {
                // The open menu lists the units again when one starts or goes (the user manager's
                // signals), not each second: an app unit started now gets a row, and loses it when stopped.
                await ctx.shOk(`systemd-run --user --unit=${probeUnit(1)} sleep 600`);
                const first = await ctx.waitFor(async () => await sampleTime(ctx, probeUnit(1)) || null, 3_000,
                    'the row of an app unit started while the menu is open');
                await ctx.waitFor(async () => await sampleTime(ctx, probeUnit(1)) >= first + 1_500_000, 5_000, 'the row refreshed twice');
                ctx.assert.ok(await systemdReadsWithin(ctx, 6000) >= 1, 'the open menu asks the user manager at times');
                // As many as its cgroup has of memory.current, cpu.stat and pids.current: all three on a
                // cgroup v2 host, fewer or none where the container's host keeps controllers elsewhere.
                const cgroup = `/sys/fs/cgroup${(await ctx.shOk(`systemctl --user show -p ControlGroup --value ${probeUnit(1)}`)).trim()}`;
                const present = Number((await ctx.shOk(`cd '${cgroup}' 2>/dev/null && ls memory.current cpu.stat pids.current 2>/dev/null | wc -l || echo 0`)).trim());
                // Waited for: when the limits are read again (each 5 s) the files are opened anew and
                // the old ones closed after, so for a moment both are open.
                let kept = null;
                await ctx.waitFor(async () => (kept = await cgroupFiles(ctx, probeUnit(1))) === present, 3_000,
                    `the shell to hold ${present} counter files of the unit open`).catch(error => {
                    throw new Error(`${error.message}: it holds ${kept}`);
                });
                ctx.log(`counter files of ${probeUnit(1)}: ${present} in its cgroup, as many kept open by the shell while its row shows`);
                await ctx.shOk(`systemctl --user stop ${probeUnit(1)}`);
                await ctx.waitFor(async () => await sampleTime(ctx, probeUnit(1)) === 0, 3_000, 'the row gone with its unit');
                await ctx.waitFor(async () => await cgroupFiles(ctx, probeUnit(1)) === 0, 3_000, 'its counter files closed');
                // A unit that runs on would be read after disable if a refresh were left behind.
                await ctx.shOk(`systemd-run --user --unit=${probeUnit(2)} sleep 600`);
                await ctx.waitFor(async () => await sampleTime(ctx, probeUnit(2)) || null, 3_000, 'the row of another');
                await setEnabled(ctx, false);
                const after = await stableFootprint(ctx);
                ctx.log(`after 50 cycles and disable: ${JSON.stringify(after)}`);
                ctx.assert.deepEqual(await indicatorState(ctx), { present: false, inPanel: 0 });
                ctx.assert.deepEqual(after, before, 'the same connections, match rules, inotify watches and cgroup files as before');
                ctx.assert.equal(await systemdReadsWithin(ctx, 6000), 0, 'no refresh runs after disable');
            } finally {
                await ctx.sh(`systemctl --user stop '${probeUnit('*')}'`);
            }
            await setEnabled(ctx, true);
            await assertNoExceptions(ctx, cursor);
            // Destroyed with its menu open, the indicator's menu must not be laid out afterwards
            // (the shell's BoxPointer then logs "this.bin is undefined", outside the extension's code).
            const disposed = (await ctx.journal({ cursor })).split('\n').filter(line => /this\.bin is undefined|BoxPointer.*already disposed/.test(line));
            ctx.assert.deepEqual(disposed.slice(0, 3), [], 'no disposed menu is laid out after disable');
        },
    },
];
