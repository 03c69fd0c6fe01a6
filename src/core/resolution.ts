// Which profile an app runs under, and why.

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

export function resolveProfile(desktopId: string, settings: ConfinementSettings): Resolution {
    const key = findAssignmentKey(desktopId, settings.assignments);
    let profileId: string;
    let source: ResolutionSource;
    if (key !== null) {
        profileId = settings.assignments[key];
        source = 'assignment';
        if (profileId === NO_CONFINEMENT)
            return {kind: 'unconfined', explanation: `${desktopId} is set to run without confinement.`};
    } else if (settings.defaultProfile !== NO_CONFINEMENT) {
        profileId = settings.defaultProfile;
        source = 'default';
    } else {
        return {kind: 'unconfined', explanation: `${desktopId} has no profile and there is no default profile.`};
    }

    const how = source === 'assignment' ? 'its assigned profile' : 'the default profile';
    if (!Object.hasOwn(settings.profiles, profileId)) {
        return {
            kind: 'invalid', source, profileId,
            errors: [{property: null, message: `There is no profile called "${profileId}".`}],
            explanation: `${desktopId} uses ${how} "${profileId}", which does not exist.`,
        };
    }
    const check = validateProfile(profileId, settings.profiles[profileId]);
    if (!check.ok) {
        return {
            kind: 'invalid', source, profileId, errors: check.errors,
            explanation: `${desktopId} uses ${how} "${profileId}", which is invalid.`,
        };
    }
    return {
        kind: 'confined', source, profile: check.profile,
        explanation: `${desktopId} uses ${how} "${check.profile.name}".`,
    };
}
