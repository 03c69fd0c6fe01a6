// The default profile, what happens when an app cannot be confined, notifications,
// and the backup of everything as one file.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {NO_CONFINEMENT} from '../core/resolution.js';
import {
    DEFAULT_PROFILE_KEY, NOTIFY_KEY, ON_FAILURE_KEY, PROFILES_KEY, type ConfineSettings,
} from './confineSettings.js';
import {addWhenShown} from './deferredGroups.js';
import {MANAGED_BY_ADMINISTRATOR} from './propertyText.js';
import type {ImportOutcome} from './settingsFile.js';
import {escapeMarkup, format} from './text.js';
import {asWidget} from './widget.js';

/** The nicks of the on-failure enum, in the order the chooser shows them. */
const FAILURE_POLICIES = ['launch-unconfined', 'refuse'];

function showLock(row: Adw.ActionRow, writable: boolean, subtitle: string): void {
    row.sensitive = writable;
    row.subtitle = escapeMarkup(writable ? subtitle : `${subtitle}\n${MANAGED_BY_ADMINISTRATOR()}`);
}

export class GeneralPage extends Adw.PreferencesPage {
    static {
        GObject.registerClass(this);
    }

    readonly defaultRow: Adw.ComboRow;
    readonly failureRow: Adw.ComboRow;
    readonly notifyRow: Adw.SwitchRow;
    readonly exportButton: Gtk.Button;
    readonly importButton: Gtk.Button;
    /** Profile id of each position of the default chooser; '' is "none". */
    defaultChoices: string[] = [];
    #settings: ConfineSettings;
    #syncing = false;

    constructor(settings: ConfineSettings) {
        super({title: _('_General'), use_underline: true, icon_name: 'preferences-system-symbolic', name: 'general'});
        this.#settings = settings;

        const launching = new Adw.PreferencesGroup({title: _('Launching')});
        this.defaultRow = new Adw.ComboRow({title: _('Default profile'), model: new Gtk.StringList()});
        this.defaultRow.connect('notify::selected', () => {
            const id = this.defaultChoices[this.defaultRow.selected];
            if (!this.#syncing && id !== undefined && id !== settings.defaultProfile())
                settings.setDefaultProfile(id);
        });
        launching.add(this.defaultRow);

        this.failureRow = new Adw.ComboRow({
            title: _('When an app cannot be confined'),
            model: Gtk.StringList.new([_('Start unconfined'), _('Do not start')]),
        });
        this.failureRow.connect('notify::selected', () => {
            const policy = FAILURE_POLICIES[this.failureRow.selected];
            if (!this.#syncing && policy !== undefined && policy !== settings.gsettings.get_string(ON_FAILURE_KEY))
                settings.gsettings.set_string(ON_FAILURE_KEY, policy);
        });
        launching.add(this.failureRow);

        const notifications = new Adw.PreferencesGroup({title: _('Notifications')});
        this.notifyRow = new Adw.SwitchRow({title: _('Notify on every confined launch')});
        this.notifyRow.connect('notify::active', () => {
            if (!this.#syncing && this.notifyRow.active !== settings.gsettings.get_boolean(NOTIFY_KEY))
                settings.gsettings.set_boolean(NOTIFY_KEY, this.notifyRow.active);
        });
        notifications.add(this.notifyRow);

        const backup = new Adw.PreferencesGroup({
            title: _('Backup'),
            description: _('All profiles, the profile of each app and the default profile, as one JSON file. An import replaces them all, and only if the whole file is valid.'),
        });
        const backupRow = new Adw.ActionRow({title: _('Profiles and assignments')});
        this.exportButton = new Gtk.Button({label: _('Export…'), valign: Gtk.Align.CENTER});
        this.importButton = new Gtk.Button({label: _('Import…'), valign: Gtk.Align.CENTER});
        backupRow.add_suffix(this.exportButton);
        backupRow.add_suffix(this.importButton);
        this.exportButton.connect('clicked', () => this.#export().catch(logError));
        this.importButton.connect('clicked', () => this.#import().catch(logError));
        backup.add(backupRow);
        addWhenShown(this, [launching, notifications, backup]);

        settings.listen(() => this.refresh());
        this.refresh();
    }

    refresh(): void {
        const settings = this.#settings;
        this.#syncing = true;
        const profiles = settings.profiles();
        this.defaultChoices = [NO_CONFINEMENT, ...profiles.map(entry => entry.id)];
        const labels = [_('None (apps launch as usual)'), ...profiles.map(entry => entry.name)];
        const model = this.defaultRow.model as Gtk.StringList;
        model.splice(0, model.get_n_items(), labels);
        const current = settings.defaultProfile();
        const index = this.defaultChoices.indexOf(current);
        this.defaultRow.selected = Math.max(0, index);
        const defaultSubtitle = index < 0
            ? format(_('The saved default “%s” is not a profile: apps without a profile follow the failure policy.'), current)
            : _('For apps that have no profile of their own.');
        showLock(this.defaultRow, settings.isWritable(DEFAULT_PROFILE_KEY), defaultSubtitle);
        if (index < 0)
            this.defaultRow.add_css_class('error');
        else
            this.defaultRow.remove_css_class('error');

        this.failureRow.selected = Math.max(0, FAILURE_POLICIES.indexOf(settings.gsettings.get_string(ON_FAILURE_KEY)));
        showLock(this.failureRow, settings.isWritable(ON_FAILURE_KEY),
            _('When systemd-run fails or the app’s profile is invalid. Either way a notification says why.'));
        this.notifyRow.active = settings.gsettings.get_boolean(NOTIFY_KEY);
        showLock(this.notifyRow, settings.isWritable(NOTIFY_KEY), _('Failures are always notified.'));
        this.importButton.sensitive = settings.isWritable(PROFILES_KEY);
        this.#syncing = false;
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
