// The top-bar menu of running apps: each app unit under app.slice with its memory,
// CPU and tasks against the limits of its unit, confined apps first. It reads only while
// the menu is open, once a second (the figures as UnitUsage reads them); closed, it costs
// nothing. The list of units is asked for when the menu opens and again only when an app
// unit's job ended, an app unit went away or a read failed (and every few seconds in case
// a signal was lost), so an open menu does not make the user manager walk its units each
// second (bench 92 showed no measurable change in the shell's own CPU time from this).
// A refresh changes only what changed: rows stay, and
// are created, sorted and removed only as units come and go.

import Clutter from 'gi://Clutter';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Shell from 'gi://Shell';
import St from 'gi://St';
import {BarLevel} from 'resource:///org/gnome/shell/ui/barLevel.js';
import * as PanelMenu from 'resource:///org/gnome/shell/ui/panelMenu.js';
import {gettext as _} from 'resource:///org/gnome/shell/extensions/extension.js';
import * as PopupMenu from 'resource:///org/gnome/shell/ui/popupMenu.js';

import {
    compareListedUnits, cpuPercent, known, profileOfDescription, usageRow, type Measure, type UsageSample,
} from '../core/appUsage.js';
import {NO_CONFINEMENT, findAssignmentKey, profileName, withAssignment} from '../core/profileSettings.js';
import {fill} from '../core/translate.js';
import {readProfileSettings, writeProfileSettings} from '../settings/profileStore.js';
import {ASSIGNMENTS_KEY, PROFILES_KEY} from '../settings/schema.js';
import {MANAGER_INTERFACE, isCancelled, listAppUnits, stopUnit, type RunningAppUnit} from '../settings/appUnits.js';
import {appUnitOf} from '../core/appUnit.js';
import {errorMessage} from './confinedLaunch.js';
import {UnitUsage} from './unitUsage.js';
import type {UserManager} from './userManager.js';

const REFRESH_MS = 1000;
/** Refreshes after which the units are listed again even though no signal said so. */
const RELIST_REFRESHES = 10;

/** What the menu needs from its owner. */
export interface RunningAppsHost {
    readonly settings: Gio.Settings;
    /** Tells the open menu when app units start and go. */
    readonly userManager: UserManager;
    openPreferences(): void;
    /** The sandbox options a running unit lacks against its profile now: only a restart applies them. */
    restartPending(unit: string): readonly string[];
}

/** One measure: a caption, its figures and, where the unit has a limit, a level bar. */
class MeasureLine extends St.BoxLayout {
    static {
        GObject.registerClass(this);
    }

    #value: St.Label;
    #bar: BarLevel;

    constructor(caption: string) {
        super({orientation: Clutter.Orientation.VERTICAL, x_expand: true, style_class: 'confine-measure'});
        const line = new St.BoxLayout({x_expand: true});
        line.add_child(new St.Label({text: caption, x_expand: true, style_class: 'confine-measure-caption'}));
        this.#value = new St.Label({text: '', style_class: 'confine-measure-value'});
        line.add_child(this.#value);
        this.add_child(line);
        this.#bar = new BarLevel({style_class: 'slider', x_expand: true, reactive: false, can_focus: false, visible: false});
        this.#bar.accessible_name = caption;
        this.add_child(this.#bar);
    }

    display(measure: Measure): void {
        if (this.#value.text !== measure.text)
            this.#value.text = measure.text;
        const level = measure.level === null ? null : Math.min(1, measure.level);
        if (this.#bar.visible !== (level !== null))
            this.#bar.visible = level !== null;
        if (level !== null && this.#bar.value !== level)
            this.#bar.value = level;
    }

    get text(): string {
        return this.#value.text;
    }
}

/** One running app: a submenu header with its figures; inside, stop and the profile for its next launch. */
class AppUnitMenuItem extends PopupMenu.PopupSubMenuMenuItem {
    static {
        GObject.registerClass(this);
    }

    unit: RunningAppUnit;
    readonly appName: string;
    readonly profile: string | null;
    #caption: St.Label;
    readonly #profileText: string;
    #pending = '';
    readonly memory = new MeasureLine(_('Memory'));
    readonly cpu = new MeasureLine(_('CPU'));
    readonly tasks = new MeasureLine(_('Tasks'));
    #sample: UsageSample | null = null;

    constructor(unit: RunningAppUnit, app: Shell.App | null) {
        const name = app?.get_name() ?? unit.desktopId.replace(/\.desktop$/, '');
        super(name, true);
        this.unit = unit;
        this.appName = name;
        this.profile = unit.confined ? profileOfDescription(unit.description) ?? unit.description : null;
        // The shell's typings miss the icon that `wantIcon` (true above) adds.
        const icon = (this as unknown as {icon: St.Icon}).icon;
        if (app)
            icon.gicon = app.get_icon();
        else
            icon.icon_name = 'application-x-executable-symbolic';
        icon.icon_size = 24;

        // The label moves into a column with the app's figures under it.
        const column = new St.BoxLayout({orientation: Clutter.Orientation.VERTICAL, x_expand: true,
            y_align: Clutter.ActorAlign.CENTER, style_class: 'confine-app-column'});
        this.remove_child(this.label);
        column.add_child(this.label);
        this.#profileText = this.profile === null ? _('Not confined') : fill(_('Profile: {profile}'), {profile: this.profile});
        this.#caption = new St.Label({text: this.#profileText, style_class: 'confine-profile'});
        column.add_child(this.#caption);
        column.add_child(this.memory);
        column.add_child(this.cpu);
        column.add_child(this.tasks);
        this.insert_child_above(column, icon);
        this.accessible_name = `${name}, ${this.#caption.text}`;
    }

    /** The caption under the name, for tests and the accessible name. */
    get caption(): string {
        return this.#caption.text;
    }

    /** Sandbox options of the app's profile that the running unit lacks: they need a restart. */
    showPending(options: readonly string[]): void {
        const pending = options.join(', ');
        if (pending === this.#pending)
            return;
        this.#pending = pending;
        this.#caption.text = options.length === 0
            ? this.#profileText
            : fill(_('{profile} · restart to apply {options}'), {profile: this.#profileText, options: options.join(', ')});
        this.accessible_name = `${this.appName}, ${this.#caption.text}`;
    }

    /** The figures behind the texts, for tests: bytes, percent of one CPU and the sample they come from. */
    get latest(): {memoryCurrent: number | null; cpuPercent: number | null; sample: UsageSample | null} {
        return {...this.#latest, sample: this.#sample};
    }

    #latest: {memoryCurrent: number | null; cpuPercent: number | null} = {memoryCurrent: null, cpuPercent: null};

    /** The CPU rate is over the last refresh: after the menu was closed there is none to compare with. */
    forgetSample(): void {
        this.#sample = null;
    }

    update(sample: UsageSample): void {
        const row = usageRow(this.#sample, sample, _);
        this.#latest = {memoryCurrent: known(sample.values.MemoryCurrent), cpuPercent: cpuPercent(this.#sample, sample)};
        this.#sample = sample;
        this.memory.display(row.memory);
        this.cpu.display(row.cpu);
        this.tasks.display(row.tasks);
    }
}

function addItem(menu: PopupMenu.PopupMenuBase, label: string, activate: () => void): PopupMenu.PopupMenuItem {
    const item = new PopupMenu.PopupMenuItem(label);
    item.connect('activate', activate);
    menu.addMenuItem(item);
    return item;
}

export class RunningAppsIndicator extends PanelMenu.Button {
    static {
        GObject.registerClass(this);
    }

    #host!: RunningAppsHost;
    #connection!: Gio.DBusConnection;
    #section!: PopupMenu.PopupMenuSection;
    #empty!: PopupMenu.PopupMenuItem;
    #items = new Map<string, AppUnitMenuItem>();
    #usage!: UnitUsage;
    #refreshId = 0;
    #refreshing = false;
    #cancellable: Gio.Cancellable | null = null;
    /** The app units as last listed. */
    #units: RunningAppUnit[] = [];
    /** A signal or a failed read said the list is out of date. */
    #unitsStale = true;
    #refreshesSinceList = 0;
    #unsubscribeUnits: (() => void)[] = [];

    constructor(host: RunningAppsHost) {
        super(0.5, _('Confine: running apps'));
        this.#host = host;
        this.#connection = Gio.DBus.session;
        this.#usage = new UnitUsage(this.#connection);
        this.add_child(new St.Icon({icon_name: 'security-medium-symbolic', style_class: 'system-status-icon'}));
        const menu = this.menu as PopupMenu.PopupMenu;
        menu.addMenuItem(new PopupMenu.PopupMenuItem(_('Running apps'), {reactive: false, style_class: 'confine-title'}));
        this.#section = new PopupMenu.PopupMenuSection();
        menu.addMenuItem(this.#section);
        this.#empty = new PopupMenu.PopupMenuItem(_('No apps are running'), {reactive: false});
        this.#section.addMenuItem(this.#empty);
        menu.addMenuItem(new PopupMenu.PopupSeparatorMenuItem());
        addItem(menu, _('Confine Preferences'), () => host.openPreferences());
        menu.connectObject('open-state-changed', (_menu: unknown, open: boolean) => this.#setOpen(open), this);
        host.settings.connectObject(`changed::${PROFILES_KEY}`, () => this.#rebuildProfileItems(),
            `changed::${ASSIGNMENTS_KEY}`, () => this.#rebuildProfileItems(), this);
    }

    override destroy(): void {
        this.#setOpen(false);
        this.#host.settings.disconnectObject(this);
        const menu = this.menu as PopupMenu.PopupMenu;
        menu.close();
        // A menu opened since the last frame is still queued for layout on the stage, which
        // holds it past its destruction and then lays it out: the shell's BoxPointer logs
        // "this.bin is undefined" (GNOME 48, 50; e2e 47 opens and disables in one go).
        // Unrealized while still on the stage, it leaves that queue.
        menu.actor.unrealize();
        super.destroy();
    }

    /** The app rows in the order the menu shows them, for tests. */
    get items(): AppUnitMenuItem[] {
        return this.#section.box.get_children().filter(child => child instanceof AppUnitMenuItem);
    }

    #setOpen(open: boolean): void {
        if (this.#refreshId) {
            GLib.source_remove(this.#refreshId);
            this.#refreshId = 0;
        }
        this.#cancellable?.cancel();
        this.#cancellable = null;
        this.#unsubscribeUnits.forEach(unsubscribe => unsubscribe());
        this.#unsubscribeUnits = [];
        this.#unitsStale = true;
        if (!open) {
            this.#items.forEach(item => item.forgetSample());
            // Opened again, the menu asks the user manager for the limits again.
            this.#usage.keepOnly(new Set());
            return;
        }
        this.#cancellable = new Gio.Cancellable();
        // A start or stop job of an app unit ended, or an app unit was unloaded.
        const unitChanged = (unit: string) => {
            if (appUnitOf(unit))
                this.#unitsStale = true;
        };
        const userManager = this.#host.userManager;
        this.#unsubscribeUnits = [
            userManager.subscribe(MANAGER_INTERFACE, 'JobRemoved', (_path, parameters) =>
                unitChanged(parameters.get_child_value(2).get_string()[0])),
            userManager.subscribe(MANAGER_INTERFACE, 'UnitRemoved', (_path, parameters) =>
                unitChanged(parameters.get_child_value(0).get_string()[0])),
        ];
        this.#refresh();
        this.#refreshId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, REFRESH_MS, () => {
            this.#refresh();
            return GLib.SOURCE_CONTINUE;
        });
    }

    /** One round of reading; a round still under way (a slow manager) makes the next one wait. */
    #refresh(): void {
        const cancellable = this.#cancellable;
        if (this.#refreshing || !cancellable)
            return;
        this.#refreshing = true;
        this.#readUnits(cancellable).catch(error => {
            if (!isCancelled(error))
                console.warn(`Confine: cannot read the running apps: ${errorMessage(error)}`);
        }).finally(() => {
            this.#refreshing = false;
        });
    }

    async #readUnits(cancellable: Gio.Cancellable): Promise<void> {
        if (this.#unitsStale || this.#refreshesSinceList >= RELIST_REFRESHES) {
            // Cleared before the call: a signal that arrives meanwhile asks for another list.
            this.#unitsStale = false;
            this.#refreshesSinceList = 0;
            this.#units = await listAppUnits(this.#connection, cancellable);
        }
        this.#refreshesSinceList++;
        const units = this.#units;
        const readings = await Promise.all(units.map(async unit => {
            try {
                return {unit, sample: await this.#usage.read(unit, cancellable)};
            } catch (error) {
                // A unit that ended between the list and this call has nothing to show.
                if (isCancelled(error))
                    throw error;
                return null;
            }
        }));
        if (cancellable.is_cancelled())
            return;
        const present = new Set<string>();
        let added = false;
        for (const reading of readings) {
            if (!reading) {
                // It ended since it was listed: list again next time.
                this.#unitsStale = true;
                continue;
            }
            present.add(reading.unit.name);
            let item = this.#items.get(reading.unit.name);
            if (!item) {
                item = this.#addItem(reading.unit);
                added = true;
            }
            item.update(reading.sample);
            item.showPending(this.#host.restartPending(reading.unit.name));
        }
        for (const [name, item] of this.#items) {
            if (!present.has(name)) {
                item.destroy();
                this.#items.delete(name);
            }
        }
        this.#usage.keepOnly(present);
        // What a row is sorted by never changes: only a new row needs a place.
        if (added)
            this.#order();
        this.#empty.visible = this.#items.size === 0;
    }

    #addItem(unit: RunningAppUnit): AppUnitMenuItem {
        const item = new AppUnitMenuItem(unit, Shell.AppSystem.get_default().lookup_app(unit.desktopId));
        this.#items.set(unit.name, item);
        this.#section.addMenuItem(item);
        this.#fillSubmenu(item);
        return item;
    }

    #order(): void {
        const sorted = [...this.#items.values()].sort((a, b) => compareListedUnits(
            {name: a.unit.name, confined: a.unit.confined, label: a.appName},
            {name: b.unit.name, confined: b.unit.confined, label: b.appName}));
        sorted.forEach((item, index) => this.#section.moveMenuItem(item, index));
    }

    #fillSubmenu(item: AppUnitMenuItem): void {
        item.menu.removeAll();
        addItem(item.menu, _('Stop'), () => {
            stopUnit(this.#connection, item.unit.name).catch(error =>
                console.warn(`Confine: cannot stop ${item.unit.name}: ${errorMessage(error)}`));
        });
        item.menu.addMenuItem(new PopupMenu.PopupSeparatorMenuItem(_('Profile for its next launch')));
        const settings = readProfileSettings(this.#host.settings);
        const key = findAssignmentKey(item.unit.desktopId, settings.assignments);
        const assigned = key === null ? null : settings.assignments[key];
        const choices: [string | null, string][] = [
            [null, settings.defaultProfile === NO_CONFINEMENT ? _('Default (none)')
                : fill(_('Default ({profile})'), {profile: profileName(settings.defaultProfile, settings.profiles[settings.defaultProfile])})],
            [NO_CONFINEMENT, _('None')],
            ...Object.keys(settings.profiles).sort().map(id =>
                [id, profileName(id, settings.profiles[id])] as [string, string]),
        ];
        for (const [id, label] of choices) {
            const choice = addItem(item.menu, label, () => this.#assign(item.unit.desktopId, id));
            choice.setOrnament(id === assigned ? PopupMenu.Ornament.CHECK : PopupMenu.Ornament.NONE);
        }
    }

    #rebuildProfileItems(): void {
        for (const item of this.#items.values())
            this.#fillSubmenu(item);
    }

    /** Writes the app's assignment; `null` removes it, so the default profile applies. */
    #assign(desktopId: string, profileId: string | null): void {
        const {assignments} = readProfileSettings(this.#host.settings);
        if (!writeProfileSettings(this.#host.settings, {assignments: withAssignment(assignments, desktopId, profileId)}).ok)
            console.warn(`Confine: the assignment of ${desktopId} is locked by the system administrator`);
    }
}
