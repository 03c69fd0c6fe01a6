// Which profile an app runs under, and why.

import {fill, untranslated, type Translate} from './translate.js';
import {validateProfile, type Profile, type ValidationError} from './validation.js';

/** The part of the settings that decides an app's profile, already unpacked from GVariant. */
export interface ConfinementSettings {
    /** Profile id → raw profile dictionary, unvalidated. */
    readonly profiles: Readonly<Record<string, unknown>>;
    /** Desktop id → profile id; '' means "never confine this app". */
    readonly assignments: Readonly<Record<string, string>>;
    /** Profile for apps without an assignment; '' means stock GNOME behaviour. */
    readonly defaultProfile: string;
}

/** Where the profile choice came from. */
export type ResolutionSource = 'assignment' | 'default';

export type Resolution =
    | {readonly kind: 'unconfined'; readonly explanation: string}
    | {readonly kind: 'confined'; readonly source: ResolutionSource; readonly profile: Profile; readonly explanation: string}
    | {
        readonly kind: 'invalid';
        readonly source: ResolutionSource;
        readonly profileId: string;
        readonly errors: readonly ValidationError[];
        readonly explanation: string;
    };

/** The assignment value that pins an app to stock, unconfined launching. */
export const NO_CONFINEMENT = '';

/**
 * The key under which `desktopId` is assigned: the id itself, or the id with
 * ".desktop" added, so `confine show firefox-esr` finds `firefox-esr.desktop`.
 */
export function findAssignmentKey(desktopId: string, assignments: Readonly<Record<string, string>>): string | null {
    for (const key of [desktopId, `${desktopId}.desktop`]) {
        if (Object.hasOwn(assignments, key))
            return key;
    }
    return null;
}

export function resolveProfile(desktopId: string, settings: ConfinementSettings, _: Translate = untranslated): Resolution {
    const key = findAssignmentKey(desktopId, settings.assignments);
    let profileId: string;
    let source: ResolutionSource;
    if (key !== null) {
        profileId = settings.assignments[key];
        source = 'assignment';
        if (profileId === NO_CONFINEMENT)
            return {kind: 'unconfined', explanation: fill(_('{app} is set to run without confinement.'), {app: desktopId})};
    } else if (settings.defaultProfile !== NO_CONFINEMENT) {
        profileId = settings.defaultProfile;
        source = 'default';
    } else {
        return {kind: 'unconfined', explanation: fill(_('{app} has no profile and there is no default profile.'), {app: desktopId})};
    }

    // Whole sentences for each source, so that a translation can decline "profile".
    const assigned = source === 'assignment';
    if (!Object.hasOwn(settings.profiles, profileId)) {
        return {
            kind: 'invalid', source, profileId,
            errors: [{property: null, message: fill(_('There is no profile called "{profile}".'), {profile: profileId})}],
            explanation: fill(assigned
                ? _('{app} uses its assigned profile "{profile}", which does not exist.')
                : _('{app} uses the default profile "{profile}", which does not exist.'), {app: desktopId, profile: profileId}),
        };
    }
    const check = validateProfile(profileId, settings.profiles[profileId], _);
    if (!check.ok) {
        return {
            kind: 'invalid', source, profileId, errors: check.errors,
            explanation: fill(assigned
                ? _('{app} uses its assigned profile "{profile}", which is invalid.')
                : _('{app} uses the default profile "{profile}", which is invalid.'), {app: desktopId, profile: profileId}),
        };
    }
    return {
        kind: 'confined', source, profile: check.profile,
        explanation: fill(assigned
            ? _('{app} uses its assigned profile "{profile}".')
            : _('{app} uses the default profile "{profile}".'), {app: desktopId, profile: check.profile.name}),
    };
}
