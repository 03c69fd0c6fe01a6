// From (app, profile) to the systemd-run command that starts the app inside its unit.

import {ENVIRONMENT_NAME, withoutControls} from './text.js';
import {untranslated, type Translate} from './translate.js';
import {fitsInScope, type Profile} from './validation.js';
import {unitName, type UnitType} from './unitName.js';

/** How a caller of a transient service stays attached to it. */
export type ServiceAttachment =
    | 'detached' // desktop launches: systemd-run returns once the unit runs
    | 'pipe' // `confine run`: stdin/stdout/stderr passed through, exit status returned
    | 'pty'; // `confine shell`: an interactive terminal, exit status returned

export interface LaunchRequest {
    /** Desktop id, such as firefox-esr.desktop, or a label for a plain command. */
    readonly desktopId: string;
    /** The app's human name, for the unit's description. */
    readonly appName: string;
    readonly profile: Profile;
    /** Alphanumeric; makes the unit name unique per launch. */
    readonly suffix: string;
    /** Path of systemd-run; a bare name is looked up in PATH by whoever spawns it. */
    readonly systemdRun?: string;
    /**
     * Services only: names of variables the app must get from its launcher. A service
     * starts with the user manager's environment, not the caller's, so the display,
     * activation token and startup id must be handed over explicitly.
     */
    readonly passEnvironment?: readonly string[];
    readonly serviceAttachment?: ServiceAttachment;
    /**
     * The app runs in a terminal that GLib puts in front of systemd-run. Such a launch
     * is always a service on a pty: in a scope the app would be the terminal's own
     * child, which a VTE terminal moves into a vte-spawn scope of its own, out of ours.
     */
    readonly terminal?: boolean;
    /**
     * Services only: where the app starts. Absent, the caller's directory is used and
     * must exist inside the sandbox; given, a directory the sandbox hides (home under
     * ProtectHome) makes the app start in / instead of failing before exec.
     */
    readonly workingDirectory?: string;
    /**
     * Services only: $XDG_RUNTIME_DIR, which a desktop app needs for its display, its
     * session bus and its sound. ProtectHome=tmpfs or read-only would cover it with
     * /run/user; it is mounted back as it is.
     */
    readonly runtimeDirectory?: string;
}

export interface LaunchPlan {
    readonly unitType: UnitType;
    readonly unitName: string;
    readonly description: string;
    /** systemd-run and its options, ending with "--": the app's own argv follows. */
    readonly argv: readonly string[];
}

/**
 * The signal the confine command sends on the session bus just before it has a unit
 * started, with the unit's name: the shell then asks the bus for that unit's start job
 * alone (the limit notifications), instead of for the jobs of every unit of the session.
 */
export const LAUNCH_SIGNAL = {
    path: '/io/github/confine',
    interface: 'io.github.confine.Launch',
    member: 'UnitStarting',
} as const;

/** What a desktop app needs from the launcher's environment when it runs as a service. */
export const DESKTOP_ENVIRONMENT: readonly string[] = [
    'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'XDG_SESSION_TYPE', 'XDG_CURRENT_DESKTOP',
    'XDG_ACTIVATION_TOKEN', 'DESKTOP_STARTUP_ID', 'GIO_LAUNCHED_DESKTOP_FILE',
    'DBUS_SESSION_BUS_ADDRESS', 'LANG', 'LANGUAGE', 'LC_ALL',
];

/** The first systemd with Type=exec, which reports a failed exec to systemd-run. */
export const TYPE_EXEC_SINCE = 240;

/** The first systemd whose systemd-run has --expand-environment. */
export const EXPAND_ENVIRONMENT_SINCE = 254;

/** A plan's systemd-run options made to hand the command its words exactly as written. */
export interface LiteralCommand {
    /** The plan's argv with what turns expansion off, still ending with "--". */
    readonly argv: readonly string[];
    /**
     * What to apply to the command: to each word, or to a whole Exec line that GLib
     * splits later (a doubled $ means the same inside and outside its quotes).
     */
    readonly protect: (text: string) => string;
}

/**
 * systemd expands $NAME, ${NAME} and $$ in a command's words: the service manager for a
 * service, and newer systemd-run itself for a scope (262 does, 257 does not). Where
 * systemd-run has --expand-environment=no that turns it off; older ones never expand for
 * a scope, and for a service every $ is doubled, which the service manager turns back
 * into one. `systemdVersion` is null when it is unknown (then as for an old one).
 */
export function literalCommand(plan: LaunchPlan, systemdVersion: number | null): LiteralCommand {
    const canDisableExpansion = systemdVersion !== null && systemdVersion >= EXPAND_ENVIRONMENT_SINCE;
    const options = plan.argv.slice(0, -1);
    if (canDisableExpansion)
        options.push('--expand-environment=no');
    const protect = plan.unitType === 'service' && !canDisableExpansion
        ? (text: string) => text.replace(/\$/g, '$$$$')
        : (text: string) => text;
    return {argv: [...options, '--'], protect};
}

/**
 * literalCommand for a launch from the desktop: a service is also of Type=exec. With
 * the default Type=simple its start job succeeds at fork, before a missing program or
 * a refused working directory could fail the exec, and nobody would hear of it.
 */
export function desktopCommand(plan: LaunchPlan, systemdVersion: number | null): LiteralCommand {
    const literal = literalCommand(plan, systemdVersion);
    if (plan.unitType !== 'service' || systemdVersion === null || systemdVersion < TYPE_EXEC_SINCE)
        return literal;
    return {...literal, argv: [...literal.argv.slice(0, -1), '--service-type=exec', '--']};
}

const MAX_DESCRIPTION = 200;

/** Removes control characters (newlines could forge journal lines) and bounds the length. */
function sanitizeLabel(text: string): string {
    const clean = withoutControls(text).trim();
    return clean.length > MAX_DESCRIPTION ? `${clean.slice(0, MAX_DESCRIPTION - 1)}…` : clean;
}

/** The description of a unit Confine makes; the running-apps menu reads the profile back from it. */
export function unitDescription(appName: string, profileName: string): string {
    return sanitizeLabel(`${appName} (Confine profile ${profileName})`);
}

/** An absolute path that systemd's path lists take as one word. */
const PLAIN_PATH = /^\/[^\s"'\\:]*$/;

function plainPath(path: string): string {
    if (!PLAIN_PATH.test(path))
        throw new Error(`not an absolute path without spaces, quotes or colons: ${JSON.stringify(path)}`);
    return path;
}

/**
 * Why a profile cannot run a desktop app at all, or null. Measured with systemd 257
 * and 262: ProtectHome=yes makes /run/user inaccessible (mode 000), so nothing under
 * it, $XDG_RUNTIME_DIR included, can be reached, not even through BindPaths=; the
 * app cannot reach its Wayland display nor the session bus and dies without a window.
 */
export function desktopLaunchProblem(profile: Profile, _: Translate = untranslated): string | null {
    if (profile.properties.get('ProtectHome') === 'yes') {
        return _('ProtectHome=yes also hides /run/user, where the Wayland display and the session bus are, ' +
            'so no desktop app can start under it. Choose “Replaced by an empty directory” (tmpfs) or ' +
            '“Read-only” instead: Confine keeps the runtime directory reachable with those.');
    }
    return null;
}

/** Variables GLib adds to the child's environment itself while launching. */
const SET_BY_LAUNCH = ['GIO_LAUNCHED_DESKTOP_FILE'];
const SET_BY_STARTUP_NOTIFICATION = ['XDG_ACTIVATION_TOKEN', 'DESKTOP_STARTUP_ID'];

/** A launch from the desktop: the app as its desktop entry describes it, and the launcher's session. */
export interface DesktopLaunch {
    readonly desktopId: string;
    readonly appName: string;
    readonly profile: Profile;
    readonly suffix: string;
    /** Terminal=true in the entry. */
    readonly terminal: boolean;
    /** StartupNotify=true in the entry: GLib then sets the activation token and the startup id. */
    readonly startupNotify: boolean;
    /** The entry's Path=, or null. */
    readonly path: string | null;
    /** The launcher's own working directory, where GLib starts an app without an absolute Path=. */
    readonly currentDirectory: string;
    /** The launcher's $XDG_RUNTIME_DIR. */
    readonly runtimeDirectory: string;
    /** Which of DESKTOP_ENVIRONMENT are set in the launcher's environment. */
    readonly environment: readonly string[];
    /** The names of the discrete GPU's variables, when the launch asks for that GPU. */
    readonly gpuEnvironment?: readonly string[];
}

/**
 * The plan of a launch from the desktop, as the shell makes it; the preferences show
 * the same. A service is handed the desktop variables that will be set in systemd-run's
 * environment (naming an unset one would give the app an empty value) and starts where
 * GLib would have started the app.
 */
export function desktopLaunchPlan(launch: DesktopLaunch): LaunchPlan {
    const fromLaunch = launch.startupNotify ? [...SET_BY_LAUNCH, ...SET_BY_STARTUP_NOTIFICATION] : SET_BY_LAUNCH;
    const desktop = DESKTOP_ENVIRONMENT.filter(name => fromLaunch.includes(name) || launch.environment.includes(name));
    return buildLaunchPlan({
        desktopId: launch.desktopId,
        appName: launch.appName,
        profile: launch.profile,
        suffix: launch.suffix,
        // The launch context sets the GPU's variables for systemd-run; a service only gets them by name.
        passEnvironment: [...new Set([...desktop, ...launch.gpuEnvironment ?? []])],
        terminal: launch.terminal,
        workingDirectory: launch.path !== null && launch.path.startsWith('/') ? launch.path : launch.currentDirectory,
        runtimeDirectory: launch.runtimeDirectory,
    });
}

export function buildLaunchPlan(request: LaunchRequest): LaunchPlan {
    const {profile} = request;
    const unitType: UnitType = fitsInScope(profile) && !request.terminal ? 'scope' : 'service';
    const name = unitName(unitType, request.desktopId, request.suffix);
    const description = unitDescription(request.appName || request.desktopId, profile.name);

    const argv = [request.systemdRun ?? 'systemd-run', '--user'];
    if (unitType === 'scope') {
        argv.push('--scope');
    } else {
        // The service gets the user manager's cwd unless told otherwise; a leading
        // "-" lets it start in / when the sandbox hides the directory.
        if (request.workingDirectory === undefined)
            argv.push('--same-dir');
        else
            argv.push(`--property=WorkingDirectory=-${plainPath(request.workingDirectory)}`);
        switch (request.terminal ? 'pty' : request.serviceAttachment ?? 'detached') {
        case 'detached':
            break;
        case 'pipe':
            argv.push('--wait', '--pipe');
            break;
        case 'pty':
            argv.push('--wait', '--pty');
            break;
        }
        for (const variable of request.passEnvironment ?? []) {
            if (!ENVIRONMENT_NAME.test(variable))
                throw new Error(`not an environment variable name: ${JSON.stringify(variable)}`);
            // A bare name makes systemd-run copy the value from its own environment.
            argv.push(`--setenv=${variable}`);
        }
    }
    argv.push(`--unit=${name}`, `--description=${description}`, '--collect', '--quiet');
    for (const [property, value] of profile.properties)
        argv.push(`--property=${property}=${value}`);
    const protectHome = profile.properties.get('ProtectHome');
    if (unitType === 'service' && request.runtimeDirectory !== undefined &&
        (protectHome === 'tmpfs' || protectHome === 'read-only'))
        argv.push(`--property=BindPaths=${plainPath(request.runtimeDirectory)}`);
    argv.push('--');
    return {unitType, unitName: name, description, argv};
}
