// `confine check` and the editor's "Check this profile": a short probe runs in a unit
// made as a launch makes it, reports what it sees from inside, and each property the
// profile asks for is judged by that, not by what systemd recorded.

import {buildLaunchPlan, desktopCommand} from './launchPlan.js';
import {findProperty} from './properties.js';
import type {Profile} from './validation.js';

/**
 * The probe, for `sh -c PROBE_SCRIPT confine-check TMP_MARKER HOME_MARKER`. It prints
 * key=value lines: the unit's cgroup files, NoNewPrivs, whether the caller's marker in
 * /tmp is visible, the network interfaces, what it can do in $HOME, the mount options
 * of a few system directories, and whether the Wayland and session bus sockets are there.
 */
export const PROBE_SCRIPT = `
cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
echo "fs=$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)"
echo "root.controllers=$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)"
echo "unit.controllers=$(cat "/sys/fs/cgroup$cg/cgroup.controllers" 2>/dev/null)"
for f in memory.max memory.high memory.swap.max cpu.max cpu.weight pids.max io.weight cpuset.cpus; do
    [ -r "/sys/fs/cgroup$cg/$f" ] && echo "file.$f=$(cat "/sys/fs/cgroup$cg/$f")"
done
echo "nnp=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/self/status)"
if [ -e "$1" ]; then echo tmp=shared; else echo tmp=private; fi
echo "net=$(ls /sys/class/net 2>/dev/null | tr '\\n' ' ')"
if ls -A "$HOME" >/dev/null 2>&1; then echo "home.entries=$(ls -A "$HOME" | wc -l)"; else echo home.entries=none; fi
if touch "$HOME/$2" 2>/dev/null; then rm -f "$HOME/$2"; echo home.write=yes; else echo home.write=no; fi
for p in /usr /etc /var; do
    echo "mount.$p=$(awk -v p="$p" '{ m = $5; if ((m == "/" || p == m || index(p, m "/") == 1) && length(m) >= best) { best = length(m); o = $6 } } END { print o }' /proc/self/mountinfo)"
done
w="$WAYLAND_DISPLAY"; case "$w" in /*) ;; ?*) w="$XDG_RUNTIME_DIR/$w";; esac
if [ -n "$w" ] && [ -S "$w" ] && [ -w "$w" ]; then echo wayland=yes; else echo wayland=no; fi
b=$(printf '%s' "$DBUS_SESSION_BUS_ADDRESS" | sed -n 's/^unix:path=\\([^,;]*\\).*/\\1/p')
if [ -n "$b" ] && [ -S "$b" ] && [ -w "$b" ]; then echo bus=yes; else echo bus=no; fi
`;

export interface ProbeRequest {
    readonly profile: Profile;
    readonly suffix: string;
    /** The desktop variables that are set where the probe starts, as a launch passes them. */
    readonly passEnvironment: readonly string[];
    readonly homeDirectory: string;
    readonly runtimeDirectory: string;
    /** A file the caller made in its /tmp. */
    readonly tmpMarker: string;
    readonly systemdVersion: number | null;
    readonly systemdRun?: string;
}

/**
 * The probe's command line: the unit a desktop launch of the profile gets (same
 * properties, working directory, environment and mounts), only attached with pipes so
 * that its findings come back.
 */
export function probeCommand(request: ProbeRequest): {unitName: string; argv: string[]} {
    const plan = buildLaunchPlan({
        desktopId: 'confine-check',
        appName: 'Confine check',
        profile: request.profile,
        suffix: request.suffix,
        systemdRun: request.systemdRun,
        passEnvironment: request.passEnvironment,
        serviceAttachment: 'pipe',
        workingDirectory: request.homeDirectory,
        runtimeDirectory: request.runtimeDirectory,
    });
    const command = desktopCommand(plan, request.systemdVersion);
    const probe = ['sh', '-c', PROBE_SCRIPT, 'confine-check', request.tmpMarker, `.confine-check-${request.suffix}`];
    return {unitName: plan.unitName, argv: [...command.argv, ...probe.map(command.protect)]};
}

export type CheckState = 'in-effect' | 'not-in-effect' | 'info';

export interface CheckRow {
    readonly property: string;
    readonly asked: string;
    readonly state: CheckState;
    readonly detail: string;
}

/** The probe's output as a map; later lines win. */
export function parseFindings(output: string): Map<string, string> {
    const findings = new Map<string, string>();
    for (const line of output.split('\n')) {
        const equals = line.indexOf('=');
        if (equals > 0)
            findings.set(line.slice(0, equals), line.slice(equals + 1).trim());
    }
    return findings;
}

const CGROUP_FILES: Record<string, string> = {
    MemoryMax: 'memory.max', MemoryHigh: 'memory.high', MemorySwapMax: 'memory.swap.max', CPUQuota: 'cpu.max',
    CPUWeight: 'cpu.weight', AllowedCPUs: 'cpuset.cpus', IOWeight: 'io.weight', TasksMax: 'pids.max',
};

const NOT_ENFORCED = 'recorded but not enforced here';

function resourceRow(property: string, asked: string, findings: Map<string, string>): CheckRow {
    const file = CGROUP_FILES[property];
    const controller = findProperty(property)?.controller ?? file.split('.')[0];
    const value = findings.get(`file.${file}`);
    if (value !== undefined)
        return {property, asked, state: 'in-effect', detail: `enforced: ${file} = ${value}`};
    const words = (key: string) => (findings.get(key) ?? '').split(/\s+/);
    let why: string;
    if (findings.get('fs') !== 'cgroup2fs')
        why = 'cgroup v1';
    else if (!words('root.controllers').includes(controller))
        why = `no ${controller} controller`;
    else if (!words('unit.controllers').includes(controller))
        why = `the ${controller} controller is not delegated to the user manager`;
    else
        why = `${file} is missing`;
    return {property, asked, state: 'not-in-effect', detail: `${NOT_ENFORCED}: ${why}`};
}

function row(property: string, asked: string, inEffect: boolean, yes: string, no: string): CheckRow {
    return {property, asked, state: inEffect ? 'in-effect' : 'not-in-effect', detail: inEffect ? yes : no};
}

function readOnly(findings: Map<string, string>, path: string): boolean {
    return (findings.get(`mount.${path}`) ?? '').split(',').includes('ro');
}

const SYSTEM_PATHS: Record<string, readonly string[]> = {yes: ['/usr'], full: ['/usr', '/etc'], strict: ['/usr', '/etc', '/var']};

function sandboxRow(property: string, asked: string, findings: Map<string, string>): CheckRow | null {
    switch (property) {
    case 'NoNewPrivileges':
        return row(property, asked, findings.get('nnp') === '1', 'NoNewPrivs is 1', 'NoNewPrivs is not set in the unit');
    case 'PrivateTmp':
        return row(property, asked, findings.get('tmp') === 'private', 'a private /tmp',
            'the unit sees the /tmp of the caller');
    case 'PrivateNetwork': {
        const interfaces = (findings.get('net') ?? '').split(/\s+/).filter(name => name !== '');
        return row(property, asked, interfaces.length === 1 && interfaces[0] === 'lo', 'only a loopback interface',
            `the unit sees ${interfaces.join(', ') || 'no interfaces'}`);
    }
    case 'ProtectHome': {
        const hidden = findings.get('home.entries') === 'none' || findings.get('home.entries') === '0';
        if (asked === 'read-only') {
            return row(property, asked, !hidden && findings.get('home.write') === 'no', 'home is read-only',
                'home is writable');
        }
        return row(property, asked, hidden && findings.get('home.write') === 'no', 'home is hidden',
            'home is visible');
    }
    case 'ProtectSystem': {
        const paths = SYSTEM_PATHS[asked] ?? [];
        const writable = paths.filter(path => !readOnly(findings, path));
        return row(property, asked, writable.length === 0, `${paths.join(', ')} read-only`,
            `${writable.join(', ')} not read-only`);
    }
    default:
        return null;
    }
}

/** Settings that ask for nothing ("no", false) get no row. */
function asksForSomething(value: string): boolean {
    return value !== 'no' && value !== 'false';
}

/** One row per property the profile asks for, then whether a desktop app could still reach its display and bus. */
export function evaluateCheck(profile: Profile, findings: Map<string, string>): CheckRow[] {
    const rows: CheckRow[] = [];
    for (const [property, value] of profile.properties) {
        if (!asksForSomething(value))
            continue;
        if (property in CGROUP_FILES) {
            rows.push(resourceRow(property, value, findings));
            continue;
        }
        rows.push(sandboxRow(property, value, findings) ??
            {property, asked: value, state: 'info', detail: 'not checked by Confine'});
    }
    rows.push({property: 'Wayland display', asked: '', state: 'info',
        detail: findings.get('wayland') === 'yes' ? 'reachable' : 'NOT reachable: a GUI app would get no window'});
    rows.push({property: 'Session bus', asked: '', state: 'info',
        detail: findings.get('bus') === 'yes' ? 'reachable' : 'NOT reachable: D-Bus apps would fail'});
    return rows;
}

/** True when everything the profile asks for is in effect. */
export function checkPassed(rows: readonly CheckRow[]): boolean {
    return rows.every(item => item.state !== 'not-in-effect');
}

/** The rows as a plain-text table. */
export function formatCheck(rows: readonly CheckRow[]): string {
    const header = ['PROPERTY', 'ASKED', 'ON THIS MACHINE'];
    const cells = rows.map(item => [item.property, item.asked || '-', item.detail]);
    const widths = [0, 1].map(column => Math.max(header[column].length, ...cells.map(cell => cell[column].length)));
    return [header, ...cells]
        .map(([property, asked, detail]) => `${property.padEnd(widths[0])}  ${asked.padEnd(widths[1])}  ${detail}`)
        .join('\n');
}
