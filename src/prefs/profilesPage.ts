// The list of profiles, built-ins included: add, duplicate, delete, and open the
// editor of one. Deleting a profile that apps use asks first and names them.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {appsUsingProfile, uniqueName} from '../core/profileSettings.js';
import {ASSIGNMENTS_KEY, DEFAULT_PROFILE_KEY, PROFILES_KEY} from '../settings/schema.js';
import type {PanelSettings} from './panelSettings.js';
import {addWhenShown} from './deferredGroups.js';
import {findInstalledApp} from './installedApps.js';
import type {MachineInfo} from './machineInfo.js';
import type {ProfileEditor} from './profileEditor.js';
import {ProfileRow} from './profileRow.js';
import type {ReadRunningUnits} from './runningUnits.js';
import {MANAGED_BY_ADMINISTRATOR} from './propertyText.js';
import {format} from './text.js';
import {asWidget} from './widget.js';

export class ProfilesPage extends Adw.PreferencesPage {
    static {
        GObject.registerClass(this);
    }

    #settings: PanelSettings;
    #machine: MachineInfo;
    #readUnits: ReadRunningUnits;
    #list: {readonly group: Adw.PreferencesGroup; readonly addButton: Gtk.Button} | null = null;
    #rows: ProfileRow[] = [];

    constructor(settings: PanelSettings, machine: MachineInfo, readUnits: ReadRunningUnits) {
        super({title: _('_Profiles'), use_underline: true, icon_name: 'view-list-symbolic', name: 'profiles'});
        this.#settings = settings;
        this.#machine = machine;
        this.#readUnits = readUnits;
        addWhenShown(this, () => [this.group]);
        settings.listen(key => {
            if (this.#list && (key === PROFILES_KEY || key === ASSIGNMENTS_KEY || key === DEFAULT_PROFILE_KEY))
                this.refresh();
        });
    }

    get group(): Adw.PreferencesGroup {
        return this.#built().group;
    }

    get addButton(): Gtk.Button {
        return this.#built().addButton;
    }

    get rows(): ProfileRow[] {
        this.#built();
        return this.#rows;
    }

    /**
     * Builds the list on first use: the window shows the Applications page first,
     * so this work stays out of its start-up.
     */
    #built(): {readonly group: Adw.PreferencesGroup; readonly addButton: Gtk.Button} {
        if (this.#list)
            return this.#list;
        const group = new Adw.PreferencesGroup({
            title: _('Profiles'),
            description: _('A profile is a set of limits and sandbox options. Open one to edit it.'),
        });
        const addButton = new Gtk.Button({
            icon_name: 'list-add-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Add a profile'),
        });
        addButton.add_css_class('flat');
        addButton.connect('clicked', () => void this.addProfile().catch(logError));
        group.set_header_suffix(addButton);
        this.#list = {group, addButton};
        this.refresh();
        return this.#list;
    }

    refresh(): void {
        const {group, addButton} = this.#built();
        for (const row of this.#rows)
            group.remove(row);
        const writable = this.#settings.isWritable(PROFILES_KEY);
        const {assignments, defaultProfile} = this.#settings.read();
        this.#rows = this.#settings.profiles().map(entry => {
            const row = new ProfileRow(entry, appsUsingProfile(entry.id, assignments).length, entry.id === defaultProfile, writable);
            row.connect('activated', () => void this.openEditor(entry.id).catch(logError));
            row.duplicateButton.connect('clicked', () => void this.duplicateProfile(entry.id).catch(logError));
            row.deleteButton.connect('clicked', () => this.requestDelete(entry.id));
            return row;
        });
        for (const row of this.#rows)
            group.add(row);
        addButton.sensitive = writable;
        group.description = writable
            ? _('A profile is a set of limits and sandbox options. Open one to edit it.')
            : MANAGED_BY_ADMINISTRATOR();
    }

    /**
     * Pushes the editor of a profile. Its modules are loaded on first use, which
     * keeps them out of the window's start-up.
     */
    async openEditor(profileId: string): Promise<ProfileEditor> {
        const {ProfileEditor} = await import('./profileEditor.js');
        const editor = new ProfileEditor(this.#settings, profileId, this.#machine, this.#readUnits);
        const window = this.get_root();
        if (window instanceof Adw.PreferencesWindow)
            window.push_subpage(editor);
        return editor;
    }

    #names(): string[] {
        return this.#settings.profiles().map(entry => entry.name);
    }

    addProfile(): Promise<ProfileEditor | null> {
        const edit = this.#settings.addProfile(uniqueName(_('New profile'), this.#names()));
        return this.#afterEdit(edit);
    }

    async duplicateProfile(sourceId: string): Promise<ProfileEditor | null> {
        const source = this.#settings.profile(sourceId);
        if (!source)
            return null;
        const edit = this.#settings.duplicateProfile(sourceId, uniqueName(format(_('%s (copy)'), source.name), this.#names()));
        return this.#afterEdit(edit);
    }

    async #afterEdit(edit: {ok: true; id: string} | {ok: false; message: string}): Promise<ProfileEditor | null> {
        if (!edit.ok) {
            this.#toast(edit.message);
            return null;
        }
        return await this.openEditor(edit.id);
    }

    #toast(title: string): void {
        const window = this.get_root();
        if (window instanceof Adw.PreferencesWindow)
            window.add_toast(new Adw.Toast({title, timeout: 5}));
    }

    /** Asks before deleting, naming the apps that will fall back to the default. */
    requestDelete(profileId: string): Adw.AlertDialog | null {
        const entry = this.#settings.profile(profileId);
        if (!entry)
            return null;
        const apps = appsUsingProfile(profileId, this.#settings.read().assignments)
            .map(desktopId => findInstalledApp(desktopId)?.name ?? desktopId);
        const isDefault = this.#settings.read().defaultProfile === profileId;
        const lines: string[] = [];
        if (apps.length > 0)
            lines.push(format(_('These apps use it and will use the default profile instead: %s.'), apps.join(', ')));
        if (isDefault)
            lines.push(_('It is the default profile: apps without a profile of their own will run unconfined.'));
        if (lines.length === 0)
            lines.push(_('No app uses it.'));
        const dialog = new Adw.AlertDialog({
            heading: format(_('Delete “%s”?'), entry.name),
            body: lines.join('\n\n'),
            close_response: 'cancel',
            default_response: 'cancel',
        });
        dialog.add_response('cancel', _('Cancel'));
        dialog.add_response('delete', _('Delete'));
        dialog.set_response_appearance('delete', Adw.ResponseAppearance.DESTRUCTIVE);
        dialog.connect('response', (_dialog, response: string) => {
            if (response === 'delete')
                this.deleteProfile(profileId);
        });
        dialog.present(asWidget(this));
        return dialog;
    }

    deleteProfile(profileId: string): void {
        const deletion = this.#settings.deleteProfile(profileId);
        if (deletion.reassigned.length > 0)
            this.#toast(format(_('Deleted. %s apps now use the default profile.'), deletion.reassigned.length));
    }
}
