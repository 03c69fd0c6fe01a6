// The profile settings as the panel edits them, over the one reader and writer of
// settings/profileStore.ts. Every write goes through the core: a value that
// checkValue refuses, or a name the core refuses, never reaches GSettings.

import type Gio from 'gi://Gio';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {findProperty} from '../core/properties.js';
import {
    NO_CONFINEMENT, addProfile, deleteProfile, duplicateProfile, profileName, renameProfile, unreadableProfile, withAssignment,
    type Deletion, type ProfileEdit, type ProfileSettings, type RawProfile,
} from '../core/profileSettings.js';
import {checkValue, validateProfile, type ProfileCheck} from '../core/validation.js';
import {readProfileSettings, writeProfileSettings} from '../settings/profileStore.js';

/** One stored profile, checked. */
export interface ProfileEntry {
    readonly id: string;
    readonly name: string;
    /** Property → value as stored, unpacked; may be invalid if someone else wrote it. */
    readonly raw: RawProfile;
    readonly check: ProfileCheck;
}

/** The result of writing one property: the value as stored, or why it was refused. */
export type PropertyWrite =
    | {readonly ok: true; readonly value: string | null}
    | {readonly ok: false; readonly message: string};

const MANAGED = () => _('Profiles are managed by your administrator.');

function entry(id: string, raw: RawProfile): ProfileEntry {
    return {id, name: profileName(id, raw), raw, check: validateProfile(id, raw, _)};
}

export class PanelSettings {
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

    read(): ProfileSettings {
        return readProfileSettings(this.gsettings);
    }

    /** Every stored profile, sorted by name; invalid ones included, with their errors. */
    profiles(): ProfileEntry[] {
        return Object.entries(this.read().profiles)
            .map(([id, raw]) => entry(id, raw))
            .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    }

    profile(id: string): ProfileEntry | null {
        const {profiles} = this.read();
        return Object.hasOwn(profiles, id) ? entry(id, profiles[id]) : null;
    }

    /**
     * Sets one property of a profile, or unsets it when `value` is null. Refused
     * values are not written; the message says why.
     */
    setProperty(profileId: string, property: string, value: unknown): PropertyWrite {
        const {profiles} = this.read();
        if (!Object.hasOwn(profiles, profileId))
            return {ok: false, message: `There is no profile called "${profileId}".`};
        const unreadable = unreadableProfile(profileId, profiles[profileId], _);
        if (unreadable !== null)
            return {ok: false, message: unreadable};
        let stored: string | null = null;
        let profile: RawProfile = Object.fromEntries(Object.entries(profiles[profileId]).filter(([key]) => key !== property));
        if (value !== null) {
            const check = checkValue(property, value, _);
            if (!check.ok)
                return check;
            stored = check.value;
            profile = {...profiles[profileId], [property]: findProperty(property)?.kind === 'boolean' ? stored === 'yes' : stored};
        }
        return this.#write({profiles: {...profiles, [profileId]: profile}}) ? {ok: true, value: stored} : {ok: false, message: MANAGED()};
    }

    #write(changes: Partial<ProfileSettings>, origins?: Record<string, string>): boolean {
        return writeProfileSettings(this.gsettings, changes, origins).ok;
    }

    #applyEdit(edit: ProfileEdit, origins: Record<string, string> = {}): ProfileEdit {
        if (!edit.ok)
            return edit;
        return this.#write({profiles: edit.set.profiles}, origins) ? edit : {ok: false, message: MANAGED()};
    }

    addProfile(name: string): ProfileEdit {
        return this.#applyEdit(addProfile(this.read(), name));
    }

    duplicateProfile(sourceId: string, name: string): ProfileEdit {
        const edit = duplicateProfile(this.read(), sourceId, name);
        return this.#applyEdit(edit, edit.ok ? {[edit.id]: sourceId} : {});
    }

    renameProfile(id: string, name: string): ProfileEdit {
        return this.#applyEdit(renameProfile(this.read(), id, name));
    }

    /** Deletes a profile; its apps lose their assignment and follow the default. */
    deleteProfile(id: string): Deletion {
        const deletion = deleteProfile(this.read(), id);
        this.#write({
            profiles: deletion.set.profiles,
            assignments: deletion.reassigned.length > 0 ? deletion.set.assignments : undefined,
            defaultProfile: deletion.defaultCleared ? deletion.set.defaultProfile : undefined,
        });
        return deletion;
    }

    /** Assigns an app a profile id, '' for no confinement, or null to follow the default. */
    assign(desktopId: string, profileId: string | null): boolean {
        const {profiles, assignments} = this.read();
        if (profileId !== null && profileId !== NO_CONFINEMENT && !Object.hasOwn(profiles, profileId))
            return false;
        return this.#write({assignments: withAssignment(assignments, desktopId, profileId)});
    }

    setDefaultProfile(profileId: string): boolean {
        if (profileId !== NO_CONFINEMENT && !Object.hasOwn(this.read().profiles, profileId))
            return false;
        return this.#write({defaultProfile: profileId});
    }

    /** Replaces every profile, assignment and the default with an imported (already validated) set. */
    replaceAll(settings: ProfileSettings): void {
        this.#write(settings);
    }
}
