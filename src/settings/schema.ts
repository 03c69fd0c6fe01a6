// The GSettings schema (schemas/org.gnome.shell.extensions.confine.gschema.xml) as the
// code knows it: the schema id, every key's name and stored type, and the enum's values.
// The shell, the preferences and the command line name keys only through these
// constants (a unit test checks both that they match the XML and that no other file
// spells a key). Pure TypeScript, so the core may import it too.

export const SCHEMA_ID = 'org.gnome.shell.extensions.confine';

/** Profile id → properties (a{sa{sv}}). */
export const PROFILES_KEY = 'profiles';
/** Desktop id → profile id (a{ss}); '' pins an app to no confinement. */
export const ASSIGNMENTS_KEY = 'app-profiles';
/** The profile of apps without an assignment; '' for none. */
export const DEFAULT_PROFILE_KEY = 'default-profile';
/** What happens when an app's profile cannot be applied (an enum, FAILURE_POLICIES). */
export const ON_FAILURE_KEY = 'on-failure';
export const NOTIFY_CONFINED_LAUNCH_KEY = 'notify-confined-launch';
export const SHOW_INDICATOR_KEY = 'show-indicator';
export const NOTIFY_LIMITS_KEY = 'notify-limits';
/** Whether apps started outside Confine get their profile's resource limits, and running apps follow profile edits. */
export const OTHER_LAUNCHES_KEY = 'confine-other-launches';
/** A profile (id or name) the preferences show when they open, set by a limit notification's button. */
export const PREFS_OPEN_PROFILE_KEY = 'prefs-open-profile';

/** The keys that together decide an app's profile (see core/profileSettings.ts). */
export const PROFILE_SETTINGS_KEYS = [PROFILES_KEY, ASSIGNMENTS_KEY, DEFAULT_PROFILE_KEY] as const;

/** The values of the on-failure enum, as their nicks. */
export type FailurePolicy = 'launch-unconfined' | 'refuse';
export const FAILURE_POLICIES: readonly FailurePolicy[] = ['launch-unconfined', 'refuse'];

export const PROFILES_TYPE = 'a{sa{sv}}';
export const ASSIGNMENTS_TYPE = 'a{ss}';

/** The GVariant type each key must be stored with; on-failure is an enum, stored as its nick. */
export const STORED_TYPES: Readonly<Record<string, string>> = {
    [PROFILES_KEY]: PROFILES_TYPE,
    [ASSIGNMENTS_KEY]: ASSIGNMENTS_TYPE,
    [DEFAULT_PROFILE_KEY]: 's',
    [ON_FAILURE_KEY]: 's',
    [NOTIFY_CONFINED_LAUNCH_KEY]: 'b',
    [SHOW_INDICATOR_KEY]: 'b',
    [NOTIFY_LIMITS_KEY]: 'b',
    [PREFS_OPEN_PROFILE_KEY]: 's',
    [OTHER_LAUNCHES_KEY]: 'b',
};
