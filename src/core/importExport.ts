// One JSON file holding every profile and assignment, for backups and for moving a
// setup to another machine. Import checks the whole document before anything is
// applied, and lists every part that is wrong.

import {NO_CONFINEMENT} from './resolution.js';
import {describeValue, profileToDictionary, validateProfile, type Profile} from './validation.js';
import type {ProfileSet} from './profileSet.js';

/** Marks the file as ours, so a random JSON file is refused with a clear message. */
export const DOCUMENT_FORMAT = 'confine-settings';
export const DOCUMENT_VERSION = 1;

export interface SettingsDocument {
    readonly format: typeof DOCUMENT_FORMAT;
    readonly version: number;
    readonly profiles: Record<string, Record<string, unknown>>;
    readonly 'app-profiles': Record<string, string>;
    readonly 'default-profile': string;
}

/** Values in GSettings may be 64-bit integers; JSON has no bigint. */
function toJsonValue(value: unknown): unknown {
    return typeof value === 'bigint' ? value.toString() : value;
}

export function exportSettings(set: ProfileSet): SettingsDocument {
    const profiles: Record<string, Record<string, unknown>> = {};
    for (const [id, raw] of Object.entries(set.profiles)) {
        profiles[id] = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, toJsonValue(value)]));
    }
    return {
        'format': DOCUMENT_FORMAT,
        'version': DOCUMENT_VERSION,
        profiles,
        'app-profiles': {...set.assignments},
        'default-profile': set.defaultProfile,
    };
}

export function serializeSettings(set: ProfileSet): string {
    return `${JSON.stringify(exportSettings(set), null, 2)}\n`;
}

/** An imported set: profiles validated and normalized, ready to be written. */
export interface ImportedSettings {
    readonly profiles: ReadonlyMap<string, Profile>;
    readonly assignments: Readonly<Record<string, string>>;
    readonly defaultProfile: string;
}

export interface ImportProblem {
    /** Where in the document: "file", "profiles.strict", "app-profiles.firefox-esr.desktop"… */
    readonly part: string;
    readonly message: string;
}

export type ImportResult =
    | {readonly ok: true; readonly settings: ImportedSettings}
    | {readonly ok: false; readonly problems: readonly ImportProblem[]};

function isDictionary(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const MAX_DESKTOP_ID_LENGTH = 255;

function checkDesktopId(id: string): string | null {
    // eslint-disable-next-line no-control-regex
    if (id === '' || id.length > MAX_DESKTOP_ID_LENGTH || /[\u0000-\u001f\u007f/]/.test(id))
        return `${describeValue(id)} is not a desktop id (such as firefox-esr.desktop).`;
    return null;
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

    const profiles = new Map<string, Profile>();
    if (!isDictionary(document.profiles)) {
        problems.push({part: 'profiles', message: `"profiles" must be a dictionary of profiles, not ${describeValue(document.profiles)}.`});
    } else {
        for (const [id, raw] of Object.entries(document.profiles)) {
            const check = validateProfile(id, raw);
            if (check.ok)
                profiles.set(id, check.profile);
            else
                problems.push(...check.errors.map(error => ({part: `profiles.${id}`, message: error.message})));
        }
    }
    const declaredIds = new Set(isDictionary(document.profiles) ? Object.keys(document.profiles) : []);

    const assignments: Record<string, string> = {};
    const rawAssignments = document['app-profiles'] ?? {};
    if (!isDictionary(rawAssignments)) {
        problems.push({part: 'app-profiles', message: `"app-profiles" must map desktop ids to profile ids, not ${describeValue(rawAssignments)}.`});
    } else {
        for (const [app, profile] of Object.entries(rawAssignments)) {
            const part = `app-profiles.${app}`;
            const idProblem = checkDesktopId(app);
            if (idProblem)
                problems.push({part, message: idProblem});
            else if (typeof profile !== 'string')
                problems.push({part, message: `The profile of ${app} must be a profile id as text, not ${describeValue(profile)}.`});
            else if (profile !== NO_CONFINEMENT && !declaredIds.has(profile))
                problems.push({part, message: `${app} is assigned to "${profile}", which is not a profile in this file.`});
            else
                assignments[app] = profile;
        }
    }

    const defaultProfile = document['default-profile'] ?? NO_CONFINEMENT;
    if (typeof defaultProfile !== 'string')
        problems.push({part: 'default-profile', message: `"default-profile" must be a profile id as text, not ${describeValue(defaultProfile)}.`});
    else if (defaultProfile !== NO_CONFINEMENT && !declaredIds.has(defaultProfile))
        problems.push({part: 'default-profile', message: `The default profile "${defaultProfile}" is not a profile in this file.`});

    if (problems.length > 0)
        return {ok: false, problems};
    return {ok: true, settings: {profiles, assignments, defaultProfile: defaultProfile as string}};
}

/** The imported profiles as the dictionaries GSettings stores. */
export function importedProfiles(settings: ImportedSettings): Record<string, Record<string, string | boolean>> {
    return Object.fromEntries([...settings.profiles].map(([id, profile]) => [id, profileToDictionary(profile)]));
}
