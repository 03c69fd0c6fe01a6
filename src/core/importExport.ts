// One JSON file holding every profile and assignment, for backups and for moving a
// setup to another machine. Import checks the whole document before anything is
// applied, and lists every part that is wrong.

import {ASSIGNMENTS_KEY, DEFAULT_PROFILE_KEY, PROFILES_KEY} from '../settings/schema.js';
import {isDesktopId} from './desktopId.js';
import {NO_CONFINEMENT, type ProfileSettings} from './profileSettings.js';
import {describeValue, profileToDictionary, validateProfile} from './validation.js';

/** Marks the file as ours, so a random JSON file is refused with a clear message. */
export const DOCUMENT_FORMAT = 'confine-settings';
export const DOCUMENT_VERSION = 1;

/** The file: the profile settings under their keys' names, marked with format and version. */
export interface SettingsDocument {
    readonly format: typeof DOCUMENT_FORMAT;
    readonly version: number;
    readonly [PROFILES_KEY]: Record<string, Record<string, unknown>>;
    readonly [ASSIGNMENTS_KEY]: Record<string, string>;
    readonly [DEFAULT_PROFILE_KEY]: string;
}

/** Values in GSettings may be 64-bit integers; JSON has no bigint. */
function toJsonValue(value: unknown): unknown {
    return typeof value === 'bigint' ? value.toString() : value;
}

export function exportSettings(set: ProfileSettings): SettingsDocument {
    const profiles: Record<string, Record<string, unknown>> = {};
    for (const [id, raw] of Object.entries(set.profiles))
        profiles[id] = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, toJsonValue(value)]));
    return {
        'format': DOCUMENT_FORMAT,
        'version': DOCUMENT_VERSION,
        [PROFILES_KEY]: profiles,
        [ASSIGNMENTS_KEY]: {...set.assignments},
        [DEFAULT_PROFILE_KEY]: set.defaultProfile,
    };
}

export function serializeSettings(set: ProfileSettings): string {
    return `${JSON.stringify(exportSettings(set), null, 2)}\n`;
}

export interface ImportProblem {
    /** Where in the document: "file", "profiles.strict", "app-profiles.firefox-esr.desktop"… */
    readonly part: string;
    readonly message: string;
}

export type ImportResult =
    | {readonly ok: true; readonly settings: ProfileSettings}
    | {readonly ok: false; readonly problems: readonly ImportProblem[]};

function isDictionary(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses and checks a whole document; on any problem nothing of it is usable. */
export function parseSettings(text: string): ImportResult {
    let document: unknown;
    try {
        document = JSON.parse(text);
    } catch (error) {
        return {ok: false, problems: [{part: 'file', message: `The file is not JSON: ${(error as Error).message}`}]};
    }
    if (!isDictionary(document))
        return {ok: false, problems: [{part: 'file', message: 'The file does not hold a JSON object.'}]};
    if (document.format !== DOCUMENT_FORMAT) {
        return {
            ok: false,
            problems: [{part: 'format', message: `The file is not a Confine settings export (its "format" is ${describeValue(document.format)}, not "${DOCUMENT_FORMAT}").`}],
        };
    }
    const problems: ImportProblem[] = [];
    if (document.version !== DOCUMENT_VERSION)
        problems.push({part: 'version', message: `Version ${describeValue(document.version)} is not supported; this Confine reads version ${DOCUMENT_VERSION}.`});

    // Validated and normalized, as the preferences would have stored them.
    const profiles: Record<string, Record<string, string | boolean>> = {};
    if (!isDictionary(document[PROFILES_KEY])) {
        problems.push({part: PROFILES_KEY, message: `"${PROFILES_KEY}" must be a dictionary of profiles, not ${describeValue(document[PROFILES_KEY])}.`});
    } else {
        for (const [id, raw] of Object.entries(document[PROFILES_KEY])) {
            const check = validateProfile(id, raw);
            if (check.ok)
                profiles[id] = profileToDictionary(check.profile);
            else
                problems.push(...check.errors.map(error => ({part: `${PROFILES_KEY}.${id}`, message: error.message})));
        }
    }
    const declaredIds = new Set(isDictionary(document[PROFILES_KEY]) ? Object.keys(document[PROFILES_KEY]) : []);

    const assignments: Record<string, string> = {};
    const rawAssignments = document[ASSIGNMENTS_KEY] ?? {};
    if (!isDictionary(rawAssignments)) {
        problems.push({part: ASSIGNMENTS_KEY, message: `"${ASSIGNMENTS_KEY}" must map desktop ids to profile ids, not ${describeValue(rawAssignments)}.`});
    } else {
        for (const [app, profile] of Object.entries(rawAssignments)) {
            const part = `${ASSIGNMENTS_KEY}.${app}`;
            if (!isDesktopId(app))
                problems.push({part, message: `${describeValue(app)} is not a desktop id (such as firefox-esr.desktop).`});
            else if (typeof profile !== 'string')
                problems.push({part, message: `The profile of ${app} must be a profile id as text, not ${describeValue(profile)}.`});
            else if (profile !== NO_CONFINEMENT && !declaredIds.has(profile))
                problems.push({part, message: `${app} is assigned to "${profile}", which is not a profile in this file.`});
            else
                assignments[app] = profile;
        }
    }

    const defaultProfile = document[DEFAULT_PROFILE_KEY] ?? NO_CONFINEMENT;
    if (typeof defaultProfile !== 'string')
        problems.push({part: DEFAULT_PROFILE_KEY, message: `"${DEFAULT_PROFILE_KEY}" must be a profile id as text, not ${describeValue(defaultProfile)}.`});
    else if (defaultProfile !== NO_CONFINEMENT && !declaredIds.has(defaultProfile))
        problems.push({part: DEFAULT_PROFILE_KEY, message: `The default profile "${defaultProfile}" is not a profile in this file.`});

    if (problems.length > 0)
        return {ok: false, problems};
    return {ok: true, settings: {profiles, assignments, defaultProfile: defaultProfile as string}};
}
