// Edits of the whole set of profiles and assignments: adding, duplicating, renaming
// and deleting profiles. Pure functions over plain data; the preferences panel
// writes the results to GSettings.

import {NAME_KEY} from './properties.js';
import {NO_CONFINEMENT} from './resolution.js';
import {PROFILE_ID_PATTERN, validateProfile} from './validation.js';

/** Profile id → raw profile dictionary, as unpacked from GSettings. */
export type RawProfiles = Readonly<Record<string, Readonly<Record<string, unknown>>>>;
/** Desktop id → profile id ('' for "no confinement"). */
export type Assignments = Readonly<Record<string, string>>;

export interface ProfileSet {
    readonly profiles: RawProfiles;
    readonly assignments: Assignments;
    readonly defaultProfile: string;
}

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

export type ProfileEdit =
    | {readonly ok: true; readonly set: ProfileSet; readonly id: string}
    | {readonly ok: false; readonly message: string};

/** Adds an empty profile named `name` under a fresh id. */
export function addProfile(set: ProfileSet, name: string): ProfileEdit {
    const problem = checkProfileName(name);
    if (problem)
        return {ok: false, message: problem};
    const id = newProfileId(name, Object.keys(set.profiles));
    return {ok: true, id, set: {...set, profiles: {...set.profiles, [id]: {[NAME_KEY]: name.trim()}}}};
}

/** Copies a profile's properties exactly (even ones someone else made invalid) under a new name. */
export function duplicateProfile(set: ProfileSet, sourceId: string, name: string): ProfileEdit {
    const source = set.profiles[sourceId];
    if (!source)
        return {ok: false, message: `There is no profile called "${sourceId}".`};
    const problem = checkProfileName(name);
    if (problem)
        return {ok: false, message: problem};
    const id = newProfileId(name, Object.keys(set.profiles));
    return {ok: true, id, set: {...set, profiles: {...set.profiles, [id]: {...source, [NAME_KEY]: name.trim()}}}};
}

export function renameProfile(set: ProfileSet, id: string, name: string): ProfileEdit {
    const source = set.profiles[id];
    if (!source)
        return {ok: false, message: `There is no profile called "${id}".`};
    const problem = checkProfileName(name);
    if (problem)
        return {ok: false, message: problem};
    return {ok: true, id, set: {...set, profiles: {...set.profiles, [id]: {...source, [NAME_KEY]: name.trim()}}}};
}

export interface Deletion {
    readonly set: ProfileSet;
    /** Apps whose assignment was removed: they now follow the default profile. */
    readonly reassigned: readonly string[];
    /** True when the deleted profile was the default, which is now "none". */
    readonly defaultCleared: boolean;
}

/**
 * Deletes a profile. Apps assigned to it lose their assignment, so they fall back to
 * the default profile; if it was the default itself, there is no default any more.
 */
export function deleteProfile(set: ProfileSet, id: string): Deletion {
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
 * The assignments with `desktopId` set to `profileId`, or removed when `profileId`
 * is null (the app follows the default). '' pins the app to no confinement.
 */
export function assign(assignments: Assignments, desktopId: string, profileId: string | null): Record<string, string> {
    const result = {...assignments};
    if (profileId === null)
        delete result[desktopId];
    else
        result[desktopId] = profileId;
    return result;
}
