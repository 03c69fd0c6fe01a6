// The extension's settings as the panel edits them. Every write goes through the
// core: a value that checkValue refuses, or a name the core refuses, never reaches
// GSettings. Values nobody touched keep their stored GVariant, so editing one
// property never rewrites (or "repairs") another.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {findProperty} from '../core/properties.js';
import {NO_CONFINEMENT} from '../core/resolution.js';
import {checkValue, validateProfile, type ProfileCheck} from '../core/validation.js';
import {
    addProfile, assign, deleteProfile, duplicateProfile, profileName, renameProfile,
    type Deletion, type ProfileEdit, type ProfileSet, type RawProfiles,
} from '../core/profileSet.js';
import {importedProfiles, type ImportedSettings} from '../core/importExport.js';
import {unpackSettingsValue} from '../settings/confinementSettings.js';

export const PROFILES_KEY = 'profiles';
export const ASSIGNMENTS_KEY = 'app-profiles';
export const DEFAULT_PROFILE_KEY = 'default-profile';
export const ON_FAILURE_KEY = 'on-failure';
export const NOTIFY_KEY = 'notify-confined-launch';
export const NOTIFY_LIMITS_KEY = 'notify-limits';
export const SHOW_INDICATOR_KEY = 'show-indicator';
export const OTHER_LAUNCHES_KEY = 'confine-other-launches';

type StoredProfiles = Record<string, Record<string, GLib.Variant>>;

/** One stored profile, checked. */
export interface ProfileEntry {
    readonly id: string;
    readonly name: string;
    /** Property → value as stored, unpacked; may be invalid if someone else wrote it. */
    readonly raw: Readonly<Record<string, unknown>>;
    readonly check: ProfileCheck;
}

/** The result of writing one property: the value as stored, or why it was refused. */
export type PropertyWrite =
    | {readonly ok: true; readonly value: string | null}
    | {readonly ok: false; readonly message: string};

function sameValue(a: unknown, b: unknown): boolean {
    if (a === b)
        return true;
    const json = (value: unknown) => JSON.stringify(value, (_key, item) => typeof item === 'bigint' ? `${item}n` : item);
    return typeof a === 'object' && typeof b === 'object' && json(a) === json(b);
}

/** A value the core produced (names, normalized values) as the GVariant stored for it. */
function toVariant(value: unknown): GLib.Variant {
    if (typeof value === 'boolean')
        return new GLib.Variant('b', value);
    if (typeof value === 'string')
        return new GLib.Variant('s', value);
    throw new Error(`no GVariant type for ${typeof value}`);
}

export class ConfineSettings {
    readonly gsettings: Gio.Settings;
    #listeners = new Set<(key: string) => void>();
    #changedId: number;

    constructor(gsettings: Gio.Settings) {
        this.gsettings = gsettings;
        this.#changedId = gsettings.connect('changed', (_settings, key: string) => {
            for (const listener of [...this.#listeners])
                listener(key);
        });
    }

    /** Calls `listener` with the key after every change; returns the function that disconnects it. */
    listen(listener: (key: string) => void): () => void {
        this.#listeners.add(listener);
        return () => this.#listeners.delete(listener);
    }

    destroy(): void {
        this.#listeners.clear();
        this.gsettings.disconnect(this.#changedId);
    }

    isWritable(key: string): boolean {
        return this.gsettings.is_writable(key);
    }

    #storedProfiles(): StoredProfiles {
        return this.gsettings.get_value(PROFILES_KEY).deepUnpack() as StoredProfiles;
    }

    rawProfiles(): RawProfiles {
        return unpackSettingsValue(this.gsettings.get_value(PROFILES_KEY)) as RawProfiles;
    }

    assignments(): Record<string, string> {
        return this.gsettings.get_value(ASSIGNMENTS_KEY).deepUnpack() as Record<string, string>;
    }

    defaultProfile(): string {
        return this.gsettings.get_string(DEFAULT_PROFILE_KEY);
    }

    profileSet(): ProfileSet {
        return {profiles: this.rawProfiles(), assignments: this.assignments(), defaultProfile: this.defaultProfile()};
    }

    /** Every stored profile, sorted by name; invalid ones included, with their errors. */
    profiles(): ProfileEntry[] {
        return Object.entries(this.rawProfiles())
            .map(([id, raw]) => ({id, name: profileName(id, raw), raw, check: validateProfile(id, raw, _)}))
            .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    }

    profile(id: string): ProfileEntry | null {
        const raw = this.rawProfiles()[id];
        if (raw === undefined)
            return null;
        return {id, name: profileName(id, raw), raw, check: validateProfile(id, raw, _)};
    }

    /**
     * Sets one property of a profile, or unsets it when `value` is null. Refused
     * values are not written; the message says why.
     */
    setProperty(profileId: string, property: string, value: unknown): PropertyWrite {
        const stored = this.#storedProfiles();
        const profile = stored[profileId];
        if (!profile)
            return {ok: false, message: `There is no profile called "${profileId}".`};
        if (!this.isWritable(PROFILES_KEY))
            return {ok: false, message: 'Profiles are managed by your administrator.'};
        if (value === null) {
            if (!(property in profile))
                return {ok: true, value: null};
            delete profile[property];
            this.#writeStored(stored);
            return {ok: true, value: null};
        }
        const check = checkValue(property, value, _);
        if (!check.ok)
            return check;
        const spec = findProperty(property);
        const variant = spec?.kind === 'boolean' ? new GLib.Variant('b', check.value === 'yes') : new GLib.Variant('s', check.value);
        const previous = profile[property];
        if (previous && previous.equal(variant))
            return {ok: true, value: check.value};
        profile[property] = variant;
        this.#writeStored(stored);
        return {ok: true, value: check.value};
    }

    #writeStored(stored: StoredProfiles): void {
        this.gsettings.set_value(PROFILES_KEY, new GLib.Variant('a{sa{sv}}', stored));
    }

    /**
     * The stored form of a profile set the core computed: values the core carried over
     * keep their GVariant (from the same profile, or from `origins[id]` for a copy).
     */
    #toStored(profiles: RawProfiles, origins: Record<string, string> = {}): StoredProfiles {
        const before = this.#storedProfiles();
        const stored: StoredProfiles = {};
        for (const [id, raw] of Object.entries(profiles)) {
            const source = before[origins[id] ?? id] ?? {};
            stored[id] = {};
            for (const [key, value] of Object.entries(raw)) {
                const previous = source[key];
                stored[id][key] = previous && sameValue(previous.recursiveUnpack(), value) ? previous : toVariant(value);
            }
        }
        return stored;
    }

    /** Writes several keys as one change, so no listener sees a half-applied edit. */
    #writeTogether(write: (batch: Gio.Settings) => void): void {
        const batch = new Gio.Settings({
            settings_schema: this.gsettings.settings_schema,
            backend: this.gsettings.backend,
            path: this.gsettings.path,
        });
        batch.delay();
        write(batch);
        batch.apply();
        Gio.Settings.sync();
    }

    #applyEdit(edit: ProfileEdit, origins: Record<string, string> = {}): ProfileEdit {
        if (!edit.ok)
            return edit;
        if (!this.isWritable(PROFILES_KEY))
            return {ok: false, message: 'Profiles are managed by your administrator.'};
        this.#writeStored(this.#toStored(edit.set.profiles, origins));
        return edit;
    }

    addProfile(name: string): ProfileEdit {
        return this.#applyEdit(addProfile(this.profileSet(), name));
    }

    duplicateProfile(sourceId: string, name: string): ProfileEdit {
        const edit = duplicateProfile(this.profileSet(), sourceId, name);
        return this.#applyEdit(edit, edit.ok ? {[edit.id]: sourceId} : {});
    }

    renameProfile(id: string, name: string): ProfileEdit {
        return this.#applyEdit(renameProfile(this.profileSet(), id, name));
    }

    /** Deletes a profile; its apps lose their assignment and follow the default. */
    deleteProfile(id: string): Deletion {
        const deletion = deleteProfile(this.profileSet(), id);
        const profiles = this.#toStored(deletion.set.profiles);
        this.#writeTogether(batch => {
            batch.set_value(PROFILES_KEY, new GLib.Variant('a{sa{sv}}', profiles));
            if (deletion.reassigned.length > 0)
                batch.set_value(ASSIGNMENTS_KEY, new GLib.Variant('a{ss}', deletion.set.assignments));
            if (deletion.defaultCleared)
                batch.set_string(DEFAULT_PROFILE_KEY, deletion.set.defaultProfile);
        });
        return deletion;
    }

    /** Assigns an app a profile id, '' for no confinement, or null to follow the default. */
    assign(desktopId: string, profileId: string | null): boolean {
        if (!this.isWritable(ASSIGNMENTS_KEY))
            return false;
        if (profileId !== null && profileId !== NO_CONFINEMENT && !(profileId in this.rawProfiles()))
            return false;
        const assignments = assign(this.assignments(), desktopId, profileId);
        this.gsettings.set_value(ASSIGNMENTS_KEY, new GLib.Variant('a{ss}', assignments));
        return true;
    }

    setDefaultProfile(profileId: string): boolean {
        if (profileId !== NO_CONFINEMENT && !(profileId in this.rawProfiles()))
            return false;
        return this.gsettings.set_string(DEFAULT_PROFILE_KEY, profileId);
    }

    /** Replaces every profile, assignment and the default with an imported (already validated) set. */
    replaceAll(settings: ImportedSettings): void {
        const profiles: StoredProfiles = {};
        for (const [id, dictionary] of Object.entries(importedProfiles(settings)))
            profiles[id] = Object.fromEntries(Object.entries(dictionary).map(([key, value]) => [key, toVariant(value)]));
        this.#writeTogether(batch => {
            batch.set_value(PROFILES_KEY, new GLib.Variant('a{sa{sv}}', profiles));
            batch.set_value(ASSIGNMENTS_KEY, new GLib.Variant('a{ss}', settings.assignments));
            batch.set_string(DEFAULT_PROFILE_KEY, settings.defaultProfile);
        });
    }
}
