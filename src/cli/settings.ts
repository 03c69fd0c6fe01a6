// Reading and writing the extension's GSettings from the command line.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {writeProfileSettings} from '../settings/profileStore.js';
import {ASSIGNMENTS_KEY, SCHEMA_ID} from '../settings/schema.js';
import {ConfineError, EXIT} from './exitStatus.js';

const UUID = 'confine@confine.github.io';

/**
 * Directories holding the extension's compiled schema, most specific first: the
 * user's installation of the extension, then system-wide ones (as GNOME Shell finds
 * extensions in every XDG data directory).
 */
function extensionSchemaDirs(): string[] {
    return [GLib.get_user_data_dir(), ...GLib.get_system_data_dirs()]
        .map(dir => GLib.build_filenamev([dir, 'gnome-shell', 'extensions', UUID, 'schemas']));
}

function lookupIn(dir: string): Gio.SettingsSchema | null {
    if (!GLib.file_test(GLib.build_filenamev([dir, 'gschemas.compiled']), GLib.FileTest.EXISTS))
        return null;
    try {
        const source = Gio.SettingsSchemaSource.new_from_directory(dir, Gio.SettingsSchemaSource.get_default(), false);
        return source.lookup(SCHEMA_ID, false);
    } catch {
        return null;
    }
}

/**
 * The schema from the installed extension, or from the default schema path. An
 * explicit GSETTINGS_SCHEMA_DIR (which the default source reads) is asked first.
 */
function findSchema(): Gio.SettingsSchema {
    const defaultSource = Gio.SettingsSchemaSource.get_default();
    if (GLib.getenv('GSETTINGS_SCHEMA_DIR')) {
        const schema = defaultSource?.lookup(SCHEMA_ID, true) ?? null;
        if (schema)
            return schema;
    }
    for (const dir of extensionSchemaDirs()) {
        const schema = lookupIn(dir);
        if (schema)
            return schema;
    }
    const schema = defaultSource?.lookup(SCHEMA_ID, true) ?? null;
    if (!schema) {
        throw new ConfineError(EXIT.SETTINGS,
            `the settings schema ${SCHEMA_ID} is not installed: install the Confine extension ` +
            `(looked in ${extensionSchemaDirs()[0]} and the system schema directories)`);
    }
    return schema;
}

export function openSettings(): Gio.Settings {
    return new Gio.Settings({settings_schema: findSchema()});
}

/** Writes the app → profile assignments and waits until the backend has stored them. */
export function writeAssignments(settings: Gio.Settings, assignments: Record<string, string>): void {
    if (!writeProfileSettings(settings, {assignments}).ok) {
        throw new ConfineError(EXIT.SETTINGS,
            `the app assignments (${ASSIGNMENTS_KEY}) are locked by the system administrator and cannot be changed`);
    }
    Gio.Settings.sync();
}
