// Shared steps of the launcher scenarios (issue 4): profiles in GSettings, and
// checks that a launched app runs inside the unit its profile asks for.

export const SCHEMA = 'org.gnome.shell.extensions.confine';

/** The profile of the acceptance criteria, as GVariant text. */
export const RESOURCE_PROFILE = "'limits': {'name': <'E2E limits'>, 'MemoryMax': <'300M'>, " +
    "'CPUQuota': <'150%'>, 'TasksMax': <uint32 77>, 'CPUWeight': <'50'>}";
export const SANDBOX_PROFILE = "'sandbox': {'name': <'E2E sandbox'>, 'MemoryMax': <'400M'>, " +
    "'NoNewPrivileges': <true>, 'PrivateTmp': <true>}";

/** systemctl show values that the resource profile must produce. */
export const RESOURCE_EXPECTED = {
    MemoryMax: `${300 * 1024 * 1024}`,
    CPUQuotaPerSecUSec: '1.500000s',
    TasksMax: '77',
    CPUWeight: '50',
};

export async function setProfiles(ctx, {profiles = [RESOURCE_PROFILE, SANDBOX_PROFILE], assignments = {},
    defaultProfile = '', onFailure = 'launch-unconfined'} = {}) {
    await ctx.gsettings('set', SCHEMA, 'profiles', `{${profiles.join(', ')}}`);
    const pairs = Object.entries(assignments).map(([app, profile]) => `'${app}': '${profile}'`);
    await ctx.gsettings('set', SCHEMA, 'app-profiles', pairs.length ? `{${pairs.join(', ')}}` : '@a{ss} {}');
    await ctx.gsettings('set', SCHEMA, 'default-profile', `'${defaultProfile}'`);
    await ctx.gsettings('set', SCHEMA, 'on-failure', onFailure);
}

export async function resetSettings(ctx) {
    for (const key of ['profiles', 'app-profiles', 'default-profile', 'on-failure'])
        await ctx.gsettings('reset', SCHEMA, key);
}

/** The escaped app id as it appears in unit names (gnome-desktop's escaping). */
export function escapedAppId(desktopId) {
    const id = desktopId.replace(/\.desktop$/, '');
    return [...Buffer.from(id, 'utf8')].map(byte => {
        const char = String.fromCharCode(byte);
        return /[A-Za-z0-9:_.]/.test(char) ? char : `\\x${byte.toString(16).padStart(2, '0')}`;
    }).join('');
}

function regexEscape(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function confineUnitPattern(desktopId, type = 'scope') {
    const id = regexEscape(escapedAppId(desktopId));
    return type === 'scope'
        ? new RegExp(`/(app-confine-${id}-[a-z0-9]+\\.scope)$`, 'm')
        : new RegExp(`/(app-confine-${id}@[a-z0-9]+\\.service)$`, 'm');
}

export function stockUnitPattern(desktopId) {
    return new RegExp(`/(app-gnome-${regexEscape(escapedAppId(desktopId))}-\\d+\\.scope)$`, 'm');
}

/** The app's new window, once mapped; `known` PIDs are ignored. */
export async function waitForWindow(ctx, appId, {timeoutMs = 20_000, known = []} = {}) {
    return ctx.waitFor(async () => (await ctx.windows())
        .find(w => w.appId === appId && w.pid > 0 && w.mapped && !known.includes(w.pid)),
    timeoutMs, `a window of ${appId}`).catch(async error => {
        await ctx.screenshot(`no-window-${appId}`);
        throw new Error(`${error.message}; windows: ${JSON.stringify(await ctx.windows())}`);
    });
}

export async function cgroupOf(ctx, pid) {
    return (await ctx.readFile(`/proc/${pid}/cgroup`)).trim();
}

/**
 * Asserts that `pid` runs in a Confine unit of `desktopId` with `expected` properties,
 * and returns the unit's name.
 */
export async function assertConfined(ctx, pid, desktopId, expected, type = 'scope') {
    const cgroup = await cgroupOf(ctx, pid);
    const match = confineUnitPattern(desktopId, type).exec(cgroup);
    ctx.assert.ok(match, `pid ${pid} of ${desktopId} should be in an app-confine ${type}, is in ${cgroup}`);
    const unit = match[1];
    const shown = await ctx.systemctlShow(unit, [...Object.keys(expected), 'Description', 'ActiveState']);
    for (const [property, value] of Object.entries(expected))
        ctx.assert.equal(shown[property], value, `${unit} ${property}`);
    ctx.assert.match(shown.Description, /Confine profile/, `${unit} description names the profile`);
    ctx.log(`pid ${pid} in ${unit}: ${JSON.stringify(shown)}`);
    return unit;
}

/** The app's window is focused and the shell tracks it as the app's, running. */
export async function assertTracked(ctx, pid, appId) {
    const state = await ctx.evalJs(`(() => {
        const Shell = imports.gi.Shell;
        const app = Shell.AppSystem.get_default().lookup_app(${JSON.stringify(appId)});
        const focus = global.display.focus_window;
        const tracked = focus ? Shell.WindowTracker.get_default().get_window_app(focus) : null;
        return {
            running: app.get_state() === Shell.AppState.RUNNING,
            focusPid: focus ? focus.get_pid() : 0,
            focusApp: tracked ? tracked.get_id() : null,
            windows: app.get_windows().map(w => w.get_pid()),
        };
    })()`);
    ctx.assert.equal(state.running, true, `${appId} is shown as running`);
    ctx.assert.equal(state.focusPid, pid, `the new window of ${appId} has the focus`);
    ctx.assert.equal(state.focusApp, appId, 'the window tracker matched the window to the app');
    ctx.assert.ok(state.windows.includes(pid), 'the app lists the window as its own');
}

export async function closeApp(ctx, appId) {
    await ctx.evalJs(`(() => {
        const app = imports.gi.Shell.AppSystem.get_default().lookup_app(${JSON.stringify(appId)});
        app?.get_windows().forEach(w => w.delete(global.get_current_time()));
        return true;
    })()`);
    await ctx.waitFor(async () => !(await ctx.windows()).some(w => w.appId === appId), 10_000,
        `${appId} to close`);
    // GApplication apps linger briefly after their last window; wait until stopped.
    await ctx.waitFor(() => ctx.evalJs(`imports.gi.Shell.AppSystem.get_default()
        .lookup_app(${JSON.stringify(appId)}).get_state() === imports.gi.Shell.AppState.STOPPED`),
    15_000, `${appId} to stop`).catch(() => ctx.sh(`pkill -f ${appId.replace(/\.desktop$/, '')} || true`));
}

/** Notifications Confine has shown, oldest first. */
export async function confineNotifications(ctx) {
    return ctx.evalJs(`Main.messageTray.getSources()
        .filter(s => s.title === 'Confine')
        .flatMap(s => s.notifications.map(n => ({title: n.title, body: n.body})))`);
}

export async function clearConfineNotifications(ctx) {
    await ctx.evalJs(`Main.messageTray.getSources().filter(s => s.title === 'Confine')
        .forEach(s => s.destroy(3)); true`);
}

export async function assertNoExceptions(ctx, cursor) {
    const exceptions = await ctx.jsExceptions(await ctx.journal({cursor}));
    ctx.assert.deepEqual(exceptions, [], 'no JS exception from the extension in the shell journal');
}

/**
 * A script that records its argv (NUL-separated), its stdin, $DRI_PRIME and its cgroup
 * under ~/records/<tag>, and one line per start in <tag>.started.
 */
export const RECORDER = '/usr/local/bin/confine-e2e-recorder';
const RECORDER_SCRIPT = `#!/bin/sh
tag="$1"; shift
mkdir -p "$HOME/records"
printf '%s\\0' "$@" > "$HOME/records/$tag.argv"
readlink /proc/self/fd/0 > "$HOME/records/$tag.stdin"
printf '%s' "$DRI_PRIME" > "$HOME/records/$tag.gpu"
cat /proc/self/cgroup > "$HOME/records/$tag.cgroup"
date +%s%N >> "$HOME/records/$tag.started"
`;

export async function installRecorder(ctx) {
    await ctx.writeFile(RECORDER, RECORDER_SCRIPT, {mode: 0o755});
    await ctx.sh('rm -rf ~/records');
}

/**
 * Writes a desktop file and waits until the shell launches with what was written. A
 * desktop id the shell knows already keeps its old entry for about 5 s: GNOME Shell's
 * app cache reloads only after GIO's change notices have paused that long (ShellAppCache),
 * and Confine's copy of the entry is renewed with it (installed-changed).
 */
export async function writeDesktopFile(ctx, desktopId, lines) {
    const contents = ['[Desktop Entry]', 'Type=Application', ...lines, ''].join('\n');
    await ctx.writeFile(`${ctx.home}/.local/share/applications/${desktopId}`, contents);
    await ctx.waitFor(() => ctx.evalJs(`(() => {
        const {GLib, Shell} = imports.gi;
        const info = Shell.AppSystem.get_default().lookup_app(${JSON.stringify(desktopId)})?.get_app_info();
        if (!info)
            return false;
        const written = new GLib.KeyFile();
        written.load_from_bytes(new GLib.Bytes(new TextEncoder().encode(${JSON.stringify(contents)})), GLib.KeyFileFlags.NONE);
        const [keys] = written.get_keys('Desktop Entry');
        return keys.every(key => info.get_string(key) === written.get_string('Desktop Entry', key));
    })()`), 30_000, `the shell to see ${desktopId} as written`);
}

/** Calls a Shell.App method the way the shell's own UI does, through Eval. */
export async function callApp(ctx, desktopId, call) {
    return ctx.evalJs(`(() => {
        const Shell = imports.gi.Shell;
        const app = Shell.AppSystem.get_default().lookup_app(${JSON.stringify(desktopId)});
        ${call};
        return true;
    })()`);
}

export async function readRecord(ctx, tag, timeoutMs = 15_000) {
    await ctx.waitFor(async () => (await ctx.sh(`test -s ~/records/${tag}.cgroup`)).code === 0,
        timeoutMs, `the recorder to run for ${tag}`);
    const argv = (await ctx.readFile(`${ctx.home}/records/${tag}.argv`)).split('\0').slice(0, -1);
    const cgroup = (await ctx.readFile(`${ctx.home}/records/${tag}.cgroup`)).trim();
    const stdin = (await ctx.readFile(`${ctx.home}/records/${tag}.stdin`)).trim();
    const gpu = await ctx.readFile(`${ctx.home}/records/${tag}.gpu`);
    return {argv, cgroup, stdin, gpu};
}

export async function setEnabled(ctx, enabled) {
    await ctx.evalJs(`Main.extensionManager.${enabled ? 'enableExtension' : 'disableExtension'}('${ctx.uuid}'); true`);
    await ctx.waitFor(async () => (await ctx.extensionInfo()).state ===
        (enabled ? ctx.ExtensionState.ACTIVE : ctx.ExtensionState.INACTIVE), 10_000,
    `the extension to be ${enabled ? 'enabled' : 'disabled'}`);
}

/** The PID of the container's (or VM's) gnome-shell. */
export async function shellPid(ctx) {
    return (await ctx.shOk('systemctl --user show -p MainPID --value gnome-shell-headless.service')).trim();
}

/** The paths of the files gnome-shell holds open (read as root from /proc). */
export async function shellOpenPaths(ctx) {
    const out = await ctx.rootShOk(`for fd in /proc/${await shellPid(ctx)}/fd/*; do readlink "$fd"; done 2>/dev/null || true`);
    return out.split('\n').filter(Boolean);
}

/** The Eval expression of Confine's top-bar indicator (`undefined` while it is not there). */
export function indicatorJs(uuid) {
    return `Main.panel.statusArea[${JSON.stringify(uuid)}]`;
}
