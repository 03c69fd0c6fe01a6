// Which profile an app runs under, and why.

import {NO_CONFINEMENT, findAssignmentKey, type ProfileSettings} from './profileSettings.js';
import {fill, untranslated, type Translate} from './translate.js';
import {validateProfile, type Profile, type ValidationError} from './validation.js';

/** Where the profile choice came from. */
export type ResolutionSource = 'assignment' | 'default';

export type Resolution =
    | {readonly kind: 'unconfined'; readonly explanation: string}
    | {readonly kind: 'confined'; readonly source: ResolutionSource; readonly profile: Profile; readonly explanation: string}
    /** The assignment or the default names a profile that does not exist. */
    | {readonly kind: 'missing'; readonly source: ResolutionSource; readonly profileId: string; readonly explanation: string}
    /** The profile exists but does not pass validation. */
    | {
        readonly kind: 'invalid';
        readonly source: ResolutionSource;
        readonly profileId: string;
        readonly errors: readonly ValidationError[];
        readonly explanation: string;
    };

export function resolveProfile(desktopId: string, settings: ProfileSettings, _: Translate = untranslated): Resolution {
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
            kind: 'missing', source, profileId,
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
