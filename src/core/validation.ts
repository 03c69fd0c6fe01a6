// Turns untrusted profile data (GSettings, an imported file, a text field) into a
// normalized profile, or into plain-language errors that name the property.
//
// Values arrive already unpacked from GVariant, so the JavaScript type tells the
// GVariant type: a boolean property stored as the string 'true' is rejected here.

import {NAME_KEY, PROPERTIES, findProperty, type PropertySpec} from './properties.js';

export type PropertyValues = ReadonlyMap<string, string>;

export interface Profile {
    readonly id: string;
    /** The label the user sees. */
    readonly name: string;
    /** Property name → the value exactly as systemd-run receives it, in catalogue order. */
    readonly properties: PropertyValues;
}

export interface ValidationError {
    /** The property at fault, or null when the profile as a whole is. */
    readonly property: string | null;
    readonly message: string;
}

export type ValueCheck = {ok: true; value: string} | {ok: false; message: string};
export type ProfileCheck = {ok: true; profile: Profile} | {ok: false; errors: ValidationError[]};

/**
 * More keys than any real profile has (the catalogue's properties and the name, with
 * room to spare). A stored profile beyond this is refused unread: unpacking each of
 * 20,000 keys cost the shell hundreds of milliseconds per launch.
 */
export const MAX_PROFILE_KEYS = 64;

/** What a settings reader hands on instead of a dictionary too large to unpack. */
export class OversizedProfile {
    readonly keyCount: number;

    constructor(keyCount: number) {
        this.keyCount = keyCount;
    }
}

const MAX_LISTED_ERRORS = 3;

/** The messages of the first few errors and how many more there are, for a notification or one line. */
export function summarizeErrors(errors: readonly ValidationError[]): string {
    const shown = errors.slice(0, MAX_LISTED_ERRORS).map(error => error.message);
    if (errors.length > MAX_LISTED_ERRORS)
        shown.push(`And ${errors.length - MAX_LISTED_ERRORS} more.`);
    return shown.join(' ');
}

const UINT64_MAX = (1n << 64n) - 1n;
const SIZE_FACTORS: Record<string, bigint> = {
    '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n,
};
/** systemd refuses CPU numbers past this (CPU_SET_MAX in its sources is 8192 CPUs). */
const MAX_CPU = 8191;
const MAX_CPU_QUOTA_PERCENT = 1_000_000;
const MAX_NAME_LENGTH = 64;
export const PROFILE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A short, unambiguous rendering of an offending value for messages. */
export function describeValue(raw: unknown): string {
    if (typeof raw === 'string') {
        const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
        return JSON.stringify(shown);
    }
    if (typeof raw === 'bigint')
        return `${raw}`;
    if (raw === null || raw === undefined)
        return 'nothing';
    if (typeof raw === 'object')
        return Array.isArray(raw) ? 'a list' : 'a dictionary';
    return String(raw);
}

function typeName(raw: unknown): string {
    if (typeof raw === 'string')
        return 'text';
    if (typeof raw === 'boolean')
        return 'a true/false value';
    if (typeof raw === 'number' || typeof raw === 'bigint')
        return 'a number';
    return describeValue(raw);
}

/** Decimal digits with an optional fraction, as an exact ratio (no floating point). */
function parseDecimal(whole: string, fraction: string | undefined): {numerator: bigint; denominator: bigint} {
    const digits = fraction ?? '';
    return {
        numerator: BigInt(whole + digits),
        denominator: 10n ** BigInt(digits.length),
    };
}

function stripZeros(whole: string): string {
    return whole.replace(/^0+(?=\d)/, '');
}

function checkPercent(text: string, max: number): string | null {
    const match = /^(\d{1,7})(?:\.(\d{1,2}))?%$/.exec(text);
    if (!match)
        return null;
    const {numerator, denominator} = parseDecimal(match[1], match[2]);
    if (numerator === 0n || numerator > BigInt(max) * denominator)
        return null;
    return `${stripZeros(match[1])}${match[2] ? `.${match[2]}` : ''}%`;
}

function checkSize(spec: PropertySpec, raw: unknown): ValueCheck {
    const what = 'a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity"';
    if (typeof raw !== 'string')
        return {ok: false, message: `${spec.name} must be text holding ${what}, not ${typeName(raw)}.`};
    if (raw === 'infinity')
        return {ok: true, value: raw};
    if (raw.endsWith('%')) {
        const percent = checkPercent(raw, 100);
        if (percent === null)
            return {ok: false, message: `${spec.name}: ${describeValue(raw)} is not a percentage of RAM between 0% and 100%.`};
        return {ok: true, value: percent};
    }
    const match = /^(\d{1,20})(?:\.(\d{1,3}))?([KMGTkmgt]?)$/.exec(raw);
    if (!match)
        return {ok: false, message: `${spec.name}: ${describeValue(raw)} is not ${what}.`};
    const unit = match[3].toUpperCase();
    const {numerator, denominator} = parseDecimal(match[1], match[2]);
    const bytes = numerator * SIZE_FACTORS[unit] / denominator;
    if (bytes >= UINT64_MAX)
        return {ok: false, message: `${spec.name}: ${describeValue(raw)} is larger than any machine's memory; use "infinity" for no limit.`};
    if (bytes === 0n && !spec.allowZero)
        return {ok: false, message: `${spec.name}: 0 would leave the app no memory to start; leave it unset for no limit.`};
    return {ok: true, value: `${stripZeros(match[1])}${match[2] ? `.${match[2]}` : ''}${unit}`};
}

function checkCpuQuota(spec: PropertySpec, raw: unknown): ValueCheck {
    const text = typeof raw === 'string' ? raw : null;
    const percent = text === null ? null : checkPercent(text, MAX_CPU_QUOTA_PERCENT);
    if (percent === null) {
        return {
            ok: false,
            message: `${spec.name}: ${describeValue(raw)} is not a CPU percentage above 0% (100% is one full CPU, 200% two).`,
        };
    }
    return {ok: true, value: percent};
}

/** An unsigned integer given as a GVariant number or as decimal text. */
function asInteger(raw: unknown): bigint | null {
    if (typeof raw === 'number')
        return Number.isSafeInteger(raw) ? BigInt(raw) : null;
    if (typeof raw === 'bigint')
        return raw;
    if (typeof raw === 'string' && /^\d{1,20}$/.test(raw))
        return BigInt(raw);
    return null;
}

function checkWeight(spec: PropertySpec, raw: unknown): ValueCheck {
    const value = asInteger(raw);
    if (value === null || value < 1n || value > 10000n)
        return {ok: false, message: `${spec.name}: ${describeValue(raw)} is not a whole number from 1 to 10000 (the default is 100).`};
    return {ok: true, value: `${value}`};
}

function checkTasks(spec: PropertySpec, raw: unknown): ValueCheck {
    if (raw === 'infinity')
        return {ok: true, value: raw};
    if (typeof raw === 'string' && raw.endsWith('%')) {
        const percent = checkPercent(raw, 100);
        if (percent !== null)
            return {ok: true, value: percent};
    } else {
        const value = asInteger(raw);
        if (value !== null && value >= 1n && value < UINT64_MAX)
            return {ok: true, value: `${value}`};
    }
    return {
        ok: false,
        message: `${spec.name}: ${describeValue(raw)} is not a number of tasks of 1 or more, a percentage (like 10%) or "infinity".`,
    };
}

function checkCpuSet(spec: PropertySpec, raw: unknown): ValueCheck {
    const invalid: ValueCheck = {
        ok: false,
        message: `${spec.name}: ${describeValue(raw)} is not a list of CPU numbers and ranges such as 0-3,6 (CPUs 0 to ${MAX_CPU}).`,
    };
    if (typeof raw !== 'string' || !/^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$/.test(raw))
        return invalid;
    const parts: string[] = [];
    for (const item of raw.split(',')) {
        const [first, last = first] = item.split('-').map(Number);
        if (first > last || last > MAX_CPU)
            return invalid;
        parts.push(first === last ? `${first}` : `${first}-${last}`);
    }
    return {ok: true, value: parts.join(',')};
}

function checkBoolean(spec: PropertySpec, raw: unknown): ValueCheck {
    if (typeof raw !== 'boolean')
        return {ok: false, message: `${spec.name} must be a true/false value, not ${typeName(raw)} ${describeValue(raw)}.`};
    return {ok: true, value: raw ? 'yes' : 'no'};
}

function checkEnum(spec: PropertySpec, raw: unknown): ValueCheck {
    const values = spec.values ?? [];
    if (typeof raw === 'boolean')
        return {ok: true, value: raw ? 'yes' : 'no'};
    if (typeof raw === 'string' && values.includes(raw))
        return {ok: true, value: raw};
    return {ok: false, message: `${spec.name}: ${describeValue(raw)} is not one of ${values.join(', ')}.`};
}

const CHECKERS: Record<PropertySpec['kind'], (spec: PropertySpec, raw: unknown) => ValueCheck> = {
    'size': checkSize,
    'cpu-quota': checkCpuQuota,
    'weight': checkWeight,
    'tasks': checkTasks,
    'cpu-set': checkCpuSet,
    'boolean': checkBoolean,
    'enum': checkEnum,
};

/** Checks one value against its property's grammar; unknown properties are refused. */
export function checkValue(property: string, raw: unknown): ValueCheck {
    const spec = findProperty(property);
    if (!spec)
        return {ok: false, message: `${describeValue(property)} is not a property Confine supports.`};
    return CHECKERS[spec.kind](spec, raw);
}

function checkName(id: string, raw: unknown): {name: string} | {error: string} {
    if (raw === undefined)
        return {name: id};
    if (typeof raw !== 'string')
        return {error: `The profile name must be text, not ${typeName(raw)}.`};
    const name = raw.trim();
    if (name === '')
        return {error: 'The profile name is empty.'};
    if (name.length > MAX_NAME_LENGTH)
        return {error: `The profile name is longer than ${MAX_NAME_LENGTH} characters.`};
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(name))
        return {error: 'The profile name contains control characters.'};
    return {name};
}

export function checkProfileId(id: string): string | null {
    if (PROFILE_ID_PATTERN.test(id))
        return null;
    return `${describeValue(id)} is not a valid profile id: use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit.`;
}

/**
 * Validates a profile dictionary (name + systemd properties). Every problem is
 * reported, not just the first, so the user can fix them in one go.
 */
export function validateProfile(id: string, raw: unknown): ProfileCheck {
    const errors: ValidationError[] = [];
    const idError = checkProfileId(id);
    if (idError)
        errors.push({property: null, message: idError});
    if (raw instanceof OversizedProfile) {
        errors.push({property: null, message: `Profile ${describeValue(id)} has ${raw.keyCount} keys; ` +
            `a profile has at most ${MAX_PROFILE_KEYS}, so it was not read.`});
        return {ok: false, errors};
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        errors.push({property: null, message: `Profile ${describeValue(id)} must be a dictionary of properties, not ${typeName(raw)}.`});
        return {ok: false, errors};
    }
    const entries = raw as Record<string, unknown>;
    const named = checkName(id, entries[NAME_KEY]);
    if ('error' in named)
        errors.push({property: NAME_KEY, message: named.error});

    const values = new Map<string, string>();
    for (const [key, value] of Object.entries(entries)) {
        if (key === NAME_KEY)
            continue;
        const check = checkValue(key, value);
        if (check.ok)
            values.set(key, check.value);
        else
            errors.push({property: key, message: check.message});
    }
    if (errors.length > 0 || 'error' in named)
        return {ok: false, errors};
    // Catalogue order keeps command lines stable whatever order the dictionary had.
    const ordered = new Map<string, string>();
    for (const spec of PROPERTIES) {
        const value = values.get(spec.name);
        if (value !== undefined)
            ordered.set(spec.name, value);
    }
    return {ok: true, profile: {id, name: named.name, properties: ordered}};
}

/** True when every property is a resource-control property a scope accepts. */
export function fitsInScope(profile: Profile): boolean {
    return [...profile.properties.keys()].every(name => findProperty(name)?.scope ?? false);
}

/** A profile as the plain dictionary stored in GSettings (booleans as booleans). */
export function profileToDictionary(profile: Profile): Record<string, string | boolean> {
    const dictionary: Record<string, string | boolean> = {[NAME_KEY]: profile.name};
    for (const [key, value] of profile.properties) {
        const spec = findProperty(key);
        dictionary[key] = spec?.kind === 'boolean' ? value === 'yes' : value;
    }
    return dictionary;
}
