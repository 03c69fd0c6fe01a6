// Apps that started without Confine, and apps that run while their profile changes.
//
// An app opened by another app, from a terminal, over D-Bus or by Flatpak gets a unit
// from someone else (app-gnome-*, app-flatpak-*, dbus-*), or none at all (a process
// of the bus daemon or of a terminal's scope). The user manager's UnitNew signal tells
// of the first kind, the shell's app tracking (a window appeared) of the second; either
// way the app's resource properties are set on its unit at runtime with
// SetUnitProperties, or its process is moved into a scope of its own with them, as
// GNOME does after a launch. When a profile, an assignment or the default profile
// changes, every running app unit whose resource properties changed gets the new
// ones. Apps that ran before Confine looked (started while it was disabled, or while
// the screen was locked) are looked at when it starts. Every call is asynchronous with
// a timeout. A unit event of no app costs a main loop wake-up for its UnitNew and a
// regular expression; removals are asked of the bus only for the units handled here.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Shell from 'gi://Shell';
import {gettext as _} from 'resource:///org/gnome/shell/extensions/extension.js';

import {appOfUnit, unitObjectPath, type UnitApp} from '../core/appUnit.js';
import {unitDescription} from '../core/launchPlan.js';
import {
    RESOURCE_PROPERTIES, liveChange, pendingSandbox, resolvedProperties, sameResources, sameSandbox,
    type UnitAssignment, type UnitDefaults,
} from '../core/liveProperties.js';
import {appIdOfDesktopId} from '../core/desktopId.js';
import {adoptable, originOf, otherLaunchNotice, type Origin} from '../core/otherLaunch.js';
import {RecentNames} from '../core/recentNames.js';
import {resolveProfile} from '../core/resolution.js';
import type {ProfileSettings} from '../core/profileSettings.js';
import {randomSuffix, unitName} from '../core/unitName.js';
import type {Profile, PropertyValues} from '../core/validation.js';
import {readProfileSettings} from '../settings/profileStore.js';
import {PROFILE_SETTINGS_KEYS} from '../settings/schema.js';
import {MANAGER_INTERFACE, SYSTEMD_PATH, callSystemd, isCancelled, unitProperties} from '../settings/appUnits.js';
import {errorMessage} from './confinedLaunch.js';
import {nowMs} from './limitWatch.js';
import type {UserManager} from './userManager.js';

/** Settings changes come key by key; one re-apply after the last, well within a second. */
const SETTLE_MS = 150;
/** The unit properties compared with a profile: its resource values and its sandbox options. */
const READ_PROPERTIES = [
    'MemoryMax', 'MemoryHigh', 'MemorySwapMax', 'CPUQuotaPerSecUSec', 'CPUWeight', 'AllowedCPUs', 'IOWeight', 'TasksMax',
    'NoNewPrivileges', 'PrivateTmp', 'PrivateNetwork', 'ProtectHome', 'ProtectSystem',
];
const UNIT_PATTERNS = ['app-*.scope', 'app-*.service', 'dbus-*.service'];
/**
 * A unit removed this recently is not looked at again when it appears: any query of a
 * unit that is gone (ours included) loads it again, with a UnitNew, and a look at it
 * then would load it once more after its next removal, round and round (bench 93 saw
 * 35 loads a second for each stopped app scope). A launch gets a name of its own.
 */
const GONE_MS = 10_000;
/**
 * How long after a failed confined launch the app's stock launch is left alone: its
 * scope appears at once, its window (for an app the bus daemon starts) may take a while.
 */
const FALLBACK_MS = 60_000;
/** States in which a unit runs, or is about to: a unit that was only loaded gets nothing. */
const RUNNING_STATES = ['active', 'activating', 'reloading'];

export interface OtherLaunchesHost {
    readonly settings: Gio.Settings;
    readonly userManager: UserManager;
    /** A notification; `lasting` for one that names something not applied. */
    notify(title: string, body: string, lasting: boolean): void;
}

/** The entries of SetUnitProperties' and StartTransientUnit's a(sv). */
function propertyEntries(assignments: readonly UnitAssignment[]): [string, GLib.Variant][] {
    return assignments.map(({name, signature, value}): [string, GLib.Variant] => {
        if (signature === 'ay')
            return [name, new GLib.Variant('ay', Uint8Array.from(value as readonly number[]))];
        // GJS packs a bigint into a "t" exactly (2^64 - 1 included), though the typings say number; a "u" takes a number.
        return [name, signature === 'u' ? new GLib.Variant('u', Number(value)) : new GLib.Variant('t', value as unknown as number)];
    });
}

/** The properties of a running unit that a profile is compared with. */
async function unitValues(connection: Gio.DBusConnection, name: string, cancellable: Gio.Cancellable): Promise<Record<string, unknown>> {
    return unitProperties(connection, {type: name.endsWith('.scope') ? 'scope' : 'service', path: unitObjectPath(name)},
        READ_PROPERTIES, cancellable);
}

/** The names of the units that may hold an app and run, or are about to. */
async function runningUnits(connection: Gio.DBusConnection, cancellable: Gio.Cancellable): Promise<string[]> {
    const reply = await callSystemd(connection, SYSTEMD_PATH, MANAGER_INTERFACE, 'ListUnitsByPatterns',
        new GLib.Variant('(asas)', [RUNNING_STATES, UNIT_PATTERNS]), '(a(ssssssouso))', cancellable);
    const [units] = reply.deepUnpack() as [[string, ...unknown[]][]];
    return units.map(([name]) => name);
}

/** The name the user knows an app by. */
function appName(desktopId: string): string {
    return Shell.AppSystem.get_default().lookup_app(desktopId)?.get_name() || appIdOfDesktopId(desktopId);
}

/** True when the unit runs or is starting: active, activating, reloading, or a start job waits. */
async function unitRuns(connection: Gio.DBusConnection, name: string, cancellable: Gio.Cancellable): Promise<boolean> {
    const read = async (property: string) => {
        const reply = await callSystemd(connection, unitObjectPath(name), 'org.freedesktop.DBus.Properties', 'Get',
            new GLib.Variant('(ss)', ['org.freedesktop.systemd1.Unit', property]), '(v)', cancellable);
        return reply.get_child_value(0).get_variant();
    };
    // Job first, then the state, one after the other: the manager runs jobs between two
    // calls, so a state read first as "inactive" and a start job then read as gone (it ran
    // in between) took a starting scope for one that was only loaded (bench 93 under load:
    // 1 of 10 app scopes missed). Read in this order, a job gone means the state shows its end.
    // Job is (id, path), id 0 when none: a transient unit may be read before its start job ran.
    const job = await read('Job');
    if (job.get_child_value(0).get_uint32() !== 0)
        return true;
    const state = await read('ActiveState');
    return RUNNING_STATES.includes(state.get_string()[0]);
}

export class OtherLaunches {
    readonly #host: OtherLaunchesHost;
    readonly #cancellable = new Gio.Cancellable();
    readonly #unsubscribe: (() => void)[];
    #settings: ProfileSettings;
    #defaults: Promise<UnitDefaults> | null = null;
    #shellUnit: Promise<string | null> | null = null;
    #settleId = 0;
    /** App units whose profile was applied since they appeared. */
    readonly #handled = new Set<string>();
    /**
     * Units whose unloading Confine listens for (those handled, or with a sandbox change
     * pending) → the end of that. Asked of the bus unit by unit: UnitRemoved of every
     * other unit of the session would cost the shell a wake-up each (bench 93).
     */
    readonly #removalWatches = new Map<string, () => void>();
    /** Processes being looked at: the app's state changes more than once as its window appears. */
    readonly #adopting = new Set<number>();
    /** Apps told about this session. */
    readonly #notified = new Set<string>();
    /** The connection whose running units were looked at. */
    #caughtUpOn: Gio.DBusConnection | null = null;
    /** Unit → sandbox options that differ from its app's profile now: "restart to apply". */
    readonly #restartPending = new Map<string, string[]>();
    /** App units handled and since removed, for a while. */
    readonly #gone = new RecentNames(GONE_MS, nowMs);
    /** Apps the launcher just started without confinement after a failed confined launch. */
    readonly #fallbacks = new RecentNames(FALLBACK_MS, nowMs);

    constructor(host: OtherLaunchesHost) {
        this.#host = host;
        this.#settings = readProfileSettings(host.settings);
        const {userManager} = host;
        this.#unsubscribe = [
            userManager.subscribe(MANAGER_INTERFACE, 'UnitNew', (_path, parameters) =>
                this.#unitNew(parameters.get_child_value(0).get_string()[0])),
        ];
        // UnitNew only reaches a Subscribe()d connection: open it now, and look at what
        // runs already, on it and on every connection opened again later.
        this.#unsubscribe.push(userManager.onOpened(connection => this.#catchUp(connection)));
        userManager.connection().then(connection => this.#catchUp(connection))
            .catch(error => this.#warn('the user manager is unreachable', error));
        host.settings.connectObject(...PROFILE_SETTINGS_KEYS.flatMap(key => [`changed::${key}`, () => this.#profilesChanged()]), this);
        Shell.AppSystem.get_default().connectObject('app-state-changed', (_system: Shell.AppSystem, app: Shell.App) => {
            if (app.state === Shell.AppState.RUNNING)
                this.#appRunning(app);
        }, this);
    }

    destroy(): void {
        this.#cancellable.cancel();
        this.#unsubscribe.forEach(unsubscribe => unsubscribe());
        this.#removalWatches.forEach(unsubscribe => unsubscribe());
        this.#removalWatches.clear();
        this.#host.settings.disconnectObject(this);
        Shell.AppSystem.get_default().disconnectObject(this);
        if (this.#settleId)
            GLib.source_remove(this.#settleId);
        this.#settleId = 0;
    }

    /** The sandbox options a running unit lacks against its app's profile now, for the menu. */
    restartPending(unit: string): readonly string[] {
        return this.#restartPending.get(unit) ?? [];
    }

    /**
     * The launcher starts `desktopId` the stock way because its confined launch failed
     * and on-failure says launch-unconfined; it told the user that the app runs without
     * its limits. That launch is left so, rather than limited and told the opposite.
     */
    leaveUnconfined(desktopId: string): void {
        this.#fallbacks.note(desktopId);
    }

    /** The app a unit runs, if it is an app with a desktop file (a bus name alone may be a daemon's). */
    #appOf(name: string): UnitApp | null {
        const app = appOfUnit(name);
        if (!app || (app.busName && !Shell.AppSystem.get_default().lookup_app(app.desktopId)))
            return null;
        return app;
    }

    /**
     * Apps that run already: at enable (the shell disables extensions while the screen
     * is locked, so after every unlock) and on a connection opened again, when UnitNew
     * signals may have been lost meanwhile. Their units get what differs from their
     * profile now: an app started while Confine was off gets its limits, and a
     * Confine unit whose profile was edited meanwhile gets the edit.
     */
    #catchUp(connection: Gio.DBusConnection): void {
        if (this.#caughtUpOn === connection || this.#cancellable.is_cancelled())
            return;
        this.#caughtUpOn = connection;
        runningUnits(connection, this.#cancellable).then(names => {
            for (const name of names)
                this.#unitNew(name, true);
            // Then the windows whose process sits in no app unit (a terminal's, the bus daemon's).
            for (const app of Shell.AppSystem.get_default().get_running())
                this.#appRunning(app);
        }).catch(error => this.#warn('cannot list the apps that run', error));
    }

    /**
     * A unit appeared (`runsAlready`: it ran before Confine looked). Confine's own units
     * got their profile at launch; one that ran already gets what changed since, quietly,
     * and is freed of its limits if its app has no confinement now.
     */
    #unitNew(name: string, runsAlready = false): void {
        const app = appOfUnit(name);
        if (!app || (app.confined && !runsAlready) || this.#handled.has(name) || this.#gone.has(name))
            return;
        if (!app.confined && !runsAlready && this.#fallbacks.has(app.desktopId)) {
            this.#handle(name);
            return;
        }
        const resolution = resolveProfile(app.desktopId, this.#settings, _);
        if (app.confined && runsAlready && resolution.kind === 'unconfined' && this.#appOf(name)) {
            // Moved to "no confinement" while Confine was off: its own unit loses the limits
            // Confine gave it (no values wanted: each back to the manager's default). A foreign
            // unit's limits may be someone else's: left alone.
            this.#handle(name);
            this.#apply(name, new Map())
                .then(applied => applied && this.#setPending(name, applied.sandbox))
                .catch(error => this.#warn(`cannot free ${name} of its limits`, error));
            return;
        }
        if (resolution.kind !== 'confined' || !this.#appOf(name))
            return;
        this.#handle(name);
        const telling = app.confined ? 'never' : runsAlready ? 'if-changed' : 'always';
        this.#applyToUnit(name, app.desktopId, resolution.profile, originOf(name), telling)
            .catch(error => this.#warn(`cannot apply the profile of ${app.desktopId} to ${name}`, error));
    }

    /**
     * `telling`: whether to notify. An app that ran before Confine looked is told about
     * only if its unit lacked something: after an unlock, the units Confine set before
     * the lock have their values, and nobody wants to hear of them again.
     */
    async #applyToUnit(name: string, desktopId: string, profile: Profile, origin: Origin,
        telling: 'always' | 'if-changed' | 'never'): Promise<void> {
        const applied = await this.#apply(name, profile.properties);
        if (!applied)
            return;
        this.#setPending(name, applied.sandbox);
        if (telling === 'always' || (telling === 'if-changed' && applied.change.assignments.length > 0))
            this.#tell(desktopId, profile, origin, applied.change.unsupported, applied.sandbox);
    }

    /**
     * Sets `desired` on a running unit; returns what was sent and the sandbox options it
     * lacks. A unit that does not run (only loaded by someone's query) gets nothing, and
     * null comes back: set on it, the values would stay behind as a drop-in of a dead unit.
     */
    async #apply(name: string, desired: PropertyValues) {
        const connection = await this.#host.userManager.connection();
        const [running, current] = await Promise.all([
            unitRuns(connection, name, this.#cancellable),
            unitValues(connection, name, this.#cancellable),
        ]);
        if (!running)
            return null;
        const change = liveChange(desired, current, await this.#unitDefaults());
        if (change.assignments.length > 0) {
            await this.#host.userManager.callManager('SetUnitProperties',
                new GLib.Variant('(sba(sv))', [name, true, propertyEntries(change.assignments)]), null);
        }
        return {change, sandbox: pendingSandbox(desired, current), running};
    }

    /**
     * A window of an app with a profile appeared. Its process may sit in a unit Confine
     * never saw start (the bus daemon's, a terminal's scope): it gets a scope of its own.
     */
    #appRunning(app: Shell.App): void {
        const desktopId = app.get_id();
        if (!desktopId || this.#fallbacks.has(desktopId))
            return;
        const resolution = resolveProfile(desktopId, this.#settings, _);
        if (resolution.kind !== 'confined')
            return;
        for (const pid of app.get_pids()) {
            if (pid <= 0 || this.#adopting.has(pid))
                continue;
            this.#adopting.add(pid);
            this.#adopt(pid, app, resolution.profile)
                .catch(error => this.#warn(`cannot apply the profile of ${desktopId} to process ${pid}`, error))
                .finally(() => this.#adopting.delete(pid));
        }
    }

    async #adopt(pid: number, app: Shell.App, profile: Profile): Promise<void> {
        const desktopId = app.get_id();
        const holder = await this.#unitOfPid(pid);
        if (holder === null || this.#handled.has(holder))
            return;
        const unitApp = this.#appOf(holder);
        if (unitApp?.desktopId === desktopId && !unitApp.confined) {
            // An app unit whose UnitNew came before Confine was listening.
            this.#handle(holder);
            await this.#applyToUnit(holder, desktopId, profile, originOf(holder), 'always');
            return;
        }
        if (!adoptable(holder, desktopId, await this.#shellUnitName()))
            return;
        const defaults = await this.#unitDefaults();
        const change = liveChange(profile.properties, {}, defaults);
        const name = unitName('scope', desktopId, randomSuffix(Math.random));
        this.#handle(name);
        const userManager = this.#host.userManager;
        // Its start job's end reaches the limit notifications only for a unit named to
        // the bus (UserManager); the listener itself has nothing to do.
        await userManager.watchUnit(name, () => {});
        try {
            await userManager.callManager('StartTransientUnit',
                new GLib.Variant('(ssa(sv)a(sa(sv)))', [name, 'fail', [
                    ['PIDs', new GLib.Variant('au', [pid])],
                    ['Description', new GLib.Variant('s', unitDescription(app.get_name() || desktopId, profile.name))],
                    ['CollectMode', new GLib.Variant('s', 'inactive-or-failed')],
                    ...propertyEntries(change.assignments),
                ], []]), '(o)');
        } catch (error) {
            userManager.forgetUnit(name);
            throw error;
        }
        const sandbox = pendingSandbox(profile.properties, {});
        this.#setPending(name, sandbox);
        this.#tell(desktopId, profile, originOf(holder, desktopId, appName), change.unsupported, sandbox);
    }

    /** The name of the unit that holds `pid`, or null when it is none of the user manager's. */
    async #unitOfPid(pid: number): Promise<string | null> {
        let path: string;
        try {
            const reply = await this.#host.userManager.callManager('GetUnitByPID', new GLib.Variant('(u)', [pid]), '(o)');
            [path] = reply.deepUnpack() as [string];
        } catch {
            // No unit of this manager holds it (a process of another session, or gone).
            return null;
        }
        const connection = await this.#host.userManager.connection();
        const reply = await callSystemd(connection, path, 'org.freedesktop.DBus.Properties', 'Get',
            new GLib.Variant('(ss)', ['org.freedesktop.systemd1.Unit', 'Id']), '(v)', this.#cancellable);
        return reply.get_child_value(0).get_variant().get_string()[0];
    }

    #shellUnitName(): Promise<string | null> {
        this.#shellUnit ??= this.#unitOfPid(new Gio.Credentials().get_unix_pid()).catch(() => null);
        return this.#shellUnit;
    }

    /** What a unit of this manager has when nobody set a property. */
    #unitDefaults(): Promise<UnitDefaults> {
        this.#defaults ??= (async () => {
            const connection = await this.#host.userManager.connection();
            const read = async (property: string): Promise<GLib.Variant | null> => {
                try {
                    const reply = await callSystemd(connection, SYSTEMD_PATH, 'org.freedesktop.DBus.Properties', 'Get',
                        new GLib.Variant('(ss)', [MANAGER_INTERFACE, property]), '(v)', this.#cancellable);
                    return reply.get_child_value(0).get_variant();
                } catch (error) {
                    if (isCancelled(error))
                        throw error;
                    return null;
                }
            };
            const tasksMax = await read('DefaultTasksMax');
            const version = await read('Version');
            const major = version === null ? Number.NaN : Number.parseInt(version.get_string()[0], 10);
            return {
                tasksMax: tasksMax === null ? null : BigInt(tasksMax.print(false)),
                systemdVersion: Number.isFinite(major) ? major : null,
            };
        })();
        return this.#defaults;
    }

    /** Once per app and session: what reached the running app and what did not. */
    #tell(desktopId: string, profile: Profile, origin: Origin, unsupported: readonly string[], sandbox: readonly string[]): void {
        if (this.#notified.has(desktopId) || this.#cancellable.is_cancelled())
            return;
        this.#notified.add(desktopId);
        const applied = [...profile.properties.keys()].filter(name => RESOURCE_PROPERTIES.includes(name) && !unsupported.includes(name));
        const notApplied = [...unsupported, ...sandbox.filter(name => profile.properties.has(name))];
        const {title, body} = otherLaunchNotice(appName(desktopId), profile.name,
            origin, applied, notApplied, _);
        this.#host.notify(title, body, notApplied.length > 0);
    }

    #profilesChanged(): void {
        if (this.#settleId)
            GLib.source_remove(this.#settleId);
        this.#settleId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, SETTLE_MS, () => {
            this.#settleId = 0;
            this.#reapply().catch(error => this.#warn('cannot apply the changed profiles to running apps', error));
            return GLib.SOURCE_REMOVE;
        });
    }

    /** Every running app unit whose resource properties changed gets the new ones. */
    async #reapply(): Promise<void> {
        const before = this.#settings;
        const after = readProfileSettings(this.#host.settings);
        this.#settings = after;
        const connection = await this.#host.userManager.connection();
        const names = await runningUnits(connection, this.#cancellable);
        await Promise.all(names.map(async name => {
            const app = this.#appOf(name);
            if (!app)
                return;
            const old = resolvedProperties(resolveProfile(app.desktopId, before, _));
            const now = resolvedProperties(resolveProfile(app.desktopId, after, _));
            const resources = !sameResources(old, now);
            if (now === null || (!resources && sameSandbox(old, now)))
                return;
            try {
                if (resources) {
                    const applied = await this.#apply(name, now);
                    if (applied)
                        this.#setPending(name, applied.sandbox);
                } else {
                    this.#setPending(name, pendingSandbox(now, await unitValues(connection, name, this.#cancellable)));
                }
            } catch (error) {
                // A unit that ended since the list needs nothing.
                if (!errorMessage(error).includes('NoSuchUnit'))
                    this.#warn(`cannot apply the changed profile of ${app.desktopId} to ${name}`, error);
            }
        }));
    }

    /** Confine has looked at this unit and given it what it needs: not again while it is loaded. */
    #handle(name: string): void {
        this.#handled.add(name);
        this.#watchRemoval(name);
    }

    #watchRemoval(name: string): void {
        if (this.#removalWatches.has(name) || this.#cancellable.is_cancelled())
            return;
        this.#removalWatches.set(name, this.#host.userManager.subscribe(MANAGER_INTERFACE, 'UnitRemoved',
            () => this.#unitRemoved(name), SYSTEMD_PATH, name));
    }

    #unitRemoved(name: string): void {
        this.#removalWatches.get(name)?.();
        this.#removalWatches.delete(name);
        if (this.#handled.delete(name))
            this.#gone.note(name);
        this.#restartPending.delete(name);
    }

    #setPending(name: string, sandbox: string[]): void {
        if (sandbox.length > 0) {
            this.#restartPending.set(name, sandbox);
            this.#watchRemoval(name);
        } else {
            this.#restartPending.delete(name);
        }
    }

    #warn(what: string, error: unknown): void {
        if (!isCancelled(error) && !this.#cancellable.is_cancelled())
            console.warn(`Confine: ${what}: ${errorMessage(error)}`);
    }
}
