// Redirects app launches into confined units.
//
// Every launch path of the shell (app grid, dash, search, Dash to Dock, the icon
// menu, Super+N) ends in one of five Shell.App methods. They call each other in C,
// where a JS override is not seen, so each entry point is patched on its own.

import type Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import type GioUnix from 'gi://GioUnix';
import Shell from 'gi://Shell';
import {InjectionManager, gettext as _} from 'resource:///org/gnome/shell/extensions/extension.js';

import {
    LaunchFailure, errorMessage, failureNotice, type FailureCause,
} from '../core/launchFailure.js';
import {DESKTOP_ENVIRONMENT, desktopLaunchPlan, desktopLaunchProblem} from '../core/launchPlan.js';
import {findProperty} from '../core/properties.js';
import {resolveProfile} from '../core/resolution.js';
import {fill} from '../core/translate.js';
import {randomSuffix} from '../core/unitName.js';
import {profileLabel, summarizeErrors, type Profile} from '../core/validation.js';
import {
    failurePolicy, foreignValues, foreignValuesFor, type StoredValues,
} from '../core/storedValues.js';
import {readProfileSettings} from '../settings/profileStore.js';
import {NOTIFY_CONFINED_LAUNCH_KEY, ON_FAILURE_KEY} from '../settings/schema.js';
import {StoredSettings} from '../settings/storedValues.js';
import {ConfinedLauncher, discreteGpuEnvironment, runsInTerminal, type LaunchTarget} from './confinedLaunch.js';
import type {Notifier} from './notifier.js';
import {UserManagerUnavailable, type UserManager} from './userManager.js';

type Request = Omit<LaunchTarget, 'app'>;

/** The reason of a failure nobody foresaw. */
function unexpected(error: unknown): string {
    return fill(_('an unexpected error: {error}'), {error: errorMessage(error)});
}

function prefersDiscreteGpu(app: Shell.App, preference: Shell.AppLaunchGpu): boolean {
    if (preference === Shell.AppLaunchGpu.APP_PREF)
        return (app.get_app_info() as GioUnix.DesktopAppInfo).get_boolean('PrefersNonDefaultGPU');
    return preference === Shell.AppLaunchGpu.DISCRETE;
}

/** Properties of the profile that this systemd is too old to know. */
function unsupportedProperties(profile: Profile, systemdVersion: number): string[] {
    return [...profile.properties.keys()].filter(name => (findProperty(name)?.since ?? 0) > systemdVersion);
}

export class Launcher {
    readonly #settings: Gio.Settings;
    readonly #notifier: Notifier;
    readonly #injections = new InjectionManager();
    readonly #userManager: UserManager;
    readonly #confinedLauncher: ConfinedLauncher;
    readonly #storedSettings: StoredSettings;
    /** The last complete reading of the stored settings. */
    #stored: StoredValues = new Map();
    #reportedForeign = '';
    /** Apps whose confined launch is under way: a second click must not start another. */
    readonly #pending = new Set<string>();
    #systemdVersion: Promise<number> | null = null;
    #destroyed = false;
    readonly #onFallback: (desktopId: string) => void;

    /**
     * `onFallback`: told of an app about to start the stock way after its confined launch
     * failed (on-failure launch-unconfined), so that nothing limits it behind the back of
     * the notification that says it runs without limits.
     */
    constructor(settings: Gio.Settings, notifier: Notifier, userManager: UserManager, onFallback: (desktopId: string) => void) {
        this.#settings = settings;
        this.#onFallback = onFallback;
        this.#notifier = notifier;
        this.#userManager = userManager;
        this.#confinedLauncher = new ConfinedLauncher(userManager);
        this.#storedSettings = new StoredSettings(settings, stored => this.#reportForeignValues(stored));
        this.#patch();
    }

    destroy(): void {
        this.#destroyed = true;
        this.#injections.clear();
        this.#storedSettings.destroy();
        this.#confinedLauncher.destroy();
        this.#pending.clear();
    }

    #patch(): void {
        // The overrides run with `this` bound to the Shell.App; `launcher` is us.
        // eslint-disable-next-line @typescript-eslint/no-this-alias
        const launcher = this;
        const proto = Shell.App.prototype;

        this.#injections.overrideMethod(proto, 'activate', original => function (this: Shell.App) {
            if (!launcher.#activate(this, {action: null, timestamp: 0, workspace: -1, discreteGpu: false},
                () => original.call(this)))
                original.call(this);
        });

        this.#injections.overrideMethod(proto, 'activate_full', original =>
            function (this: Shell.App, workspace: number, timestamp: number) {
                if (!launcher.#activate(this, {action: null, timestamp, workspace, discreteGpu: false},
                    () => original.call(this, workspace, timestamp)))
                    original.call(this, workspace, timestamp);
            });

        this.#injections.overrideMethod(proto, 'open_new_window', original =>
            function (this: Shell.App, workspace: number) {
                if (!launcher.#openNewWindow(this, workspace, () => original.call(this, workspace)))
                    original.call(this, workspace);
            });

        this.#injections.overrideMethod(proto, 'launch', original =>
            function (this: Shell.App, timestamp: number, workspace: number, gpuPreference: Shell.AppLaunchGpu) {
                const stock = () => original.call(this, timestamp, workspace, gpuPreference);
                const request = {action: null, timestamp, workspace, discreteGpu: false};
                if (this.get_app_info())
                    request.discreteGpu = prefersDiscreteGpu(this, gpuPreference);
                return launcher.#intercept(this, request, stock) ? true : stock();
            });

        this.#injections.overrideMethod(proto, 'launch_action', original =>
            function (this: Shell.App, action: string, timestamp: number, workspace: number) {
                if (!launcher.#intercept(this, {action, timestamp, workspace, discreteGpu: false},
                    () => original.call(this, action, timestamp, workspace)))
                    original.call(this, action, timestamp, workspace);
            });
    }

    /** activate(): a running app is focused as stock does; only a stopped one is launched. */
    #activate(app: Shell.App, request: Request, stock: () => void): boolean {
        if (app.state !== Shell.AppState.STOPPED)
            return false;
        if (this.#pending.has(app.get_id()))
            return true;
        return this.#intercept(app, {...request, discreteGpu: !!app.get_app_info() &&
            prefersDiscreteGpu(app, Shell.AppLaunchGpu.APP_PREF)}, stock);
    }

    /** open_new_window() as shell_app_open_new_window decides, with the spawning paths confined. */
    #openNewWindow(app: Shell.App, workspace: number, stock: () => void): boolean {
        const info = app.get_app_info() as GioUnix.DesktopAppInfo | null;
        if (!info)
            return false;
        if (info.list_actions().includes('new-window'))
            return this.#intercept(app, {action: 'new-window', timestamp: 0, workspace, discreteGpu: false}, stock);
        // A running app with an app.new-window action gets it over D-Bus: nothing is spawned.
        if (app.state === Shell.AppState.RUNNING && app.action_group?.has_action('app.new-window'))
            return false;
        return this.#intercept(app, {action: null, timestamp: 0, workspace,
            discreteGpu: prefersDiscreteGpu(app, Shell.AppLaunchGpu.APP_PREF)}, stock);
    }

    /**
     * Takes the launch over when the app has a profile. Returns false to let the stock
     * method run. Never throws into the shell: an unexpected error follows on-failure.
     */
    #intercept(app: Shell.App, request: Request, stock: () => void): boolean {
        try {
            if (!app.get_app_info() || !app.get_id())
                return false;
            const stored = this.#storedSettings.latest;
            if (stored === null) {
                // The settings changed a moment ago and are being read: decide once they are.
                this.#decideLater(app, request, stock).catch(error => {
                    console.error(`Confine: could not confine ${app.get_id()}:`, error);
                    this.#fail(app, null, unexpected(error), stock, 'systemd');
                });
                return true;
            }
            return this.#decide(app, request, stock, stored);
        } catch (error) {
            console.error(`Confine: could not confine ${app.get_id()}:`, error);
            return this.#fail(app, null, unexpected(error), null, 'systemd');
        }
    }

    async #decideLater(app: Shell.App, request: Request, stock: () => void): Promise<void> {
        const id = app.get_id();
        this.#pending.add(id);
        let stored: StoredValues;
        try {
            stored = await this.#storedSettings.current();
        } finally {
            this.#pending.delete(id);
        }
        // Disabled meanwhile: the click gets what it would get now, a stock launch.
        if (this.#destroyed) {
            stock();
            return;
        }
        try {
            if (!this.#decide(app, request, stock, stored))
                stock();
        } catch (error) {
            console.error(`Confine: could not confine ${id}:`, error);
            this.#fail(app, null, unexpected(error), stock, 'systemd');
        }
    }

    /** What #intercept returns, once the stored settings are known. */
    #decide(app: Shell.App, request: Request, stock: () => void, stored: StoredValues): boolean {
        const settings = readProfileSettings(this.#settings);
        const foreign = foreignValuesFor(app.get_id(), settings, stored, _);
        if (foreign.length > 0)
            return this.#fail(app, null, foreign.map(value => value.message).join(' '), null, 'settings');
        const resolution = resolveProfile(app.get_id(), settings, _);
        switch (resolution.kind) {
        case 'unconfined':
            return false;
        case 'missing':
            return this.#fail(app, resolution.profileId, resolution.explanation, null, 'profile');
        case 'invalid':
            return this.#fail(app, profileLabel(resolution.profileId, settings.profiles[resolution.profileId]),
                `${resolution.explanation} ${summarizeErrors(resolution.errors, _)}`, null, 'profile');
        case 'confined': {
            const problem = desktopLaunchProblem(resolution.profile, _);
            if (problem !== null)
                return this.#fail(app, resolution.profile.name, problem, null, 'profile');
            // Never rejects: every error goes through the on-failure policy.
            void this.#launchConfined(app, {app, ...request}, resolution.profile, stock);
            return true;
        }
        }
    }

    async #launchConfined(app: Shell.App, target: LaunchTarget, profile: Profile, stock: () => void): Promise<void> {
        const id = app.get_id();
        this.#pending.add(id);
        try {
            const info = app.get_app_info() as GioUnix.DesktopAppInfo;
            const plan = desktopLaunchPlan({
                desktopId: id,
                appName: app.get_name(),
                profile,
                suffix: randomSuffix(Math.random),
                terminal: runsInTerminal(app),
                startupNotify: info.get_boolean('StartupNotify'),
                path: info.get_string('Path'),
                currentDirectory: GLib.get_current_dir(),
                runtimeDirectory: GLib.get_user_runtime_dir(),
                environment: DESKTOP_ENVIRONMENT.filter(name => GLib.getenv(name) !== null),
                gpuEnvironment: target.discreteGpu
                    ? discreteGpuEnvironment().filter((_word, index) => index % 2 === 0)
                    : [],
            });
            const {earlyExit} = await this.#confinedLauncher.launch(target, plan, this.#checkSupport(profile));
            if (this.#settings.get_boolean(NOTIFY_CONFINED_LAUNCH_KEY)) {
                this.#notifier.notify(fill(_('{app} runs confined'), {app: app.get_name()}),
                    fill(_('Profile “{profile}”, unit {unit}'), {profile: profile.name, unit: plan.unitName}), {transient: true});
            }
            earlyExit.then(message => {
                if (message !== null && !this.#destroyed)
                    this.#fail(app, profile.name, message, stock, 'early-exit');
            }).catch(error => console.error(`Confine: watching ${plan.unitName} failed:`, error));
        } catch (error) {
            // A launch cut short by disable() has no one left to tell.
            if (this.#destroyed)
                return;
            // Anything else, GLib.Error included (it is no Error in GJS), still goes
            // through the on-failure policy: a click never ends in silence.
            const expected = error instanceof LaunchFailure || error instanceof UserManagerUnavailable;
            if (!expected)
                console.error(`Confine: launching ${id} failed:`, error);
            this.#fail(app, profile.name, errorMessage(error), stock, expected ? 'systemd' : 'profile');
        } finally {
            this.#pending.delete(id);
        }
    }

    /**
     * systemd's version; fails when the user manager is unreachable or too old for one
     * of the profile's properties.
     */
    async #checkSupport(profile: Profile): Promise<number> {
        // The version is asked once per enable: a manager that went away since shows
        // up as systemd-run failing, which the launch notices anyway.
        this.#systemdVersion ??= this.#userManager.version().catch(error => {
            this.#systemdVersion = null;
            throw error;
        });
        const version = await this.#systemdVersion;
        const unsupported = unsupportedProperties(profile, version);
        if (unsupported.length > 0)
            throw new LaunchFailure(fill(_('systemd {version} does not support {properties}'), {version, properties: unsupported.join(', ')}));
        return version;
    }

    /** Tells about stored settings that GSettings would replace by their defaults, once per change. */
    #reportForeignValues(stored: StoredValues): void {
        this.#stored = stored;
        const messages = foreignValues(stored, undefined, _).map(value => value.message).join('\n');
        if (messages !== '' && messages !== this.#reportedForeign)
            this.#notifier.notify(_('Confine cannot use some of its settings'), messages);
        this.#reportedForeign = messages;
    }

    /**
     * Applies the on-failure policy and tells the user. With `stock` the launch was
     * already ours, so the fallback runs here; without it the caller runs it when
     * this returns false. `profile` (profileLabel's name for it) is null when the
     * settings did not get that far.
     */
    #fail(app: Shell.App, profile: string | null, reason: string, stock: (() => void) | null, cause: FailureCause): boolean {
        const [policyProblem] = foreignValues(this.#stored, [ON_FAILURE_KEY], _);
        const notice = failureNotice({
            app: app.get_name(),
            profile,
            reason,
            cause,
            policy: failurePolicy(this.#settings.get_string(ON_FAILURE_KEY), this.#stored.get(ON_FAILURE_KEY)),
            policyProblem: policyProblem?.message ?? null,
        }, _);
        try {
            this.#notifier.notify(notice.title, notice.body);
        } catch (error) {
            console.error(`Confine: ${notice.title}: ${notice.body}`, error);
        }
        if (!notice.startUnconfined)
            return true;
        this.#onFallback(app.get_id());
        if (stock)
            stock();
        return false;
    }
}
