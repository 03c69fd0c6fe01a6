// Turns untrusted profile data (GSettings, an imported file, a text field) into a
// normalized profile, or into plain-language errors that name the property.
//
// Values arrive already unpacked from GVariant, so the JavaScript type tells the
// GVariant type: a boolean property stored as the string 'true' is rejected here.

import {NAME_KEY, PROPERTIES, findProperty, type PropertySpec} from './properties.js';
import {CONTROL_CHARACTER} from './text.js';
import {fill, untranslated, type Translate} from './translate.js';

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
    // It stands where a profile's dictionary would (see RawProfile), holding none of its keys.
    readonly [key: string]: unknown;
    readonly keyCount: number;

    constructor(keyCount: number) {
        this.keyCount = keyCount;
    }
}

const MAX_LISTED_ERRORS = 3;

/** The messages of the first few errors and how many more there are, for a notification or one line. */
export function summarizeErrors(errors: readonly ValidationError[], _: Translate = untranslated): string {
    const shown = errors.slice(0, MAX_LISTED_ERRORS).map(error => error.message);
    if (errors.length > MAX_LISTED_ERRORS)
        shown.push(fill(_('And {count} more.'), {count: errors.length - MAX_LISTED_ERRORS}));
    return shown.join(' ');
}

export const UINT64_MAX = 2n ** 64n - 1n;
/** The size suffixes systemd reads, base 1024. */
export const SIZE_FACTORS: Readonly<Record<string, bigint>> = {
    '': 1n, K: 2n ** 10n, M: 2n ** 20n, G: 2n ** 30n, T: 2n ** 40n,
};
/** systemd refuses CPU numbers past this (CPU_SET_MAX in its sources is 8192 CPUs). */
const MAX_CPU = 8191;
const MAX_CPU_QUOTA_PERCENT = 1_000_000;
const MAX_NAME_LENGTH = 64;
export const PROFILE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A short, unambiguous rendering of an offending value for messages. */
export function describeValue(raw: unknown, _: Translate = untranslated): string {
    if (typeof raw === 'string') {
        const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
        return JSON.stringify(shown);
    }
    if (typeof raw === 'bigint')
        return `${raw}`;
    if (raw === null || raw === undefined)
        return _('nothing');
    if (typeof raw === 'object')
        return Array.isArray(raw) ? _('a list') : _('a dictionary');
    return String(raw);
}

function typeName(raw: unknown, _: Translate): string {
    if (typeof raw === 'string')
        return _('text');
    if (typeof raw === 'boolean')
        return _('a true/false value');
    if (typeof raw === 'number' || typeof raw === 'bigint')
        return _('a number');
    return describeValue(raw, _);
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

/** Whole and fraction digits as systemd-run will read them ("050.5" → "50.5"). */
function decimalText(whole: string, fraction: string | undefined): string {
    return fraction ? `${stripZeros(whole)}.${fraction}` : stripZeros(whole);
}

function checkPercent(text: string, max: number): string | null {
    const match = /^(\d{1,7})(?:\.(\d{1,2}))?%$/.exec(text);
    if (!match)
        return null;
    const {numerator, denominator} = parseDecimal(match[1], match[2]);
    if (numerator === 0n || numerator > BigInt(max) * denominator)
        return null;
    return `${decimalText(match[1], match[2])}%`;
}

function checkSize(spec: PropertySpec, raw: unknown, _: Translate): ValueCheck {
    const value = describeValue(raw, _);
    if (typeof raw !== 'string') {
        return {ok: false, message: fill(_('{property} must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not {type}.'),
            {property: spec.name, type: typeName(raw, _)})};
    }
    if (raw === 'infinity')
        return {ok: true, value: raw};
    if (raw.endsWith('%')) {
        const percent = checkPercent(raw, 100);
        if (percent === null)
            return {ok: false, message: fill(_('{property}: {value} is not a percentage of RAM between 0% and 100%.'), {property: spec.name, value})};
        return {ok: true, value: percent};
    }
    const match = /^(\d{1,20})(?:\.(\d{1,3}))?([KMGTkmgt]?)$/.exec(raw);
    if (!match)
        return {ok: false, message: fill(_('{property}: {value} is not a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity".'), {property: spec.name, value})};
    const unit = match[3].toUpperCase();
    const {numerator, denominator} = parseDecimal(match[1], match[2]);
    const bytes = numerator * SIZE_FACTORS[unit] / denominator;
    if (bytes >= UINT64_MAX)
        return {ok: false, message: fill(_('{property}: {value} is larger than any machine’s memory; use "infinity" for no limit.'), {property: spec.name, value})};
    if (bytes === 0n && !spec.allowZero)
        return {ok: false, message: fill(_('{property}: 0 would leave the app no memory to start; leave it unset for no limit.'), {property: spec.name})};
    return {ok: true, value: `${decimalText(match[1], match[2])}${unit}`};
}

function checkCpuQuota(spec: PropertySpec, raw: unknown, _: Translate): ValueCheck {
    const text = typeof raw === 'string' ? raw : null;
    const percent = text === null ? null : checkPercent(text, MAX_CPU_QUOTA_PERCENT);
    if (percent === null) {
        return {
            ok: false,
            message: fill(_('{property}: {value} is not a CPU percentage above 0% (100% is one full CPU, 200% two).'),
                {property: spec.name, value: describeValue(raw, _)}),
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

function checkWeight(spec: PropertySpec, raw: unknown, _: Translate): ValueCheck {
    const value = asInteger(raw);
    if (value === null || value < 1n || value > 10000n) {
        return {ok: false, message: fill(_('{property}: {value} is not a whole number from 1 to 10000 (the default is 100).'),
            {property: spec.name, value: describeValue(raw, _)})};
    }
    return {ok: true, value: `${value}`};
}

function checkTasks(spec: PropertySpec, raw: unknown, _: Translate): ValueCheck {
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
        message: fill(_('{property}: {value} is not a number of tasks of 1 or more, a percentage (like 10%) or "infinity".'),
            {property: spec.name, value: describeValue(raw, _)}),
    };
}

function checkCpuSet(spec: PropertySpec, raw: unknown, _: Translate): ValueCheck {
    const invalid: ValueCheck = {
        ok: false,
        message: fill(_('{property}: {value} is not a list of CPU numbers and ranges such as 0-3,6 (CPUs 0 to {max}).'),
            {property: spec.name, value: describeValue(raw, _), max: MAX_CPU}),
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

function checkBoolean(spec: PropertySpec, raw: unknown, _: Translate): ValueCheck {
    if (typeof raw !== 'boolean') {
        return {ok: false, message: fill(_('{property} must be a true/false value, not {type} {value}.'),
            {property: spec.name, type: typeName(raw, _), value: describeValue(raw, _)})};
    }
    return {ok: true, value: raw ? 'yes' : 'no'};
}

function checkEnum(spec: PropertySpec, raw: unknown, _: Translate): ValueCheck {
    const values = spec.values ?? [];
    if (typeof raw === 'boolean')
        return {ok: true, value: raw ? 'yes' : 'no'};
    if (typeof raw === 'string' && values.includes(raw))
        return {ok: true, value: raw};
    return {ok: false, message: fill(_('{property}: {value} is not one of {values}.'),
        {property: spec.name, value: describeValue(raw, _), values: values.join(', ')})};
}

const CHECKERS: Record<PropertySpec['kind'], (spec: PropertySpec, raw: unknown, _: Translate) => ValueCheck> = {
    'size': checkSize,
    'cpu-quota': checkCpuQuota,
    'weight': checkWeight,
    'tasks': checkTasks,
    'cpu-set': checkCpuSet,
    'boolean': checkBoolean,
    'enum': checkEnum,
};

/** Checks one value against its property's grammar; unknown properties are refused. */
export function checkValue(property: string, raw: unknown, _: Translate = untranslated): ValueCheck {
    const spec = findProperty(property);
    if (!spec)
        return {ok: false, message: fill(_('{value} is not a property Confine supports.'), {value: describeValue(property, _)})};
    return CHECKERS[spec.kind](spec, raw, _);
}

function checkName(id: string, raw: unknown, _: Translate): {name: string} | {error: string} {
    if (raw === undefined)
        return {name: id};
    if (typeof raw !== 'string')
        return {error: fill(_('The profile name must be text, not {type}.'), {type: typeName(raw, _)})};
    const name = raw.trim();
    if (name === '')
        return {error: _('The profile name is empty.')};
    if (name.length > MAX_NAME_LENGTH)
        return {error: fill(_('The profile name is longer than {max} characters.'), {max: MAX_NAME_LENGTH})};
    if (CONTROL_CHARACTER.test(name))
        return {error: _('The profile name contains control characters.')};
    return {name};
}

/**
 * How notifications name a profile: its label, or its id when it has no usable label
 * (none set, or the profile is not a dictionary). A valid profile's label is its `name`.
 */
export function profileLabel(id: string, raw: unknown): string {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || raw instanceof OversizedProfile)
        return id;
    const named = checkName(id, (raw as Record<string, unknown>)[NAME_KEY], untranslated);
    return 'name' in named ? named.name : id;
}

export function checkProfileId(id: string, _: Translate = untranslated): string | null {
    if (PROFILE_ID_PATTERN.test(id))
        return null;
    return fill(_('{value} is not a valid profile id: use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit.'),
        {value: describeValue(id, _)});
}

/**
 * Validates a profile dictionary (name + systemd properties). Every problem is
 * reported, not just the first, so the user can fix them in one go.
 */
export function validateProfile(id: string, raw: unknown, _: Translate = untranslated): ProfileCheck {
    const errors: ValidationError[] = [];
    const idError = checkProfileId(id, _);
    if (idError)
        errors.push({property: null, message: idError});
    if (raw instanceof OversizedProfile) {
        errors.push({property: null, message: fill(_('Profile {id} has {count} keys; a profile has at most {max}, so it was not read.'),
            {id: describeValue(id, _), count: raw.keyCount, max: MAX_PROFILE_KEYS})});
        return {ok: false, errors};
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        errors.push({property: null, message: fill(_('Profile {id} must be a dictionary of properties, not {type}.'),
            {id: describeValue(id, _), type: typeName(raw, _)})});
        return {ok: false, errors};
    }
    const entries = raw as Record<string, unknown>;
    const named = checkName(id, entries[NAME_KEY], _);
    if ('error' in named)
        errors.push({property: NAME_KEY, message: named.error});

    const values = new Map<string, string>();
    for (const [key, value] of Object.entries(entries)) {
        if (key === NAME_KEY)
            continue;
        const check = checkValue(key, value, _);
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
