// The profiles, the apps' assignments and the default profile: the one shape in which
// the shell, the preferences and the command line read them (settings/profileStore.ts),
// edit them (the pure functions here) and write them back, and in which a settings file
// is exported and imported (importExport.ts).

import {canonicalDesktopId} from './desktopId.js';
import {NAME_KEY} from './properties.js';
import {untranslated, type Translate} from './translate.js';
import {OversizedProfile, PROFILE_ID_PATTERN, validateProfile} from './validation.js';

/** One stored profile: its name and properties, unvalidated (see validateProfile). */
export type RawProfile = Readonly<Record<string, unknown>>;
/** Profile id → profile. */
export type RawProfiles = Readonly<Record<string, RawProfile>>;
/** Desktop id → profile id ('' for "no confinement"). */
export type Assignments = Readonly<Record<string, string>>;

/** Everything that decides an app's profile, as stored in the profiles, app-profiles and default-profile keys. */
export interface ProfileSettings {
    readonly profiles: RawProfiles;
    /** Desktop id → profile id; '' means "never confine this app". */
    readonly assignments: Assignments;
    /** Profile for apps without an assignment; '' means stock GNOME behaviour. */
    readonly defaultProfile: string;
}

/** The assignment value that pins an app to stock, unconfined launching, and the "no default profile" value. */
export const NO_CONFINEMENT = '';

const MAX_ID_LENGTH = 64;

/**
 * A new profile id derived from a profile name: lower case, runs of anything but
 * letters and digits turned into "-", and a number appended until it is unused.
 */
export function newProfileId(name: string, taken: Iterable<string>): string {
    const used = new Set(taken);
    // NFKD splits "ü" into "u" and a combining mark, which the next step drops.
    const base = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, MAX_ID_LENGTH - 4)
        .replace(/-+$/, '') || 'profile';
    let candidate = base;
    for (let n = 2; used.has(candidate); n++)
        candidate = `${base}-${n}`;
    if (!PROFILE_ID_PATTERN.test(candidate))
        throw new Error(`generated an invalid profile id ${JSON.stringify(candidate)}`);
    return candidate;
}

/** `name` itself if no profile has it yet, otherwise `name 2`, `name 3`… */
export function uniqueName(name: string, taken: Iterable<string>): string {
    const used = new Set(taken);
    let candidate = name;
    for (let n = 2; used.has(candidate); n++)
        candidate = `${name} ${n}`;
    return candidate;
}

/** The label of a raw profile: its name if it is usable text, else its id. */
export function profileName(id: string, raw: unknown): string {
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
        const name = (raw as Record<string, unknown>)[NAME_KEY];
        if (typeof name === 'string' && name.trim() !== '')
            return name.trim();
    }
    return id;
}

/** Desktop ids assigned to `profileId`, sorted. */
export function appsUsingProfile(profileId: string, assignments: Assignments): string[] {
    return Object.keys(assignments).filter(app => assignments[app] === profileId).sort();
}

/** The problem with `name` as a profile name, or null when it is fine. */
export function checkProfileName(name: string): string | null {
    const check = validateProfile('profile', {[NAME_KEY]: name});
    if (check.ok)
        return null;
    return check.errors.find(error => error.property === NAME_KEY)?.message ?? check.errors[0].message;
}

/** Why a profile that was too large to be read cannot be edited, or null for any other. */
export function unreadableProfile(id: string, raw: RawProfile, _: Translate = untranslated): string | null {
    if (!(raw instanceof OversizedProfile))
        return null;
    const check = validateProfile(id, raw, _);
    return check.ok ? null : check.errors[check.errors.length - 1].message;
}

export type ProfileEdit =
    | {readonly ok: true; readonly set: ProfileSettings; readonly id: string}
    | {readonly ok: false; readonly message: string};

/** Adds an empty profile named `name` under a fresh id. */
export function addProfile(set: ProfileSettings, name: string): ProfileEdit {
    const problem = checkProfileName(name);
    if (problem)
        return {ok: false, message: problem};
    const id = newProfileId(name, Object.keys(set.profiles));
    return {ok: true, id, set: {...set, profiles: {...set.profiles, [id]: {[NAME_KEY]: name.trim()}}}};
}

type Renamed = {readonly ok: true; readonly profile: RawProfile} | {readonly ok: false; readonly message: string};

/** The profile `id` under the name `name`, or why it cannot have it. */
function named(set: ProfileSettings, id: string, name: string): Renamed {
    const source = set.profiles[id];
    if (!source)
        return {ok: false, message: `There is no profile called "${id}".`};
    const problem = unreadableProfile(id, source) ?? checkProfileName(name);
    if (problem)
        return {ok: false, message: problem};
    return {ok: true, profile: {...source, [NAME_KEY]: name.trim()}};
}

/** Copies a profile's properties exactly (even ones someone else made invalid) under a new name. */
export function duplicateProfile(set: ProfileSettings, sourceId: string, name: string): ProfileEdit {
    const copy = named(set, sourceId, name);
    if (!copy.ok)
        return copy;
    const id = newProfileId(name, Object.keys(set.profiles));
    return {ok: true, id, set: {...set, profiles: {...set.profiles, [id]: copy.profile}}};
}

export function renameProfile(set: ProfileSettings, id: string, name: string): ProfileEdit {
    const renamed = named(set, id, name);
    if (!renamed.ok)
        return renamed;
    return {ok: true, id, set: {...set, profiles: {...set.profiles, [id]: renamed.profile}}};
}

export interface Deletion {
    readonly set: ProfileSettings;
    /** Apps whose assignment was removed: they now follow the default profile. */
    readonly reassigned: readonly string[];
    /** True when the deleted profile was the default, which is now "none". */
    readonly defaultCleared: boolean;
}

/**
 * Deletes a profile. Apps assigned to it lose their assignment, so they fall back to
 * the default profile; if it was the default itself, there is no default any more.
 */
export function deleteProfile(set: ProfileSettings, id: string): Deletion {
    const profiles = {...set.profiles};
    delete profiles[id];
    const reassigned = appsUsingProfile(id, set.assignments);
    const assignments = Object.fromEntries(
        Object.entries(set.assignments).filter(([, profile]) => profile !== id));
    const defaultCleared = set.defaultProfile === id;
    return {
        set: {profiles, assignments, defaultProfile: defaultCleared ? NO_CONFINEMENT : set.defaultProfile},
        reassigned,
        defaultCleared,
    };
}

/**
 * The key under which `desktopId` is assigned: the id itself, or the id with
 * ".desktop" added, so `confine show firefox-esr` finds `firefox-esr.desktop`.
 */
export function findAssignmentKey(desktopId: string, assignments: Assignments): string | null {
    for (const key of new Set([desktopId, canonicalDesktopId(desktopId)])) {
        if (Object.hasOwn(assignments, key))
            return key;
    }
    return null;
}

/**
 * The one edit of an assignment: the assignments with the app `desktopId` given
 * `profileId` ('' for no confinement), or with no assignment when it is null, so it
 * follows the default profile. The app is stored under its canonical desktop id; an
 * entry of the same app spelled without ".desktop" goes too, as the shell, which
 * always asks with ".desktop", would never find it.
 */
export function withAssignment(assignments: Assignments, desktopId: string, profileId: string | null): Record<string, string> {
    const canonical = canonicalDesktopId(desktopId);
    const result = Object.fromEntries(Object.entries(assignments).filter(([key]) => canonicalDesktopId(key) !== canonical));
    if (profileId !== null)
        result[canonical] = profileId;
    return result;
}
