// `confine`: runs commands and shells inside the units of Confine profiles, and
// manages the app → profile assignments, from a terminal.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

import {buildLaunchPlan, DESKTOP_ENVIRONMENT, type LaunchPlan, type ServiceAttachment} from '../core/launchPlan.js';
import {canonicalDesktopId} from '../core/desktopId.js';
import {checkPassed, evaluateCheck, formatCheck, parseFindings} from '../core/profileCheck.js';
import {withAssignment} from '../core/profileSettings.js';
import {resolveProfile} from '../core/resolution.js';
import {randomSuffix} from '../core/unitName.js';
import type {Profile} from '../core/validation.js';
import {commandLineFor, commandName, formatCommandLine, parseSystemdVersion} from './commandLine.js';
import {serviceEnvironment} from './environment.js';
import {ConfineError, EXIT} from './exitStatus.js';
import {helpText} from './help.js';
import {parseInvocation, type Invocation} from './invocation.js';
import {isTerminal, runAndWait} from './launch.js';
import {chooseProfile, invalidProfile, namedProfile, unknownProfile} from './profileChoice.js';
import {formatProfiles, formatShow} from './report.js';
import {escapeControls, printable} from './terminalText.js';
import {readProfileSettings} from '../settings/profileStore.js';
import {sessionProbe} from '../settings/profileProbe.js';
import {openSettings, writeAssignments} from './settings.js';
import {formatUnit} from './unitStatus.js';
import {UserManager} from './userManager.js';

const SYSTEMD_RUN = 'systemd-run';

/** Everything confine prints goes through here or warn(): see terminalText.ts. */
function write(text: string): void {
    print(printable(text.replace(/\n$/, '')));
}

function warn(text: string): void {
    printerr(printable(text));
}

function newSuffix(): string {
    return randomSuffix(() => GLib.random_double());
}

interface DesktopEntry {
    readonly name: string;
    readonly exec: string;
}

/**
 * The installed app's name and Exec line, read from its desktop file in the XDG data
 * directories (the key file, because Gio.DesktopAppInfo moved to GioUnix and its
 * typings are not in every GLib this runs on).
 */
function desktopEntry(desktopId: string): DesktopEntry | null {
    const keyFile = new GLib.KeyFile();
    try {
        keyFile.load_from_data_dirs(`applications/${canonicalDesktopId(desktopId)}`, GLib.KeyFileFlags.NONE);
        return {
            name: keyFile.get_locale_string('Desktop Entry', 'Name', null),
            exec: keyFile.get_string('Desktop Entry', 'Exec'),
        };
    } catch {
        return null;
    }
}

/** The login shell: $SHELL, else the passwd entry (through NSS, so LDAP users work), else /bin/sh. */
function loginShell(): string {
    const fromEnvironment = GLib.getenv('SHELL');
    if (fromEnvironment)
        return fromEnvironment;
    try {
        const getent = Gio.Subprocess.new(['getent', 'passwd', GLib.get_user_name()],
            Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_SILENCE);
        const [, stdout] = getent.communicate_utf8(null, null);
        const shell = (stdout ?? '').trim().split(':')[6];
        if (getent.get_successful() && shell)
            return shell;
    } catch {
        // getent missing: fall through to the POSIX shell.
    }
    return '/bin/sh';
}

function requireSystemdRun(): void {
    if (GLib.find_program_in_path(SYSTEMD_RUN) === null)
        throw new ConfineError(EXIT.NO_SYSTEMD_RUN, `${SYSTEMD_RUN} was not found in PATH; install systemd`);
}

/** The version of the systemd-run in PATH, or null when it does not say. */
function systemdRunVersion(): number | null {
    try {
        const version = Gio.Subprocess.new([SYSTEMD_RUN, '--version'],
            Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_SILENCE);
        const [, stdout] = version.communicate_utf8(null, null);
        return parseSystemdVersion(stdout ?? '');
    } catch {
        return null;
    }
}

interface Launch {
    readonly desktopId: string;
    readonly appName: string;
    readonly profile: Profile;
    readonly attachment: ServiceAttachment;
    readonly command: readonly string[];
    readonly dryRun: boolean;
}

function launch(request: Launch): number {
    const plan: LaunchPlan = buildLaunchPlan({
        desktopId: request.desktopId,
        appName: request.appName,
        profile: request.profile,
        suffix: newSuffix(),
        systemdRun: SYSTEMD_RUN,
        passEnvironment: serviceEnvironment(GLib.listenv()),
        serviceAttachment: request.attachment,
    });
    // The exact command line depends on the systemd-run that will run it.
    requireSystemdRun();
    const argv = commandLineFor(plan, request.command, systemdRunVersion());
    if (request.dryRun) {
        write(formatCommandLine(argv));
        return EXIT.OK;
    }
    if (GLib.find_program_in_path(request.command[0]) === null)
        throw new ConfineError(EXIT.COMMAND_NOT_FOUND, `${request.command[0]}: command not found`);
    const manager = UserManager.connect();
    manager.announce(plan.unitName);
    return runAndWait(argv, plan, manager);
}

function run(invocation: Extract<Invocation, {command: 'run'}>): number {
    const settings = readProfileSettings(openSettings());
    const {profile} = chooseProfile(invocation, settings);
    const name = commandName(invocation.argv[0]);
    // A service is cut off from our terminal; on a terminal it gets a pty of its own
    // (Ctrl-C, job control and full-screen programs work), otherwise plain pipes, so
    // redirections and pipelines keep working: systemd-run's own --pipe --pty rule.
    const onTerminal = [0, 1, 2].every(isTerminal);
    return launch({
        desktopId: invocation.app ?? name,
        appName: invocation.app !== null ? desktopEntry(invocation.app)?.name ?? invocation.app : name,
        profile,
        attachment: onTerminal ? 'pty' : 'pipe',
        command: invocation.argv,
        dryRun: invocation.dryRun,
    });
}

function shell(invocation: Extract<Invocation, {command: 'shell'}>): number {
    const settings = readProfileSettings(openSettings());
    const {profile} = chooseProfile({profile: invocation.profile, app: null}, settings);
    const loginShellPath = loginShell();
    return launch({
        desktopId: 'shell',
        appName: `${commandName(loginShellPath)} shell`,
        profile,
        attachment: 'pty',
        command: [loginShellPath],
        dryRun: invocation.dryRun,
    });
}

function profiles(invocation: Extract<Invocation, {command: 'profiles'}>): number {
    const settings = readProfileSettings(openSettings());
    if (invocation.idsOnly) {
        for (const id of Object.keys(settings.profiles).sort())
            write(escapeControls(id));
    } else {
        write(formatProfiles(settings));
    }
    return EXIT.OK;
}

function show(desktopId: string): number {
    const settings = readProfileSettings(openSettings());
    const resolution = resolveProfile(desktopId, settings);
    const entry = desktopEntry(desktopId);
    const plan = resolution.kind === 'confined'
        ? buildLaunchPlan({
            desktopId: canonicalDesktopId(desktopId),
            appName: entry?.name ?? desktopId,
            profile: resolution.profile,
            suffix: newSuffix(),
            passEnvironment: DESKTOP_ENVIRONMENT,
        })
        : null;
    write(formatShow({desktopId: canonicalDesktopId(desktopId), resolution, plan, exec: entry?.exec ?? null}));
    if (resolution.kind === 'missing')
        throw unknownProfile(resolution.profileId, settings);
    if (resolution.kind === 'invalid')
        throw invalidProfile(resolution.profileId, resolution.errors);
    return EXIT.OK;
}

function assign(desktopId: string, profileId: string | null): number {
    const gsettings = openSettings();
    const settings = readProfileSettings(gsettings);
    const canonical = canonicalDesktopId(desktopId);
    if (profileId === null) {
        const updated = withAssignment(settings.assignments, desktopId, null);
        if (Object.keys(updated).length === Object.keys(settings.assignments).length) {
            write(`${canonical} had no assignment; it follows the default profile.`);
            return EXIT.OK;
        }
        writeAssignments(gsettings, updated);
        write(`${canonical} now follows the default profile.`);
        return EXIT.OK;
    }
    if (profileId !== '')
        namedProfile(profileId, settings);
    if (desktopEntry(desktopId) === null)
        warn(`confine: note: no installed app has the desktop id ${canonical}; assigning anyway`);
    writeAssignments(gsettings, withAssignment(settings.assignments, desktopId, profileId));
    write(profileId === '' ? `${canonical} now always launches unconfined.` : `${canonical} now uses profile "${profileId}".`);
    return EXIT.OK;
}

function ps(): number {
    const manager = UserManager.connect();
    const units = manager.listConfineUnits();
    if (units.length === 0) {
        write('No units started by Confine are running.');
        return EXIT.OK;
    }
    const blocks: string[] = [];
    for (const unit of units) {
        try {
            blocks.push(formatUnit(unit, manager.unitProperties(unit.name)));
        } catch {
            // The unit ended between the listing and this question.
        }
    }
    write(blocks.join('\n\n'));
    return EXIT.OK;
}

/** `confine check`: a probe in a unit made as a desktop launch makes it, and what it found. */
function check(profileId: string): number {
    const settings = readProfileSettings(openSettings());
    const {profile} = chooseProfile({profile: profileId, app: null}, settings);
    requireSystemdRun();
    // The probe finds a file of our /tmp unless its /tmp is private.
    const probe = sessionProbe(profile, systemdRunVersion(), SYSTEMD_RUN);
    const {tmpMarker} = probe;
    GLib.file_set_contents(tmpMarker, '');
    let stdout: string;
    let stderr: string;
    let succeeded: boolean;
    try {
        const subprocess = Gio.Subprocess.new(probe.argv, Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE);
        const [, out, err] = subprocess.communicate_utf8(null, null);
        [stdout, stderr, succeeded] = [out ?? '', err ?? '', subprocess.get_successful()];
    } finally {
        GLib.unlink(tmpMarker);
    }
    write(`Profile "${escapeControls(profile.name)}" (${escapeControls(profileId)}), probed in ${probe.unitName}`);
    if (!succeeded) {
        throw new ConfineError(EXIT.NOT_IN_EFFECT, `the probe did not run in ${probe.unitName}, so nothing of the ` +
            `profile is in effect: ${escapeControls(stderr.trim()) || 'systemd-run failed'}`);
    }
    const rows = evaluateCheck(profile, parseFindings(stdout));
    write(formatCheck(rows));
    return checkPassed(rows) ? EXIT.OK : EXIT.NOT_IN_EFFECT;
}

function main(args: readonly string[]): number {
    const invocation = parseInvocation(args);
    switch (invocation.command) {
    case 'help':
        write(helpText(invocation.topic));
        return EXIT.OK;
    case 'run':
        return run(invocation);
    case 'shell':
        return shell(invocation);
    case 'profiles':
        return profiles(invocation);
    case 'show':
        return show(invocation.desktopId);
    case 'assign':
        return assign(invocation.desktopId, invocation.profile);
    case 'unassign':
        return assign(invocation.desktopId, null);
    case 'ps':
        return ps();
    case 'check':
        return check(invocation.profile);
    }
}

// The launcher line (build.mjs) ends gjs's own options with "--", which gjs hands on.
const args = ARGV[0] === '--' ? ARGV.slice(1) : ARGV;
let status: number;
try {
    status = main(args);
} catch (error) {
    if (!(error instanceof ConfineError))
        throw error;
    warn(`confine: ${error.message}`);
    status = error.status;
}
System.exit(status);
