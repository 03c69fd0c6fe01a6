// From (app, profile) to the systemd-run command that starts the app inside its unit.

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
}

export interface LaunchPlan {
    readonly unitType: UnitType;
    readonly unitName: string;
    readonly description: string;
    /** systemd-run and its options, ending with "--": the app's own argv follows. */
    readonly argv: readonly string[];
}

/** What a desktop app needs from the launcher's environment when it runs as a service. */
export const DESKTOP_ENVIRONMENT: readonly string[] = [
    'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'XDG_SESSION_TYPE', 'XDG_CURRENT_DESKTOP',
    'XDG_ACTIVATION_TOKEN', 'DESKTOP_STARTUP_ID', 'GIO_LAUNCHED_DESKTOP_FILE',
    'DBUS_SESSION_BUS_ADDRESS', 'LANG', 'LANGUAGE', 'LC_ALL',
];

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

const MAX_DESCRIPTION = 200;

/** Removes control characters (newlines could forge journal lines) and bounds the length. */
function sanitizeLabel(text: string): string {
    // eslint-disable-next-line no-control-regex
    const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    return clean.length > MAX_DESCRIPTION ? `${clean.slice(0, MAX_DESCRIPTION - 1)}…` : clean;
}

const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function buildLaunchPlan(request: LaunchRequest): LaunchPlan {
    const {profile} = request;
    const unitType: UnitType = fitsInScope(profile) ? 'scope' : 'service';
    const name = unitName(unitType, request.desktopId, request.suffix);
    const description = sanitizeLabel(`${request.appName || request.desktopId} (Confine profile ${profile.name})`);

    const argv = [request.systemdRun ?? 'systemd-run', '--user'];
    if (unitType === 'scope') {
        argv.push('--scope');
    } else {
        // The service gets the user manager's cwd unless told otherwise.
        argv.push('--same-dir');
        switch (request.serviceAttachment ?? 'detached') {
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
    argv.push('--');
    return {unitType, unitName: name, description, argv};
}
