// Which profile a `confine run` or `confine shell` uses, decided by the same core as
// the extension; every way of not getting a usable profile is a ConfineError.

import {NO_CONFINEMENT, resolveProfile, type ConfinementSettings} from '../core/resolution.js';
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
export function knownProfiles(settings: ConfinementSettings): string {
    const ids = Object.keys(settings.profiles).sort();
    return ids.length > 0 ? `known profiles: ${ids.join(', ')}` : 'there are no profiles';
}

export function unknownProfile(profileId: string, settings: ConfinementSettings, context = ''): ConfineError {
    return new ConfineError(EXIT.UNKNOWN_PROFILE,
        `there is no profile "${profileId}"${context}; ${knownProfiles(settings)}`);
}

export function invalidProfile(profileId: string, errors: readonly ValidationError[]): ConfineError {
    return new ConfineError(EXIT.INVALID_PROFILE,
        `profile "${profileId}" is invalid: ${summarizeErrors(errors)}`);
}

/** The profile called `profileId`, validated. */
export function namedProfile(profileId: string, settings: ConfinementSettings, context = ''): Profile {
    if (!Object.hasOwn(settings.profiles, profileId))
        throw unknownProfile(profileId, settings, context);
    const check = validateProfile(profileId, settings.profiles[profileId]);
    if (!check.ok)
        throw invalidProfile(profileId, check.errors);
    return check.profile;
}

export function chooseProfile(request: ProfileRequest, settings: ConfinementSettings): ProfileChoice {
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
        case 'invalid': {
            const how = resolution.source === 'assignment' ? `, assigned to ${request.app}` : ', the default profile';
            if (!Object.hasOwn(settings.profiles, resolution.profileId))
                throw unknownProfile(resolution.profileId, settings, how);
            throw invalidProfile(resolution.profileId, resolution.errors);
        }
        }
    }
    if (settings.defaultProfile === NO_CONFINEMENT) {
        throw new ConfineError(EXIT.NO_PROFILE,
            `no profile given and no default profile set; use --profile P (${knownProfiles(settings)})`);
    }
    const profile = namedProfile(settings.defaultProfile, settings, ', the default profile');
    return {profile, explanation: `the default profile "${profile.id}"`};
}

/** Desktop ids end in ".desktop", as the shell reports them; "firefox-esr" means firefox-esr.desktop. */
export function canonicalDesktopId(desktopId: string): string {
    return desktopId.endsWith('.desktop') ? desktopId : `${desktopId}.desktop`;
}

/**
 * The assignments with `desktopId` set to `profileId`, or removed when it is null. Any
 * entry written without ".desktop" goes too: the shell would never look it up.
 */
export function withAssignment(assignments: Readonly<Record<string, string>>, desktopId: string,
    profileId: string | null): Record<string, string> {
    const canonical = canonicalDesktopId(desktopId);
    const bare = canonical.slice(0, -'.desktop'.length);
    const result = Object.fromEntries(Object.entries(assignments).filter(([key]) => key !== canonical && key !== bare));
    if (profileId !== null)
        result[canonical] = profileId;
    return result;
}
