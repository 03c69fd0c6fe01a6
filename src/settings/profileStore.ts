// The one reader and the one writer of the profile settings (profiles, app-profiles,
// default-profile), shared by the shell, the preferences and the command line, so all
// resolve a launch from exactly the same data and store an edit the same way.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import type {ProfileSettings, RawProfile, RawProfiles} from '../core/profileSettings.js';
import {MAX_PROFILE_KEYS, OversizedProfile} from '../core/validation.js';
import {ASSIGNMENTS_KEY, ASSIGNMENTS_TYPE, DEFAULT_PROFILE_KEY, PROFILES_KEY} from './schema.js';

/**
 * A value unpacked like recursiveUnpack(), except that every dictionary keeps all of
 * its keys as its own properties: recursiveUnpack() assigns them, and assigning
 * "__proto__" sets the object's prototype instead, so such a key would vanish before
 * the validator could refuse it.
 */
export function unpackSettingsValue(value: GLib.Variant): unknown {
    const type = value.get_type_string();
    if (type === 'v')
        return unpackSettingsValue(value.get_variant());
    if (!type.startsWith('a{'))
        return value.recursiveUnpack();
    const dictionary: Record<string, unknown> = {};
    for (let i = 0; i < value.n_children(); i++) {
        const entry = value.get_child_value(i);
        const key = String(entry.get_child_value(0).recursiveUnpack());
        Object.defineProperty(dictionary, key, {
            value: unpackSettingsValue(entry.get_child_value(1)),
            enumerable: true, writable: true, configurable: true,
        });
    }
    return dictionary;
}

/** The stored profiles, each unpacked unless it is too large to be one. */
function unpackProfiles(value: GLib.Variant): RawProfiles {
    const profiles: Record<string, RawProfile> = {};
    for (let i = 0; i < value.n_children(); i++) {
        const entry = value.get_child_value(i);
        const profile = entry.get_child_value(1);
        Object.defineProperty(profiles, String(entry.get_child_value(0).recursiveUnpack()), {
            value: profile.n_children() > MAX_PROFILE_KEYS
                ? new OversizedProfile(profile.n_children())
                : unpackSettingsValue(profile),
            enumerable: true, writable: true, configurable: true,
        });
    }
    return profiles;
}

/** The one reader. Unpacked so the core's validator sees each value's real type; nothing is trusted here. */
export function readProfileSettings(gsettings: Gio.Settings): ProfileSettings {
    return {
        profiles: unpackProfiles(gsettings.get_value(PROFILES_KEY)),
        assignments: unpackSettingsValue(gsettings.get_value(ASSIGNMENTS_KEY)) as Record<string, string>,
        defaultProfile: gsettings.get_string(DEFAULT_PROFILE_KEY),
    };
}

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

/** The entries of a stored dictionary by key, read child by child so that no key (not even "__proto__") is lost. */
function children(dictionary: GLib.Variant): Map<string, GLib.Variant> {
    const entries = new Map<string, GLib.Variant>();
    for (let i = 0; i < dictionary.n_children(); i++) {
        const entry = dictionary.get_child_value(i);
        entries.set(entry.get_child_value(0).get_string()[0], entry.get_child_value(1));
    }
    return entries;
}

/** A dictionary of string keys built entry by entry, as an object with a "__proto__" key cannot be. */
function dictionary(entryType: string, entries: Iterable<[string, GLib.Variant]>): GLib.Variant {
    const items: GLib.Variant[] = [...entries].map(([key, value]) => GLib.Variant.new_dict_entry(new GLib.Variant('s', key), value));
    return GLib.Variant.new_array(new GLib.VariantType(entryType), items);
}

/**
 * The stored form of profiles an edit computed. A profile the edit left as it was
 * stays exactly as stored (a profile too large to be read included); in the others,
 * values the edit carried over keep their GVariant (from the same profile, or from
 * `origins[id]` for a copy), so editing one property never rewrites (or "repairs")
 * another.
 */
function toStored(gsettings: Gio.Settings, profiles: RawProfiles, origins: Readonly<Record<string, string>>): GLib.Variant {
    const before = children(gsettings.get_value(PROFILES_KEY));
    const stored: [string, GLib.Variant][] = [];
    for (const [id, raw] of Object.entries(profiles)) {
        const source = before.get(origins[id] ?? id);
        if (source && (raw instanceof OversizedProfile || (!Object.hasOwn(origins, id) && sameValue(unpackSettingsValue(source), raw)))) {
            stored.push([id, source]);
            continue;
        }
        const values = source ? children(source) : new Map<string, GLib.Variant>();
        stored.push([id, dictionary('{sv}', Object.entries(raw).map(([key, value]): [string, GLib.Variant] => {
            const previous = values.get(key)?.get_variant();
            return [key, GLib.Variant.new_variant(previous && sameValue(unpackSettingsValue(previous), value) ? previous : toVariant(value))];
        }))]);
    }
    return dictionary('{sa{sv}}', stored);
}

export type SettingsWrite =
    | {readonly ok: true}
    /** Nothing was written: these keys are locked (by the system administrator). */
    | {readonly ok: false; readonly locked: readonly string[]};

/**
 * The one writer: stores the parts of the profile settings given in `changes`, and
 * nothing if any of their keys is locked. Several keys are written as one change, so
 * no listener sees a half-applied edit; a key whose value is as stored is not written.
 * It does not wait for the backend to store them (the shell must not block): the
 * command line calls Gio.Settings.sync() before it exits.
 */
export function writeProfileSettings(gsettings: Gio.Settings, changes: Partial<ProfileSettings>,
    origins: Readonly<Record<string, string>> = {}): SettingsWrite {
    const values = new Map<string, GLib.Variant>();
    if (changes.profiles)
        values.set(PROFILES_KEY, toStored(gsettings, changes.profiles, origins));
    if (changes.assignments)
        values.set(ASSIGNMENTS_KEY, new GLib.Variant(ASSIGNMENTS_TYPE, changes.assignments));
    if (changes.defaultProfile !== undefined)
        values.set(DEFAULT_PROFILE_KEY, new GLib.Variant('s', changes.defaultProfile));
    const locked = [...values.keys()].filter(key => !gsettings.is_writable(key));
    if (locked.length > 0)
        return {ok: false, locked};
    for (const [key, value] of values) {
        if (value.equal(gsettings.get_value(key)))
            values.delete(key);
    }
    if (values.size === 1) {
        const [[key, value]] = values;
        if (!gsettings.set_value(key, value))
            return {ok: false, locked: [key]};
    } else if (values.size > 1) {
        // Only the preferences write several keys at once. The shell never gets here:
        // there, a JS wrapper of the dconf backend deadlocked it (see storedValues.ts).
        const batch = new Gio.Settings({settings_schema: gsettings.settings_schema, backend: gsettings.backend, path: gsettings.path});
        batch.delay();
        for (const [key, value] of values)
            batch.set_value(key, value);
        batch.apply();
        Gio.Settings.sync();
    }
    return {ok: true};
}
