// One confined launch: the app's desktop entry with systemd-run in front of its Exec,
// launched through GLib's own desktop-entry machinery.
//
// Going through GLib keeps what a stock launch gives: field codes, Path=,
// Terminal=, startup notification and the activation token. The copy is saved
// under the app's own desktop id, so GLib reports the same id and the shell
// matches the new window to the app.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GioUnix from 'gi://GioUnix';
import Meta from 'gi://Meta';
import Shell from 'gi://Shell';

import {prefixExec} from '../core/execLine.js';
import {
    EARLY_EXIT_WINDOW_MS, earlyEndReason, earlyExitMessage, endOfWaitStatus, journalTail, type UnitEnd,
} from '../core/earlyExit.js';
import {desktopCommand, type LaunchPlan, type LiteralCommand} from '../core/launchPlan.js';
import type {UserManager} from './userManager.js';

const DESKTOP_GROUP = 'Desktop Entry';
/** How long systemd-run gets to create the unit before the launch counts as failed. */
const START_TIMEOUT_MS = 15_000;

/** A launch that did not happen; `message` is for the user. */
export class LaunchFailure extends Error {}

export interface LaunchTarget {
    readonly app: Shell.App;
    /** A desktop action such as "new-window", or null for the main Exec. */
    readonly action: string | null;
    readonly timestamp: number;
    readonly workspace: number;
    readonly discreteGpu: boolean;
}

/** The message of anything thrown: GLib.Error is not an Error in GJS, but has one. */
export function errorMessage(error: unknown): string {
    const message = (error as {message?: unknown} | null)?.message;
    return typeof message === 'string' ? message : String(error);
}

/**
 * Turns whatever a GLib call rejected with into a LaunchFailure that says which step
 * failed, so that no error of the launch path escapes the on-failure policy.
 */
async function step<T>(what: string, work: Promise<T>): Promise<T> {
    try {
        return await work;
    } catch (error) {
        if (error instanceof LaunchFailure)
            throw error;
        throw new LaunchFailure(`${what}: ${errorMessage(error)}`);
    }
}

function loadContents(file: Gio.File, cancellable: Gio.Cancellable): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
        file.load_contents_async(cancellable, (_source, result) => {
            try {
                resolve(file.load_contents_finish(result)[1]);
            } catch (error) {
                reject(error);
            }
        });
    });
}

/** The file's own type and mode (a symlink is not followed), or null when there is nothing. */
function queryType(file: Gio.File, cancellable: Gio.Cancellable): Promise<Gio.FileInfo | null> {
    return new Promise((resolve, reject) => {
        file.query_info_async('standard::type,unix::mode', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS,
            GLib.PRIORITY_DEFAULT, cancellable, (_source, result) => {
                try {
                    resolve(file.query_info_finish(result));
                } catch (error) {
                    if ((error as GLib.Error).matches?.(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND))
                        resolve(null);
                    else
                        reject(error);
                }
            });
    });
}

function makeDirectory(file: Gio.File, cancellable: Gio.Cancellable): Promise<void> {
    return new Promise((resolve, reject) => {
        file.make_directory_async(GLib.PRIORITY_DEFAULT, cancellable, (_source, result) => {
            try {
                file.make_directory_finish(result);
                resolve();
            } catch (error) {
                // Another launch made it meanwhile; what it is gets checked next.
                if ((error as GLib.Error).matches?.(Gio.IOErrorEnum, Gio.IOErrorEnum.EXISTS))
                    resolve();
                else
                    reject(error);
            }
        });
    });
}

function setMode(file: Gio.File, mode: number, cancellable: Gio.Cancellable): Promise<void> {
    const info = new Gio.FileInfo();
    info.set_attribute_uint32('unix::mode', mode);
    return new Promise((resolve, reject) => {
        file.set_attributes_async(info, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, GLib.PRIORITY_DEFAULT,
            cancellable, (_source, result) => {
                try {
                    file.set_attributes_finish(result);
                    resolve();
                } catch (error) {
                    reject(error);
                }
            });
    });
}

const PRIVATE_DIRECTORY = 0o700;

/**
 * Makes `dir` a directory only we can read, or fails. Whatever else stands there (a
 * file, a symlink, even one to a directory) is refused rather than written through.
 */
async function ensurePrivateDirectory(dir: Gio.File, cancellable: Gio.Cancellable): Promise<void> {
    let info = await queryType(dir, cancellable);
    if (!info) {
        await makeDirectory(dir, cancellable);
        info = await queryType(dir, cancellable);
    }
    const type = info?.get_file_type();
    if (type !== Gio.FileType.DIRECTORY) {
        const what = type === Gio.FileType.SYMBOLIC_LINK ? 'a symbolic link' : 'something else';
        throw new LaunchFailure(`${dir.get_path()} is not a directory (${what} is in its place); ` +
            'remove it and launch again');
    }
    if ((info!.get_attribute_uint32('unix::mode') & 0o7777) !== PRIVATE_DIRECTORY)
        await setMode(dir, PRIVATE_DIRECTORY, cancellable);
}

function writeContents(file: Gio.File, text: string, cancellable: Gio.Cancellable): Promise<void> {
    return new Promise((resolve, reject) => {
        const bytes = new GLib.Bytes(new TextEncoder().encode(text));
        file.replace_contents_bytes_async(bytes, null, false, Gio.FileCreateFlags.PRIVATE,
            cancellable, (_source, result) => {
                try {
                    file.replace_contents_finish(result);
                    resolve();
                } catch (error) {
                    reject(error);
                }
            });
    });
}

/**
 * Reaps a launched child as the stock launcher does (wait_pid in shell-app.c). The
 * watch outlives disable() on purpose: removed, it would leave every app that exits
 * later a zombie, and its callback touches nothing of the extension's state.
 */
function reapChild(pid: number, exited: (waitStatus: number) => void): void {
    GLib.child_watch_add(GLib.PRIORITY_DEFAULT, pid, (_pid, waitStatus) => {
        GLib.spawn_close_pid(pid);
        exited(waitStatus);
    });
}

/** The last lines the unit wrote to the journal (a service's output goes there). */
function readJournalTail(unitName: string, cancellable: Gio.Cancellable): Promise<string[]> {
    return new Promise(resolve => {
        try {
            // What the unit's processes wrote; --unit would add the manager's lines about it.
            const journalctl = Gio.Subprocess.new(['journalctl', '--user', `_SYSTEMD_USER_UNIT=${unitName}`, '--lines=5',
                '--output=cat', '--no-pager', '--quiet'],
            Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_SILENCE);
            journalctl.communicate_utf8_async(null, cancellable, (_source, result) => {
                try {
                    const [, stdout] = journalctl.communicate_utf8_finish(result);
                    resolve(journalTail(stdout ?? ''));
                } catch {
                    resolve([]);
                }
            });
        } catch {
            // No journalctl: the reason alone has to do.
            resolve([]);
        }
    });
}

/** What the manager told about a service's end so far, in the terms of UnitEnd. */
function unitEndOf(properties: Record<string, unknown>): UnitEnd {
    const number = (name: string) => typeof properties[name] === 'number' ? properties[name] as number : undefined;
    return {
        result: typeof properties.Result === 'string' ? properties.Result : undefined,
        code: number('ExecMainCode'),
        status: number('ExecMainStatus'),
    };
}

/** A launch that happened: `earlyExit` resolves with a message when the unit ended early, else with null. */
export interface Launched {
    readonly earlyExit: Promise<string | null>;
}

/**
 * The app's desktop entry with the launch plan in front of the Exec line that this
 * launch runs. A desktop action becomes the main Exec, so one code path serves both.
 */
function rewriteDesktopEntry(contents: Uint8Array, action: string | null, command: LiteralCommand): string {
    const keyFile = new GLib.KeyFile();
    try {
        keyFile.load_from_bytes(new GLib.Bytes(contents),
            GLib.KeyFileFlags.KEEP_COMMENTS | GLib.KeyFileFlags.KEEP_TRANSLATIONS);
    } catch (error) {
        throw new LaunchFailure(`its desktop file could not be parsed: ${errorMessage(error)}`);
    }
    const group = action === null ? DESKTOP_GROUP : `Desktop Action ${action}`;
    let exec: string;
    try {
        exec = keyFile.get_string(group, 'Exec');
    } catch {
        throw new LaunchFailure(action === null
            ? 'its desktop file has no Exec line, so it can only be started over D-Bus, outside any unit Confine could make'
            : `its desktop action “${action}” has no Exec line`);
    }
    if (exec.trim() === '')
        throw new LaunchFailure('its desktop file has an empty Exec line');
    keyFile.set_string(DESKTOP_GROUP, 'Exec', prefixExec(command.argv, command.protect(exec)));
    // GLib would otherwise activate the app over D-Bus and never run the Exec line.
    for (const key of ['DBusActivatable', 'TryExec']) {
        try {
            keyFile.remove_key(DESKTOP_GROUP, key);
        } catch {
            // Not set in this entry.
        }
    }
    return keyFile.to_data()[0];
}

/** True when GLib puts a terminal in front of the app's command. */
export function runsInTerminal(app: Shell.App): boolean {
    return (app.get_app_info() as GioUnix.DesktopAppInfo).get_boolean('Terminal');
}

/** The environment switcheroo-control gives for the discrete GPU: name, value, name, value … */
export function discreteGpuEnvironment(): string[] {
    const proxy = global.get_switcheroo_control();
    const gpus = proxy?.get_cached_property('GPUs')?.recursiveUnpack() as
        Array<{Default?: boolean; Environment?: string[]}> | undefined;
    const discrete = gpus?.find(gpu => gpu.Default === false && gpu.Environment);
    return discrete?.Environment ?? [];
}

/** The discrete GPU's environment, as the shell applies it. */
function applyDiscreteGpuEnvironment(context: Gio.AppLaunchContext): void {
    const environment = discreteGpuEnvironment();
    for (let i = 0; i + 1 < environment.length; i += 2)
        context.setenv(environment[i], environment[i + 1]);
}

/**
 * Our own launch context. `global.create_app_launch_context()` would also move the
 * PID into GNOME's app-gnome-*.scope, racing systemd-run for the same process.
 */
function createLaunchContext(target: LaunchTarget): Gio.AppLaunchContext {
    const context = new Meta.LaunchContext({display: global.display});
    context.set_timestamp(target.timestamp || global.get_current_time());
    if (target.workspace > -1) {
        const workspace = global.workspace_manager.get_workspace_by_index(target.workspace);
        if (workspace)
            context.set_workspace(workspace);
    }
    if (target.discreteGpu)
        applyDiscreteGpuEnvironment(context);
    return context;
}

export class ConfinedLauncher {
    readonly #runtimeDir: Gio.File;
    readonly #desktopEntries = new Map<string, Promise<Uint8Array>>();
    readonly #busy = new Map<string, Promise<void>>();
    /** The desktop-entry copies written since enable, removed on disable. */
    readonly #copies = new Set<string>();
    readonly #userManager: UserManager;
    readonly #cancellable = new Gio.Cancellable();
    /** Pending timeouts and how to wake their waiters when we are destroyed. */
    readonly #timers = new Map<number, (elapsed: boolean) => void>();

    constructor(userManager: UserManager) {
        this.#userManager = userManager;
        this.#runtimeDir = Gio.File.new_for_path(GLib.build_filenamev([GLib.get_user_runtime_dir(), 'confine']));
        Shell.AppSystem.get_default().connectObject('installed-changed', () => this.#desktopEntries.clear(), this);
    }

    destroy(): void {
        Shell.AppSystem.get_default().disconnectObject(this);
        this.#desktopEntries.clear();
        this.#cancellable.cancel();
        // The copies stay while we are enabled (GIO_LAUNCHED_DESKTOP_FILE names them),
        // not after. Deleting is left to finish on its own: nothing of ours is touched then.
        for (const path of this.#copies)
            Gio.File.new_for_path(path).delete_async(GLib.PRIORITY_LOW, null, (file, result) => {
                try {
                    file!.delete_finish(result);
                } catch {
                    // Already gone.
                }
            });
        this.#copies.clear();
        for (const [id, wake] of this.#timers) {
            GLib.Source.remove(id);
            wake(false);
        }
        this.#timers.clear();
    }

    /**
     * Resolves when the unit runs the app; rejects with a LaunchFailure otherwise.
     * `ready` is the caller's own check, which gives systemd's version; it is awaited
     * just before spawning so that it runs alongside the file work instead of before it.
     */
    async launch(target: LaunchTarget, plan: LaunchPlan, ready: Promise<number>): Promise<Launched> {
        // Rejections of `ready` are handled by the Promise.all below; this only keeps
        // an early return from reporting them as unhandled.
        ready.catch(() => {});
        const appInfo = target.app.get_app_info() as GioUnix.DesktopAppInfo;
        const source = appInfo.get_filename();
        if (!source)
            throw new LaunchFailure('it has no desktop file to start it from');

        // The copy must carry the app's desktop id as its file name, so there is one
        // per app; it stays after the launch, as GIO_LAUNCHED_DESKTOP_FILE names it.
        const copy = this.#runtimeDir.get_child(target.app.get_id());
        const [contents, , systemdVersion] = await Promise.all([
            step(`its desktop file ${source} could not be read`, this.#desktopEntry(source)),
            step(`${this.#runtimeDir.get_path()} could not be made`,
                ensurePrivateDirectory(this.#runtimeDir, this.#cancellable)),
            ready,
        ]);
        const command = desktopCommand(plan, systemdVersion);
        const info = await this.#exclusively(copy.get_path()!, async () => {
            await step(`its desktop entry could not be copied to ${this.#runtimeDir.get_path()}`,
                writeContents(copy, rewriteDesktopEntry(contents, target.action, command), this.#cancellable));
            this.#copies.add(copy.get_path()!);
            return GioUnix.DesktopAppInfo.new_from_filename(copy.get_path()!);
        });
        return this.#spawn(info, target, plan);
    }

    /**
     * Runs `task` after every earlier task for the same `key`: two quick launches of
     * one app must not write the shared copy between the other's write and read.
     */
    async #exclusively<T>(key: string, task: () => Promise<T>): Promise<T> {
        const previous = this.#busy.get(key) ?? Promise.resolve();
        const current = previous.then(task, task);
        const settled = current.then(() => {}, () => {});
        this.#busy.set(key, settled);
        try {
            return await current;
        } finally {
            if (this.#busy.get(key) === settled)
                this.#busy.delete(key);
        }
    }

    /**
     * The app's desktop file as it is now. Read once and kept until the shell reports
     * a change in the installed apps, which covers every edit of a desktop file.
     */
    #desktopEntry(path: string): Promise<Uint8Array> {
        let contents = this.#desktopEntries.get(path);
        if (!contents) {
            contents = loadContents(Gio.File.new_for_path(path), this.#cancellable);
            contents.catch(() => this.#desktopEntries.delete(path));
            this.#desktopEntries.set(path, contents);
        }
        return contents;
    }

    async #spawn(info: GioUnix.DesktopAppInfo | null, target: LaunchTarget, plan: LaunchPlan): Promise<Launched> {
        if (!info) {
            // GLib refuses an entry whose Exec program is not on PATH: here, systemd-run.
            if (GLib.find_program_in_path(plan.argv[0]) === null)
                throw new LaunchFailure('systemd-run is not installed (it comes with systemd)');
            throw new LaunchFailure('GLib could not read the rewritten desktop entry');
        }

        let reportOutcome: (result: string) => void = () => {};
        const outcome = new Promise<string>(resolve => {
            reportOutcome = resolve;
        });
        await this.#userManager.watchUnit(plan.unitName, reportOutcome);
        const inTerminal = runsInTerminal(target.app);
        // A service's end is only known to the manager; watched from before its start,
        // as the app may die the moment it runs.
        let reportServiceEnd: (end: UnitEnd) => void = () => {};
        const serviceEnd = new Promise<UnitEnd>(resolve => {
            reportServiceEnd = resolve;
        });
        const seen: Record<string, unknown> = {};
        let started = false;
        const unwatchService = plan.unitType === 'service'
            ? this.#userManager.watchProperties(plan.unitName, changed => {
                Object.assign(seen, changed);
                // A new unit may first announce itself "inactive"; only "failed" or an
                // "inactive" after a start is an end.
                if (seen.ActiveState === 'activating' || seen.ActiveState === 'active')
                    started = true;
                if (seen.ActiveState === 'failed' || (seen.ActiveState === 'inactive' && started)) {
                    // The exit status comes in a signal of the Service interface, sent
                    // with this one: a round trip makes sure it is here too.
                    void this.#userManager.sync().catch(() => {}).then(() => reportServiceEnd(unitEndOf(seen)));
                }
            })
            : () => {};
        const context = createLaunchContext(target);
        let startupId: string | null = null;
        context.connect('launched', (_context, _info, platformData: GLib.Variant) => {
            startupId = platformData.lookup_value('startup-notification-id', null)?.get_string()[0] ?? null;
        });
        let pid = 0;
        try {
            // The flags of the stock launch (shell-app.c): with them GLib takes its
            // posix_spawn path, which does not copy the shell's page tables and so
            // costs about a millisecond where a double fork costs tens.
            info.launch_uris_as_manager([], context,
                GLib.SpawnFlags.SEARCH_PATH | GLib.SpawnFlags.DO_NOT_REAP_CHILD |
                GLib.SpawnFlags.LEAVE_DESCRIPTORS_OPEN,
                null, (_info: GioUnix.DesktopAppInfo, childPid: number) => {
                    pid = childPid;
                });
        } catch (error) {
            this.#userManager.forgetUnit(plan.unitName);
            unwatchService();
            const gerror = error as GLib.Error;
            if (gerror.matches?.(GLib.SpawnError, GLib.SpawnError.NOENT) && /systemd-run/.test(gerror.message))
                throw new LaunchFailure('systemd-run is not installed (it comes with systemd)');
            throw new LaunchFailure(`it could not be started: ${gerror.message}`);
        }

        const exited = new Promise<number>(resolve => reapChild(pid, resolve));
        let settled = false;
        // For a Terminal=true app the child is the terminal, which runs systemd-run in
        // its window; its client often hands the command to a running terminal and
        // exits at once, so its exit says nothing about the unit.
        const failed = inTerminal ? new Promise<string>(() => {}) : exited.then(async () => {
            // A scope's child is the app itself, which may exit hours after its launch.
            if (settled)
                return 'done';
            // The manager's reply to this comes after any JobRemoved it sent first,
            // so a unit that did start has been reported by then.
            await this.#userManager.sync().catch(() => {});
            return `systemd-run exited without starting ${plan.unitName}: the user manager refused the unit ` +
                '(details: journalctl --user -b -t systemd-run)';
        });
        const timer = this.#startTimer(START_TIMEOUT_MS);
        const timedOut = timer.elapsed.then(elapsed => {
            if (!elapsed)
                return 'Confine was disabled during the launch';
            // Only systemd-run may be signalled: a terminal's PID may by now be that of
            // a window with other work in it.
            if (!inTerminal)
                GLib.spawn_async(null, ['kill', '-TERM', `${pid}`], null, GLib.SpawnFlags.SEARCH_PATH, null);
            return `the systemd user manager did not start ${plan.unitName} within ${START_TIMEOUT_MS / 1000} s`;
        });
        const result = await Promise.race([outcome, failed, timedOut]);
        settled = true;
        timer.cancel();
        if (result !== 'done') {
            unwatchService();
            if (inTerminal)
                this.#userManager.stopIfStarted(plan.unitName);
            else
                this.#userManager.forgetUnit(plan.unitName);
            // Ends the startup sequence: left open, the app would stay "starting" and
            // the shell would ignore the fallback launch.
            if (startupId)
                context.launch_failed(startupId);
            throw new LaunchFailure(result);
        }
        // A scope's child is the app itself; a service's and a terminal's are not.
        const end = plan.unitType === 'scope' && !inTerminal ? exited.then(endOfWaitStatus) : serviceEnd;
        return {earlyExit: this.#watchEarlyExit(plan, end).finally(unwatchService)};
    }

    /** The message for a unit that ends with a failure within the first seconds, or null. */
    async #watchEarlyExit(plan: LaunchPlan, end: Promise<UnitEnd>): Promise<string | null> {
        const timer = this.#startTimer(EARLY_EXIT_WINDOW_MS);
        const first = await Promise.race([end, timer.elapsed.then(() => null)]);
        timer.cancel();
        const reason = first === null ? null : earlyEndReason(first);
        if (reason === null || this.#cancellable.is_cancelled())
            return null;
        // A scope's app writes to the shell's own journal stream, not to its unit's.
        const journal = plan.unitType === 'service' ? await readJournalTail(plan.unitName, this.#cancellable) : [];
        return earlyExitMessage(plan.unitName, reason, journal);
    }

    /** A timeout that the launcher's destroy() removes; `elapsed` is false when cancelled. */
    #startTimer(ms: number): {elapsed: Promise<boolean>; cancel: () => void} {
        let id = 0;
        const elapsed = new Promise<boolean>(resolve => {
            if (this.#cancellable.is_cancelled()) {
                resolve(false);
                return;
            }
            id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
                this.#timers.delete(id);
                resolve(true);
                return GLib.SOURCE_REMOVE;
            });
            this.#timers.set(id, resolve);
        });
        const cancel = () => {
            const wake = this.#timers.get(id);
            if (wake) {
                GLib.Source.remove(id);
                this.#timers.delete(id);
                wake(false);
            }
        };
        return {elapsed, cancel};
    }
}
