// Reading the keys that decide an app's profile, shared by the shell, the preferences
// and the command line so all resolve a launch from exactly the same data.

import type Gio from 'gi://Gio';
import type GLib from 'gi://GLib';

import type {ConfinementSettings} from '../core/resolution.js';
import {MAX_PROFILE_KEYS, OversizedProfile} from '../core/validation.js';

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
function unpackProfiles(value: GLib.Variant): Record<string, unknown> {
    const profiles: Record<string, unknown> = {};
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

/** Unpacked so the core's validator sees each value's real type; nothing is trusted here. */
export function readConfinementSettings(settings: Gio.Settings): ConfinementSettings {
    return {
        profiles: unpackProfiles(settings.get_value('profiles')),
        assignments: unpackSettingsValue(settings.get_value('app-profiles')) as Record<string, string>,
        defaultProfile: settings.get_string('default-profile'),
    };
}
