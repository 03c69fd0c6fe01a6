// Export and import of every profile and assignment as one JSON file. Import
// checks the whole file with the core before it writes anything.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {parseSettings, serializeSettings, type ImportProblem} from '../core/importExport.js';
import {PROFILE_SETTINGS_KEYS} from '../settings/schema.js';
import type {PanelSettings} from './panelSettings.js';

Gio._promisify(Gtk.FileDialog.prototype, 'save', 'save_finish');
Gio._promisify(Gtk.FileDialog.prototype, 'open', 'open_finish');
Gio._promisify(Gio.File.prototype, 'load_contents_async', 'load_contents_finish');
Gio._promisify(Gio.File.prototype, 'replace_contents_async', 'replace_contents_finish');

export type ImportOutcome =
    | {readonly ok: true; readonly profiles: number; readonly assignments: number}
    | {readonly ok: false; readonly problems: readonly ImportProblem[]};

/** Applies a settings document, or nothing at all if any part of it is wrong. */
export function importSettingsText(settings: PanelSettings, text: string): ImportOutcome {
    const locked = PROFILE_SETTINGS_KEYS.filter(key => !settings.isWritable(key));
    if (locked.length > 0)
        return {ok: false, problems: locked.map(key => ({part: key, message: _('Managed by your administrator')}))};
    const result = parseSettings(text);
    if (!result.ok)
        return result;
    settings.replaceAll(result.settings);
    return {ok: true, profiles: Object.keys(result.settings.profiles).length, assignments: Object.keys(result.settings.assignments).length};
}

export async function importSettingsFile(settings: PanelSettings, file: Gio.File): Promise<ImportOutcome> {
    const [contents] = await file.load_contents_async(null);
    let text: string;
    try {
        text = new TextDecoder('utf-8', {fatal: true}).decode(contents);
    } catch {
        return {ok: false, problems: [{part: 'file', message: _('The file is not UTF-8 text.')}]};
    }
    return importSettingsText(settings, text);
}

export async function exportSettingsFile(settings: PanelSettings, file: Gio.File): Promise<void> {
    const bytes = new TextEncoder().encode(serializeSettings(settings.read()));
    await file.replace_contents_async(bytes, null, false, Gio.FileCreateFlags.REPLACE_DESTINATION, null);
}

function jsonFilter(): Gio.ListStore {
    const filter = new Gtk.FileFilter({name: _('Confine settings (JSON)')});
    filter.add_mime_type('application/json');
    filter.add_suffix('json');
    const filters = new Gio.ListStore({item_type: Gtk.FileFilter.$gtype});
    filters.append(filter);
    return filters;
}

/** Asks where to save; null when the user cancels. */
export async function chooseExportFile(parent: Gtk.Window): Promise<Gio.File | null> {
    const dialog = new Gtk.FileDialog({
        title: _('Export Profiles'),
        initial_name: 'confine-settings.json',
        filters: jsonFilter(),
    });
    try {
        return await dialog.save(parent, null);
    } catch (error) {
        if (error instanceof GLib.Error && error.matches(Gtk.DialogError, Gtk.DialogError.DISMISSED))
            return null;
        throw error;
    }
}

export async function chooseImportFile(parent: Gtk.Window): Promise<Gio.File | null> {
    const dialog = new Gtk.FileDialog({title: _('Import Profiles'), filters: jsonFilter()});
    try {
        return await dialog.open(parent, null);
    } catch (error) {
        if (error instanceof GLib.Error && error.matches(Gtk.DialogError, Gtk.DialogError.DISMISSED))
            return null;
        throw error;
    }
}
