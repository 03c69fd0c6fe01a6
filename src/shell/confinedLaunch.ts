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
import type {LaunchPlan} from '../core/launchPlan.js';
import type {UserManager} from './userManager.js';

const DESKTOP_GROUP = 'Desktop Entry';
/** How long systemd-run gets to create the unit before the launch counts as failed. */
const START_TIMEOUT_MS = 15_000;
const POLL_INTERVAL_MS = 50;

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

function makeDirectory(file: Gio.File, cancellable: Gio.Cancellable): Promise<void> {
    return new Promise((resolve, reject) => {
        file.make_directory_async(GLib.PRIORITY_DEFAULT, cancellable, (_source, result) => {
            try {
                file.make_directory_finish(result);
                resolve();
            } catch (error) {
                if ((error as GLib.Error).matches?.(Gio.IOErrorEnum, Gio.IOErrorEnum.EXISTS))
                    resolve();
                else
                    reject(error);
            }
        });
    });
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

function deleteQuietly(file: Gio.File): void {
    file.delete_async(GLib.PRIORITY_LOW, null, (_source, result) => {
        try {
            file.delete_finish(result);
        } catch {
            // Already gone, or the runtime directory was cleared: nothing to tidy.
        }
    });
}

function processExists(pid: number, cancellable: Gio.Cancellable): Promise<boolean> {
    const file = Gio.File.new_for_path(`/proc/${pid}`);
    return new Promise(resolve => {
        file.query_info_async('standard::type', Gio.FileQueryInfoFlags.NONE, GLib.PRIORITY_DEFAULT,
            cancellable, (_source, result) => {
                try {
                    file.query_info_finish(result);
                    resolve(true);
                } catch {
                    resolve(false);
                }
            });
    });
}

/**
 * The app's desktop entry with the launch plan in front of the Exec line that this
 * launch runs. A desktop action becomes the main Exec, so one code path serves both.
 */
export function rewriteDesktopEntry(contents: Uint8Array, action: string | null, plan: LaunchPlan): string {
    const keyFile = new GLib.KeyFile();
    keyFile.load_from_bytes(new GLib.Bytes(contents),
        GLib.KeyFileFlags.KEEP_COMMENTS | GLib.KeyFileFlags.KEEP_TRANSLATIONS);
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
    keyFile.set_string(DESKTOP_GROUP, 'Exec', prefixExec(plan.argv, exec));
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

/** The environment switcheroo-control gives for the discrete GPU, as the shell applies it. */
function applyDiscreteGpuEnvironment(context: Gio.AppLaunchContext): void {
    const proxy = global.get_switcheroo_control();
    const gpus = proxy?.get_cached_property('GPUs')?.recursiveUnpack() as
        Array<{Default?: boolean; Environment?: string[]}> | undefined;
    const discrete = gpus?.find(gpu => gpu.Default === false && gpu.Environment);
    const environment = discrete?.Environment ?? [];
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
    #runtimeDirReady: Promise<void> | null = null;
    readonly #userManager: UserManager;
    readonly #cancellable = new Gio.Cancellable();
    /** Pending poll timers and how to wake their waiters when we are destroyed. */
    readonly #timers = new Map<number, (elapsed: boolean) => void>();

    constructor(userManager: UserManager) {
        this.#userManager = userManager;
        this.#runtimeDir = Gio.File.new_for_path(GLib.build_filenamev([GLib.get_user_runtime_dir(), 'confine']));
    }

    destroy(): void {
        this.#cancellable.cancel();
        for (const [id, wake] of this.#timers) {
            GLib.Source.remove(id);
            wake(false);
        }
        this.#timers.clear();
    }

    /**
     * Resolves when the unit runs the app; rejects with a LaunchFailure otherwise.
     * `ready` is the caller's own check, awaited just before spawning so that it
     * runs alongside the file work instead of before it.
     */
    async launch(target: LaunchTarget, plan: LaunchPlan, ready: Promise<void>): Promise<void> {
        // Rejections of `ready` are handled by the Promise.all below; this only keeps
        // an early return from reporting them as unhandled.
        ready.catch(() => {});
        const appInfo = target.app.get_app_info() as GioUnix.DesktopAppInfo;
        const source = appInfo.get_filename();
        if (!source)
            throw new LaunchFailure('it has no desktop file to start it from');

        // One directory per launch: the file must carry the app's desktop id as its
        // name, and concurrent launches of one app each need their own Exec line.
        const launchDir = this.#runtimeDir.get_child(plan.unitName.replace(/[^A-Za-z0-9]/g, '_'));
        const copy = launchDir.get_child(target.app.get_id());
        try {
            const [contents] = await Promise.all([
                loadContents(Gio.File.new_for_path(source), this.#cancellable),
                this.#ensureRuntimeDir().then(() => makeDirectory(launchDir, this.#cancellable)),
                ready,
            ]);
            await writeContents(copy, rewriteDesktopEntry(contents, target.action, plan), this.#cancellable);
            await this.#spawn(copy, target, plan);
        } finally {
            deleteQuietly(copy);
            deleteQuietly(launchDir);
        }
    }

    #ensureRuntimeDir(): Promise<void> {
        this.#runtimeDirReady ??= makeDirectory(this.#runtimeDir, this.#cancellable).catch(error => {
            this.#runtimeDirReady = null;
            throw error;
        });
        return this.#runtimeDirReady;
    }

    async #spawn(copy: Gio.File, target: LaunchTarget, plan: LaunchPlan): Promise<void> {
        const info = GioUnix.DesktopAppInfo.new_from_filename(copy.get_path()!);
        if (!info) {
            // GLib refuses an entry whose Exec program is not on PATH: here, systemd-run.
            if (GLib.find_program_in_path(plan.argv[0]) === null)
                throw new LaunchFailure('systemd-run is not installed (it comes with systemd)');
            throw new LaunchFailure('GLib could not read the rewritten desktop entry');
        }

        const outcome = new Promise<string>(resolve => this.#userManager.watchUnit(plan.unitName, resolve));
        const context = createLaunchContext(target);
        let startupId: string | null = null;
        context.connect('launched', (_context, _info, platformData: GLib.Variant) => {
            startupId = platformData.lookup_value('startup-notification-id', null)?.get_string()[0] ?? null;
        });
        let pid = 0;
        try {
            // No DO_NOT_REAP_CHILD: GLib then double-forks, and the user manager, a
            // subreaper, reaps the app; the shell keeps no child watch per app.
            info.launch_uris_as_manager([], context, GLib.SpawnFlags.SEARCH_PATH,
                null, (_info: GioUnix.DesktopAppInfo, childPid: number) => {
                    pid = childPid;
                });
        } catch (error) {
            this.#userManager.forgetUnit(plan.unitName);
            const gerror = error as GLib.Error;
            if (gerror.matches?.(GLib.SpawnError, GLib.SpawnError.NOENT) && /systemd-run/.test(gerror.message))
                throw new LaunchFailure('systemd-run is not installed (it comes with systemd)');
            throw new LaunchFailure(`it could not be started: ${gerror.message}`);
        }

        let settled = false;
        const result = await Promise.race([outcome, this.#watchProcess(pid, plan.unitName, () => settled)]);
        settled = true;
        if (result !== 'done') {
            this.#userManager.forgetUnit(plan.unitName);
            // Ends the startup sequence: left open, the app would stay "starting" and
            // the shell would ignore the fallback launch.
            if (startupId)
                context.launch_failed(startupId);
            throw new LaunchFailure(result);
        }
    }

    /**
     * Settles with a failure message if systemd-run goes away or hangs without the
     * manager ever finishing the unit's start job; stops quietly once `settled()`.
     */
    async #watchProcess(pid: number, unitName: string, settled: () => boolean): Promise<string> {
        const deadline = GLib.get_monotonic_time() + START_TIMEOUT_MS * 1000;
        while (await this.#sleep(POLL_INTERVAL_MS) && !settled()) {
            if (!await processExists(pid, this.#cancellable)) {
                // The manager's reply to this comes after any JobRemoved it sent first.
                await this.#userManager.sync();
                return `systemd-run exited without starting ${unitName}: the user manager refused the unit ` +
                    '(details: journalctl --user -b -t systemd-run)';
            }
            if (GLib.get_monotonic_time() > deadline) {
                GLib.spawn_async(null, ['kill', '-TERM', `${pid}`], null, GLib.SpawnFlags.SEARCH_PATH, null);
                return `the systemd user manager did not start ${unitName} within ${START_TIMEOUT_MS / 1000} s`;
            }
        }
        return 'Confine was disabled during the launch';
    }

    /** Resolves true after `ms`, or false at once when the launcher is destroyed. */
    #sleep(ms: number): Promise<boolean> {
        if (this.#cancellable.is_cancelled())
            return Promise.resolve(false);
        return new Promise(resolve => {
            const id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
                this.#timers.delete(id);
                resolve(true);
                return GLib.SOURCE_REMOVE;
            });
            this.#timers.set(id, resolve);
        });
    }
}
