// Values in the settings database that GSettings cannot use. GSettings replaces a
// value of the wrong type (written with `dconf write`, or in an /etc/dconf keyfile
// without <...> around profile values) and an enum value that is not one of its nicks
// with the schema's default, without a word. For Confine that default can mean "launch
// unconfined" or "the built-in profiles", so such values are found here and made to
// fail closed instead.

import {findAssignmentKey, resolveProfile, type ConfinementSettings} from './resolution.js';
import {fill, untranslated, type Translate} from './translate.js';

/** What happens when an app's profile cannot be applied (the on-failure key). */
export type FailurePolicy = 'launch-unconfined' | 'refuse';
export const FAILURE_POLICIES: readonly FailurePolicy[] = ['launch-unconfined', 'refuse'];

export const ON_FAILURE_KEY = 'on-failure';

/** The GVariant type each key must be stored with; on-failure is an enum, stored as its nick. */
export const STORED_TYPES: Readonly<Record<string, string>> = {
    'profiles': 'a{sa{sv}}',
    'app-profiles': 'a{ss}',
    'default-profile': 's',
    [ON_FAILURE_KEY]: 's',
    'notify-confined-launch': 'b',
    'show-indicator': 'b',
    'notify-limits': 'b',
    'confine-other-launches': 'b',
};

/** A value as the database holds it: its GVariant type, its text and, for strings, the string. */
export interface StoredValue {
    readonly type: string;
    readonly text: string;
    readonly string?: string;
}

export type StoredValues = ReadonlyMap<string, StoredValue>;

export interface ForeignValue {
    readonly key: string;
    /** What is wrong and what to do, in a sentence or two. */
    readonly message: string;
}

const MAX_SHOWN = 60;

/** The stored text, short and on one line. */
function shown(text: string): string {
    // eslint-disable-next-line no-control-regex
    const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
    return line.length > MAX_SHOWN ? `${line.slice(0, MAX_SHOWN - 1)}…` : line;
}

function isFailurePolicy(value: string | undefined): value is FailurePolicy {
    return (FAILURE_POLICIES as readonly (string | undefined)[]).includes(value);
}

function foreignValue(key: string, stored: StoredValue, _: Translate): ForeignValue | null {
    const expected = STORED_TYPES[key];
    if (expected === undefined)
        return null;
    if (stored.type !== expected) {
        const values = {key, value: shown(stored.text), type: stored.type, expected};
        return {
            key,
            message: fill(key === 'profiles'
                ? _('The setting {key} holds {value} of type {type}, not {expected}, so GSettings would silently use its built-in default. ' +
                    'Each property value must be a variant, such as {example}. Set it again with gsettings or in Confine’s preferences, ' +
                    'or reset it (gsettings reset org.gnome.shell.extensions.confine {key}).')
                : _('The setting {key} holds {value} of type {type}, not {expected}, so GSettings would silently use its built-in default. ' +
                    'Set it again with gsettings or in Confine’s preferences, or reset it (gsettings reset org.gnome.shell.extensions.confine {key}).'),
            {...values, example: '{\'relaxed\': {\'name\': <\'Relaxed\'>, \'MemoryMax\': <\'70%\'>}}'}),
        };
    }
    if (key === ON_FAILURE_KEY && !isFailurePolicy(stored.string)) {
        return {
            key,
            message: fill(_('The setting {key} is {value}, which is not one of {values}, so Confine refuses every launch it cannot confine. ' +
                'Set it with gsettings or in Confine’s preferences.'), {key, value: shown(stored.text), values: FAILURE_POLICIES.join(', ')}),
        };
    }
    return null;
}

/** Every stored value of a known key that GSettings would replace by its default, in key order. */
export function foreignValues(stored: StoredValues, keys: readonly string[] = Object.keys(STORED_TYPES),
    _: Translate = untranslated): ForeignValue[] {
    return keys.flatMap(key => {
        const value = stored.get(key);
        const problem = value ? foreignValue(key, value, _) : null;
        return problem ? [problem] : [];
    });
}

/**
 * The policy to follow: what GSettings reads, unless the database holds something else
 * there, which counts as refuse (the choice that never starts an app unconfined).
 */
export function failurePolicy(read: string, stored: StoredValue | undefined): FailurePolicy {
    if (stored && foreignValue(ON_FAILURE_KEY, stored, untranslated))
        return 'refuse';
    return isFailurePolicy(read) ? read : 'refuse';
}

/**
 * The foreign values that keep Confine from knowing the profile of `desktopId`, given
 * what GSettings read (`settings`, with defaults in place of foreign values). Empty when
 * the app's profile, or that it has none, follows from values that are as stored.
 */
export function foreignValuesFor(desktopId: string, settings: ConfinementSettings, stored: StoredValues,
    _: Translate = untranslated): ForeignValue[] {
    const [profiles, assignments, defaultProfile] = ['profiles', 'app-profiles', 'default-profile']
        .map(key => foreignValues(stored, [key], _)[0]);
    // Any app may have an assignment that GSettings no longer shows.
    if (assignments)
        return [assignments];
    if (defaultProfile && findAssignmentKey(desktopId, settings.assignments) === null)
        return [defaultProfile];
    if (profiles && resolveProfile(desktopId, settings).kind !== 'unconfined')
        return [profiles];
    return [];
}
