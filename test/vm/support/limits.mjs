// Shared steps of the real-kernel scenarios: misbehaving test apps launched
// through the shell as a click launches them, the units they land in, and what
// the kernel says about those units (cgroup files, the kernel log, the journal).
import { GUEST_DIR } from '../../e2e/lib/shell.mjs';
import { SCHEMA, setProfiles } from '../../e2e/support/launcher.mjs';

export { SCHEMA, setProfiles };

export const APP = `${GUEST_DIR}/confine-vm-app`;

/**
 * Installs ~/.local/share/applications/confine-vm-NAME.desktop running
 * `confine-vm-app NAME MODE ARGS...` and waits until the shell knows it.
 * Returns its desktop id.
 */
export async function installApp(ctx, name, mode, args = []) {
    const id = `confine-vm-${name}.desktop`;
    await ctx.writeFile(`${ctx.home}/.local/share/applications/${id}`, [
        '[Desktop Entry]',
        'Type=Application',
        `Name=VM ${name}`,
        `Exec=${APP} ${name} ${mode} ${args.join(' ')}`.trim(),
        'Terminal=false',
        '',
    ].join('\n'));
    await ctx.waitFor(() => ctx.evalJs(`imports.gi.Shell.AppSystem.get_default().lookup_app('${id}') !== null`),
        15_000, `the shell to see ${id}`);
    return id;
}

/** The shipped profiles (relaxed, strict) as they are by default, with only `desktopId` assigned to `profile`. */
export async function assignShippedProfile(ctx, desktopId, profile) {
    for (const key of ['profiles', 'default-profile', 'on-failure'])
        await ctx.gsettings('reset', SCHEMA, key);
    await ctx.gsettings('set', SCHEMA, 'app-profiles', `{'${desktopId}': '${profile}'}`);
}

/** Launches the app the way a click does: Shell.App.activate(). */
export async function activate(ctx, desktopId) {
    await ctx.evalJs(`imports.gi.Shell.AppSystem.get_default().lookup_app('${desktopId}').activate(); true`);
}

/** The app's record (see confine-vm-app), or null before it wrote one. */
export async function appState(ctx, name) {
    const r = await ctx.sh(`cat ${ctx.home}/.cache/confine-vm/${name}.json`);
    return r.code === 0 ? JSON.parse(r.stdout) : null;
}

/** Waits for the app's first record; forgets any record of an earlier run first. */
export async function launchApp(ctx, desktopId, name) {
    await ctx.sh(`rm -f ${ctx.home}/.cache/confine-vm/${name}.json`);
    await activate(ctx, desktopId);
    const state = await ctx.waitFor(() => appState(ctx, name), 30_000, `${name} to start`);
    if (isAppUnit(unitOf(state.cgroup).unit))
        return state;
    // A stock launch (no profile) is spawned by the shell and moved into its
    // app-gnome-*.scope afterwards, by an asynchronous call to the user manager:
    // an app that starts fast records the shell's own unit. Its unit is the one
    // it ends up in. (CI once measured, and then stopped, the shell's unit.)
    const cgroup = await ctx.waitFor(async () => {
        const r = await ctx.rootSh(`cat /proc/${state.pid}/cgroup`);
        if (r.code !== 0) // the scenarios' stock launches run until stopped; never hand back the shell's unit
            throw new Error(`${name} (pid ${state.pid}) ended before the shell moved it out of ${state.cgroup}`);
        const now = r.stdout.split('\n').find(l => l.startsWith('0::'))?.slice(3).trim();
        return now && isAppUnit(unitOf(now).unit) ? now : null;
    }, 15_000, `${name} (pid ${state.pid}) to leave ${state.cgroup} for an app unit`);
    ctx.log(`${name} recorded ${unitOf(state.cgroup).unit} at start; the shell then moved it to ${unitOf(cgroup).unit}`);
    return { ...state, startedIn: state.cgroup, cgroup };
}

/** An app's own unit as the shell or Confine names them (never the shell's unit or a slice). */
function isAppUnit(unit) {
    return /^app-.+\.(scope|service)$/.test(unit);
}

/** The unit of a cgroup path ("/user.slice/.../app-x.scope") and its directory in /sys/fs/cgroup. */
export function unitOf(cgroup) {
    return { unit: cgroup.split('/').pop(), cgroup, dir: `/sys/fs/cgroup${cgroup}` };
}

/** A cgroup v2 "key value" file (memory.events, cpu.stat, pids.events) as numbers. */
export async function keyedFile(ctx, path) {
    const text = await ctx.readFile(path);
    return Object.fromEntries(text.trim().split('\n').map(l => {
        const [key, value] = l.split(/\s+/);
        return [key, Number(value)];
    }));
}

export async function isAlive(ctx, pid) {
    return (await ctx.rootSh(`kill -0 ${pid}`)).code === 0;
}

/** MemTotal of the VM in bytes. */
export async function memTotal(ctx) {
    const m = (await ctx.readFile('/proc/meminfo')).match(/^MemTotal:\s+(\d+) kB/m);
    return Number(m[1]) * 1024;
}

/**
 * What the user manager logged about a unit: its "Failed with result" entry
 * carries UNIT_RESULT. Units Confine starts are --collect'ed, so once one has
 * failed the journal is where its Result is kept.
 */
export async function unitResult(ctx, unit) {
    const out = await ctx.rootShOk(`journalctl --no-pager -o json USER_UNIT=${ctx.shellQuote(unit)} _UID=1000 || true`);
    for (const line of out.trim().split('\n').filter(Boolean).reverse()) {
        const entry = JSON.parse(line);
        if (entry.UNIT_RESULT)
            return entry.UNIT_RESULT;
    }
    return null;
}

/** Kernel log lines since the VM booted that contain `needle`. */
export async function kernelLog(ctx, needle) {
    const out = await ctx.rootShOk('journalctl -k --no-pager -o cat || dmesg');
    return out.split('\n').filter(l => l.includes(needle));
}

/** Round trips of org.gnome.Shell.Eval every intervalMs for durationMs, measured in the VM. */
export async function shellLatency(ctx, durationMs, intervalMs = 100) {
    const out = await ctx.shOk(`gjs -m ${GUEST_DIR}/latency.js ${durationMs} ${intervalMs}`, { timeoutMs: durationMs + 60_000 });
    return JSON.parse(out);
}

/** median / p95 / max of the round trips of `samples` ([wall, ms] pairs), for printing. */
export function latencySummary(samples) {
    const ms = samples.map(s => s[1]).sort((a, b) => a - b);
    if (!ms.length)
        return 'no samples';
    const at = q => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
    return `n=${ms.length} median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${ms[ms.length - 1].toFixed(1)} ms`;
}

/** The shell is still ACTIVE with the extension running and no JS error from it since `cursor`. */
export async function assertShellHealthy(ctx, cursor) {
    const info = await ctx.extensionInfo();
    ctx.assert.equal(info.state, ctx.ExtensionState.ACTIVE, 'the extension is still ACTIVE');
    const active = await ctx.shOk('systemctl --user is-active gnome-shell-headless.service').catch(e => e.message);
    ctx.assert.equal(active.trim(), 'active', 'gnome-shell is still running');
    const errors = ctx.jsExceptions(await ctx.journal({ cursor }));
    ctx.assert.deepEqual(errors, [], 'no JS errors from the extension');
}

/** Stops whatever is left of an app's unit (the runner's VM is reused by every scenario). */
export async function stopUnit(ctx, unit) {
    if (!unit)
        return;
    // Only an app's unit: a wrong guess must not stop the shell under test. Said,
    // not thrown: this runs in finally blocks, where a throw would hide the failure.
    if (!isAppUnit(unit)) {
        ctx.log(`not stopping ${unit}: it is not an app's unit`);
        return;
    }
    await ctx.sh(`systemctl --user stop ${ctx.shellQuote(unit)}`);
}
