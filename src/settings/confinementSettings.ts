// Reading the keys that decide an app's profile, shared by the shell and the
// command line so both resolve a launch from exactly the same data.

import type Gio from 'gi://Gio';

import type {ConfinementSettings} from '../core/resolution.js';

/** Unpacked so the core's validator sees each value's real type; nothing is trusted here. */
export function readConfinementSettings(settings: Gio.Settings): ConfinementSettings {
    return {
        profiles: settings.get_value('profiles').recursiveUnpack() as Record<string, unknown>,
        assignments: settings.get_value('app-profiles').recursiveUnpack() as Record<string, string>,
        defaultProfile: settings.get_string('default-profile'),
    };
}
