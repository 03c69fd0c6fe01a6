// Which profile a `confine run` or `confine shell` uses, decided by the same core as
// the extension; every way of not getting a usable profile is a ConfineError.

import {NO_CONFINEMENT, type ProfileSettings} from '../core/profileSettings.js';
import {resolveProfile} from '../core/resolution.js';
import {summarizeErrors, validateProfile, type Profile, type ValidationError} from '../core/validation.js';
import {ConfineError, EXIT} from './exitStatus.js';

export interface ProfileRequest {
    /** --profile */
    readonly profile: string | null;
    /** --app: a desktop id whose assignment (or the default profile) decides. */
    readonly app: string | null;
}

export interface ProfileChoice {
    readonly profile: Profile;
    /** Why this profile, in a sentence. */
    readonly explanation: string;
}

/** "relaxed, strict", or a note that there are none. */
export function knownProfiles(settings: ProfileSettings): string {
    const ids = Object.keys(settings.profiles).sort();
    return ids.length > 0 ? `known profiles: ${ids.join(', ')}` : 'there are no profiles';
}

export function unknownProfile(profileId: string, settings: ProfileSettings, context = ''): ConfineError {
    return new ConfineError(EXIT.UNKNOWN_PROFILE,
        `there is no profile "${profileId}"${context}; ${knownProfiles(settings)}`);
}

export function invalidProfile(profileId: string, errors: readonly ValidationError[]): ConfineError {
    return new ConfineError(EXIT.INVALID_PROFILE,
        `profile "${profileId}" is invalid: ${summarizeErrors(errors)}`);
}

/** The profile called `profileId`, validated. */
export function namedProfile(profileId: string, settings: ProfileSettings, context = ''): Profile {
    if (!Object.hasOwn(settings.profiles, profileId))
        throw unknownProfile(profileId, settings, context);
    const check = validateProfile(profileId, settings.profiles[profileId]);
    if (!check.ok)
        throw invalidProfile(profileId, check.errors);
    return check.profile;
}

export function chooseProfile(request: ProfileRequest, settings: ProfileSettings): ProfileChoice {
    if (request.profile !== null) {
        const profile = namedProfile(request.profile, settings);
        return {profile, explanation: `profile "${profile.id}" given with --profile`};
    }
    if (request.app !== null) {
        const resolution = resolveProfile(request.app, settings);
        switch (resolution.kind) {
        case 'confined':
            return {profile: resolution.profile, explanation: resolution.explanation};
        case 'unconfined':
            throw new ConfineError(EXIT.NO_PROFILE, `${resolution.explanation} Choose one with --profile; ${knownProfiles(settings)}`);
        case 'missing':
            throw unknownProfile(resolution.profileId, settings,
                resolution.source === 'assignment' ? `, assigned to ${request.app}` : ', the default profile');
        case 'invalid':
            throw invalidProfile(resolution.profileId, resolution.errors);
        }
    }
    if (settings.defaultProfile === NO_CONFINEMENT) {
        throw new ConfineError(EXIT.NO_PROFILE,
            `no profile given and no default profile set; use --profile P (${knownProfiles(settings)})`);
    }
    const profile = namedProfile(settings.defaultProfile, settings, ', the default profile');
    return {profile, explanation: `the default profile "${profile.id}"`};
}
