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
import {gettext as _} from 'resource:///org/gnome/shell/extensions/extension.js';

import {
    EARLY_EXIT_WINDOW_MS, earlyEndReason, earlyExitMessage, endOfWaitStatus, journalTail, type UnitEnd,
} from '../core/earlyExit.js';
import {
    LaunchFailure, STARTED, errorMessage, jobOutcome, notStarted, type StartOutcome,
} from '../core/launchFailure.js';
import {desktopCommand, type LaunchPlan} from '../core/launchPlan.js';
import {fill} from '../core/translate.js';
import {rewriteDesktopEntry} from './desktopEntry.js';
import {deleteFile, ensurePrivateDirectory, loadContents, writeContents} from './runtimeFiles.js';
import type {UserManager} from './userManager.js';

/** How long systemd-run gets to create the unit before the launch counts as failed. */
const START_TIMEOUT_MS = 15_000;

// Still imported from here by the limit notifications and the running-apps menu.
export {errorMessage};

export interface LaunchTarget {
    readonly app: Shell.App;
    /** A desktop action such as "new-window", or null for the main Exec. */
    readonly action: string | null;
    readonly timestamp: number;
    readonly workspace: number;
    readonly discreteGpu: boolean;
}

// A function, not a constant: gettext answers only once the extension is loaded.
const NO_SYSTEMD_RUN = () => _('systemd-run is not installed (it comes with systemd)');

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
    /** The desktop-entry copies on disk, removed on disable at the latest. */
    readonly #copies = new Set<string>();
    /** How many launches still need each copy (see #releaseCopy). */
    readonly #copyUsers = new Map<string, number>();
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
        // Copies of launches still under way go too. Deleting is left to finish on its
        // own: nothing of ours is touched then.
        for (const path of this.#copies)
            deleteFile(Gio.File.new_for_path(path), null).catch(() => {});
        this.#copies.clear();
        this.#copyUsers.clear();
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
            throw new LaunchFailure(_('it has no desktop file to start it from'));

        // The copy must carry the app's desktop id as its file name, so there is one
        // per app, shared by its launches under way.
        const copy = this.#runtimeDir.get_child(target.app.get_id());
        const path = copy.get_path()!;
        const runtimeDir = this.#runtimeDir.get_path() ?? '';
        const [contents, , systemdVersion] = await Promise.all([
            step(fill(_('its desktop file {path} could not be read'), {path: source}), this.#desktopEntry(source)),
            step(fill(_('{path} could not be made'), {path: runtimeDir}),
                ensurePrivateDirectory(this.#runtimeDir, this.#cancellable, _)),
            ready,
        ]);
        const command = desktopCommand(plan, systemdVersion);
        let launched: Launched;
        try {
            const info = await this.#exclusively(path, async () => {
                this.#copyUsers.set(path, (this.#copyUsers.get(path) ?? 0) + 1);
                this.#copies.add(path);
                await step(fill(_('its desktop entry could not be copied to {path}'), {path: runtimeDir}),
                    writeContents(copy, rewriteDesktopEntry(contents, target.action, command, _), this.#cancellable));
                return GioUnix.DesktopAppInfo.new_from_filename(path);
            });
            launched = await this.#spawn(info, target, plan);
        } catch (error) {
            this.#releaseCopy(path);
            throw error;
        }
        const release = () => this.#releaseCopy(path);
        void launched.earlyExit.then(release, release);
        return launched;
    }

    /**
     * One launch no longer needs the copy at `path`; the last one removes it.
     *
     * GLib reads the whole entry when it loads the copy and spawns from what it read,
     * so after the spawn only the app itself may still open the file: GLib hands it
     * the copy's path in GIO_LAUNCHED_DESKTOP_FILE (and for a %k in Exec). Readers of
     * that variable seen in the wild take its file name as the app's desktop id, which
     * stays right; an app that reads the file itself does so as it starts. So the copy
     * stays through the early-exit window (the app's first seconds, from the unit's
     * start) and goes then, or at once when the launch failed. It is not worth keeping
     * longer: its Exec names this launch's unit, which nothing can start a second time.
     */
    #releaseCopy(path: string): void {
        const users = (this.#copyUsers.get(path) ?? 1) - 1;
        if (users > 0) {
            this.#copyUsers.set(path, users);
            return;
        }
        this.#copyUsers.delete(path);
        // After destroy() everything is deleted already, and a later enable may be
        // writing the same path anew.
        if (this.#cancellable.is_cancelled())
            return;
        // In turn with the launches of the same app: one that started writing the
        // copy again meanwhile keeps it.
        this.#exclusively(path, async () => {
            if (this.#copyUsers.has(path) || this.#cancellable.is_cancelled())
                return;
            await deleteFile(Gio.File.new_for_path(path), this.#cancellable);
            this.#copies.delete(path);
        }).catch(error => {
            if (!this.#cancellable.is_cancelled())
                console.warn(`Confine: could not remove ${path}: ${errorMessage(error)}`);
        });
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
                throw new LaunchFailure(NO_SYSTEMD_RUN());
            throw new LaunchFailure(_('GLib could not read the rewritten desktop entry'));
        }

        let reportOutcome: (outcome: StartOutcome) => void = () => {};
        const jobDone = new Promise<StartOutcome>(resolve => {
            reportOutcome = resolve;
        });
        await this.#userManager.watchUnit(plan.unitName, result => reportOutcome(jobOutcome(plan.unitName, result, _)));
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
                throw new LaunchFailure(NO_SYSTEMD_RUN());
            throw new LaunchFailure(fill(_('it could not be started: {error}'), {error: errorMessage(error)}));
        }

        const exited = new Promise<number>(resolve => reapChild(pid, resolve));
        let settled = false;
        // For a Terminal=true app the child is the terminal, which runs systemd-run in
        // its window; its client often hands the command to a running terminal and
        // exits at once, so its exit says nothing about the unit.
        const failed = inTerminal ? new Promise<StartOutcome>(() => {}) : exited.then(async () => {
            // A scope's child is the app itself, which may exit hours after its launch.
            if (settled)
                return STARTED;
            // The manager's reply to this comes after any JobRemoved it sent first,
            // so a unit that did start has been reported by then.
            await this.#userManager.sync().catch(() => {});
            return notStarted(fill(
                _('systemd-run exited without starting {unit}: the user manager refused the unit (details: journalctl --user -b -t systemd-run)'),
                {unit: plan.unitName}));
        });
        const timer = this.#startTimer(START_TIMEOUT_MS);
        const timedOut = timer.elapsed.then(elapsed => {
            if (!elapsed)
                return notStarted(_('Confine was disabled during the launch'));
            // Only systemd-run may be signalled: a terminal's PID may by now be that of
            // a window with other work in it.
            if (!inTerminal)
                GLib.spawn_async(null, ['kill', '-TERM', `${pid}`], null, GLib.SpawnFlags.SEARCH_PATH, null);
            return notStarted(fill(_('the systemd user manager did not start {unit} within {seconds} s'),
                {unit: plan.unitName, seconds: START_TIMEOUT_MS / 1000}));
        });
        const outcome = await Promise.race([jobDone, failed, timedOut]);
        settled = true;
        timer.cancel();
        if (!outcome.started) {
            unwatchService();
            if (inTerminal)
                this.#userManager.stopIfStarted(plan.unitName);
            else
                this.#userManager.forgetUnit(plan.unitName);
            // Ends the startup sequence: left open, the app would stay "starting" and
            // the shell would ignore the fallback launch.
            if (startupId)
                context.launch_failed(startupId);
            throw new LaunchFailure(outcome.reason);
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
        const reason = first === null ? null : earlyEndReason(first, _);
        if (reason === null || this.#cancellable.is_cancelled())
            return null;
        // A scope's app writes to the shell's own journal stream, not to its unit's.
        const journal = plan.unitType === 'service' ? await readJournalTail(plan.unitName, this.#cancellable) : [];
        return earlyExitMessage(plan.unitName, reason, journal, _);
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
