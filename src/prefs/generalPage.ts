// The default profile, what happens when an app cannot be confined, notifications,
// and the backup of everything as one file.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {NO_CONFINEMENT} from '../core/profileSettings.js';
import {
    DEFAULT_PROFILE_KEY, FAILURE_POLICIES, NOTIFY_CONFINED_LAUNCH_KEY, NOTIFY_LIMITS_KEY, ON_FAILURE_KEY, OTHER_LAUNCHES_KEY, PROFILES_KEY,
    SHOW_INDICATOR_KEY,
    type FailurePolicy,
} from '../settings/schema.js';
import type {PanelSettings} from './panelSettings.js';
import {addWhenShown} from './deferredGroups.js';
import {MANAGED_BY_ADMINISTRATOR} from './propertyText.js';
import type {ImportOutcome} from './settingsFile.js';
import {escapeMarkup, format} from './text.js';
import {asWidget} from './widget.js';

function showLock(row: Adw.ActionRow, writable: boolean, subtitle: string): void {
    row.sensitive = writable;
    row.subtitle = escapeMarkup(writable ? subtitle : `${subtitle}\n${MANAGED_BY_ADMINISTRATOR()}`);
}

/** The page's rows and buttons, built when the page is first shown or used. */
interface GeneralContent {
    readonly groups: Adw.PreferencesGroup[];
    readonly defaultRow: Adw.ComboRow;
    readonly failureRow: Adw.ComboRow;
    readonly otherLaunchesRow: Adw.SwitchRow;
    readonly notifyRow: Adw.SwitchRow;
    readonly notifyLimitsRow: Adw.SwitchRow;
    readonly indicatorRow: Adw.SwitchRow;
    readonly exportButton: Gtk.Button;
    readonly importButton: Gtk.Button;
}

export class GeneralPage extends Adw.PreferencesPage {
    static {
        GObject.registerClass(this);
    }

    #defaultChoices: string[] = [];
    #settings: PanelSettings;
    #syncing = false;
    #content: GeneralContent | null = null;

    constructor(settings: PanelSettings) {
        super({title: _('_General'), use_underline: true, icon_name: 'preferences-system-symbolic', name: 'general'});
        this.#settings = settings;
        addWhenShown(this, () => this.#built().groups);
        settings.listen(() => {
            if (this.#content)
                this.refresh();
        });
    }

    get defaultRow(): Adw.ComboRow {
        return this.#built().defaultRow;
    }

    get failureRow(): Adw.ComboRow {
        return this.#built().failureRow;
    }

    get otherLaunchesRow(): Adw.SwitchRow {
        return this.#built().otherLaunchesRow;
    }

    get notifyRow(): Adw.SwitchRow {
        return this.#built().notifyRow;
    }

    get notifyLimitsRow(): Adw.SwitchRow {
        return this.#built().notifyLimitsRow;
    }

    get indicatorRow(): Adw.SwitchRow {
        return this.#built().indicatorRow;
    }

    get exportButton(): Gtk.Button {
        return this.#built().exportButton;
    }

    get importButton(): Gtk.Button {
        return this.#built().importButton;
    }

    /** Profile id of each position of the default chooser; '' is "none". */
    get defaultChoices(): string[] {
        this.#built();
        return this.#defaultChoices;
    }

    /**
     * Builds the rows on first use: the window shows the Applications page first,
     * so this work stays out of its start-up.
     */
    #built(): GeneralContent {
        if (this.#content)
            return this.#content;
        const settings = this.#settings;
        const launching = new Adw.PreferencesGroup({title: _('Launching')});
        const defaultRow = new Adw.ComboRow({title: _('Default profile'), model: new Gtk.StringList()});
        defaultRow.connect('notify::selected', () => {
            const id = this.#defaultChoices[defaultRow.selected];
            if (!this.#syncing && id !== undefined && id !== settings.read().defaultProfile)
                settings.setDefaultProfile(id);
        });
        launching.add(defaultRow);

        const failureRow = new Adw.ComboRow({
            title: _('When an app cannot be confined'),
            model: Gtk.StringList.new([_('Start unconfined'), _('Do not start')]),
        });
        failureRow.connect('notify::selected', () => {
            const policy = FAILURE_POLICIES[failureRow.selected];
            if (!this.#syncing && policy !== undefined && policy !== settings.gsettings.get_string(ON_FAILURE_KEY))
                settings.gsettings.set_string(ON_FAILURE_KEY, policy);
        });
        launching.add(failureRow);
        const otherLaunchesRow = this.#switchRow(OTHER_LAUNCHES_KEY, _('Confine apps started by others'));
        launching.add(otherLaunchesRow);

        const notifications = new Adw.PreferencesGroup({title: _('Notifications')});
        const notifyRow = this.#switchRow(NOTIFY_CONFINED_LAUNCH_KEY, _('Notify on every confined launch'));
        notifications.add(notifyRow);
        const notifyLimitsRow = this.#switchRow(NOTIFY_LIMITS_KEY, _('Notify when a limit acts'));
        notifications.add(notifyLimitsRow);

        const topBar = new Adw.PreferencesGroup({title: _('Top Bar')});
        const indicatorRow = this.#switchRow(SHOW_INDICATOR_KEY, _('Show running apps'));
        topBar.add(indicatorRow);

        const backup = new Adw.PreferencesGroup({
            title: _('Backup'),
            description: _('All profiles, the profile of each app and the default profile, as one JSON file. An import replaces them all, and only if the whole file is valid.'),
        });
        const backupRow = new Adw.ActionRow({title: _('Profiles and assignments')});
        const exportButton = new Gtk.Button({label: _('Export…'), valign: Gtk.Align.CENTER});
        const importButton = new Gtk.Button({label: _('Import…'), valign: Gtk.Align.CENTER});
        backupRow.add_suffix(exportButton);
        backupRow.add_suffix(importButton);
        exportButton.connect('clicked', () => void this.#export().catch(logError));
        importButton.connect('clicked', () => void this.#import().catch(logError));
        backup.add(backupRow);

        this.#content = {
            groups: [launching, notifications, topBar, backup],
            defaultRow, failureRow, otherLaunchesRow, notifyRow, notifyLimitsRow, indicatorRow, exportButton, importButton,
        };
        this.refresh();
        return this.#content;
    }

    refresh(): void {
        const settings = this.#settings;
        const {defaultRow, failureRow, otherLaunchesRow, notifyRow, notifyLimitsRow, indicatorRow, importButton} = this.#built();
        this.#syncing = true;
        const profiles = settings.profiles();
        this.#defaultChoices = [NO_CONFINEMENT, ...profiles.map(entry => entry.id)];
        const labels = [_('None (apps launch as usual)'), ...profiles.map(entry => entry.name)];
        const model = defaultRow.model as Gtk.StringList;
        model.splice(0, model.get_n_items(), labels);
        const current = settings.read().defaultProfile;
        const index = this.#defaultChoices.indexOf(current);
        defaultRow.selected = Math.max(0, index);
        const defaultSubtitle = index < 0
            ? format(_('The saved default “%s” is not a profile: apps without a profile follow the failure policy.'), current)
            : _('For apps that have no profile of their own.');
        showLock(defaultRow, settings.isWritable(DEFAULT_PROFILE_KEY), defaultSubtitle);
        if (index < 0)
            defaultRow.add_css_class('error');
        else
            defaultRow.remove_css_class('error');

        failureRow.selected = Math.max(0, FAILURE_POLICIES.indexOf(settings.gsettings.get_string(ON_FAILURE_KEY) as FailurePolicy));
        showLock(failureRow, settings.isWritable(ON_FAILURE_KEY),
            _('When systemd-run fails or the app’s profile is invalid. Either way a notification says why.'));
        this.#showSwitch(otherLaunchesRow, OTHER_LAUNCHES_KEY,
            _('Apps opened by other apps, from a terminal or over D-Bus get the limits of their profile, and running apps follow profile changes. Sandbox options need a launch through Confine.'));
        this.#showSwitch(notifyRow, NOTIFY_CONFINED_LAUNCH_KEY, _('Failures are always notified.'));
        this.#showSwitch(notifyLimitsRow, NOTIFY_LIMITS_KEY,
            _('When a confined app is killed at its memory limit, held at its memory throttle point or refused a new process.'));
        this.#showSwitch(indicatorRow, SHOW_INDICATOR_KEY,
            _('A menu with the memory and CPU each app uses against the limits of its profile.'));
        importButton.sensitive = settings.isWritable(PROFILES_KEY);
        this.#syncing = false;
    }

    /** A switch that writes a boolean key; refresh() shows the stored value. */
    #switchRow(key: string, title: string): Adw.SwitchRow {
        const row = new Adw.SwitchRow({title});
        row.connect('notify::active', () => {
            if (!this.#syncing && row.active !== this.#settings.gsettings.get_boolean(key))
                this.#settings.gsettings.set_boolean(key, row.active);
        });
        return row;
    }

    #showSwitch(row: Adw.SwitchRow, key: string, subtitle: string): void {
        row.active = this.#settings.gsettings.get_boolean(key);
        showLock(row, this.#settings.isWritable(key), subtitle);
    }

    #window(): Adw.PreferencesWindow | null {
        const root = this.get_root();
        return root instanceof Adw.PreferencesWindow ? root : null;
    }

    // The file code is loaded on first use, which keeps it out of the window's start-up.
    async #export(): Promise<void> {
        const window = this.#window();
        if (!window)
            return;
        const {chooseExportFile, exportSettingsFile} = await import('./settingsFile.js');
        const file = await chooseExportFile(window);
        if (!file)
            return;
        await exportSettingsFile(this.#settings, file);
        window.add_toast(new Adw.Toast({title: format(_('Exported to %s'), file.get_basename() ?? '')}));
    }

    async #import(): Promise<void> {
        const window = this.#window();
        if (!window)
            return;
        const {chooseImportFile, importSettingsFile} = await import('./settingsFile.js');
        const file = await chooseImportFile(window);
        if (!file)
            return;
        this.showImportOutcome(await importSettingsFile(this.#settings, file));
    }

    /** Tells the user what an import did, or which parts of the file are wrong. */
    showImportOutcome(outcome: ImportOutcome): Adw.AlertDialog | null {
        if (outcome.ok) {
            this.#window()?.add_toast(new Adw.Toast({
                title: format(_('Imported %s profiles and %s app assignments'), outcome.profiles, outcome.assignments),
            }));
            return null;
        }
        const shown = outcome.problems.slice(0, 12).map(problem => `${problem.part}: ${problem.message}`);
        if (outcome.problems.length > shown.length)
            shown.push(format(_('…and %s more.'), outcome.problems.length - shown.length));
        const dialog = new Adw.AlertDialog({
            heading: _('Nothing Was Imported'),
            body: `${_('The file has problems, so your settings were left as they were:')}\n\n${shown.join('\n')}`,
        });
        dialog.add_response('close', _('Close'));
        dialog.present(asWidget(this));
        return dialog;
    }
}
