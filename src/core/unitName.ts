// Unit names after systemd's desktop-environment convention
// (https://systemd.io/DESKTOP_ENVIRONMENTS/), so System Monitor, systemd-oomd and
// the portals recognise the app:  app-<launcher>-<app id>-<random>.scope  and
// app-<launcher>-<app id>@<random>.service.

import {appIdOfDesktopId} from './desktopId.js';

export type UnitType = 'scope' | 'service';

/** Our launcher segment; stock GNOME uses "gnome", which keeps the two apart. */
export const LAUNCHER = 'confine';

/** systemd's UNIT_NAME_MAX (256) less the terminating NUL. */
export const UNIT_NAME_MAX = 255;

const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const RANDOM_LENGTH = 12;

/**
 * Escapes an app id the way gnome-desktop does: [A-Za-z0-9:_.] stay, every other
 * UTF-8 byte becomes \xNN. "-" is escaped too, since it separates the segments.
 */
export function escapeAppId(appId: string): string {
    let escaped = '';
    for (const byte of new TextEncoder().encode(appId)) {
        const char = String.fromCharCode(byte);
        escaped += /[A-Za-z0-9:_.]/.test(char) ? char : `\\x${byte.toString(16).padStart(2, '0')}`;
    }
    return escaped;
}

/** An escaped UTF-8 continuation byte (10xxxxxx): cutting before it would split a character. */
const CONTINUATION_BYTE = /^\\x[89ab][0-9a-f]/;

/**
 * Cuts an escaped id to `length` characters without splitting a \xNN sequence or
 * the bytes of one UTF-8 character, so the id still unescapes to valid text.
 */
function truncateEscaped(escaped: string, length: number): string {
    if (escaped.length <= length)
        return escaped;
    let cut = length;
    const lastEscape = escaped.lastIndexOf('\\', cut - 1);
    if (lastEscape >= 0 && lastEscape + 4 > cut)
        cut = lastEscape;
    while (cut > 0 && CONTINUATION_BYTE.test(escaped.slice(cut)))
        cut -= 4;
    return escaped.slice(0, cut);
}

/** `count` alphanumeric characters from a source of uniform numbers in [0, 1). */
export function randomSuffix(random: () => number, count = RANDOM_LENGTH): string {
    let suffix = '';
    for (let i = 0; i < count; i++)
        suffix += RANDOM_ALPHABET[Math.floor(random() * RANDOM_ALPHABET.length) % RANDOM_ALPHABET.length];
    return suffix;
}

export function unitName(type: UnitType, desktopId: string, suffix: string): string {
    // Bounded so the name stays within UNIT_NAME_MAX whatever the id.
    if (!/^[A-Za-z0-9]{1,64}$/.test(suffix))
        throw new Error(`unit suffix must be 1 to 64 letters or digits, got ${JSON.stringify(suffix)}`);
    const prefix = `app-${LAUNCHER}-`;
    const tail = type === 'scope' ? `-${suffix}.scope` : `@${suffix}.service`;
    const room = UNIT_NAME_MAX - prefix.length - tail.length;
    const escaped = truncateEscaped(escapeAppId(appIdOfDesktopId(desktopId)), room);
    // An empty id would give "app-confine--x.scope"; "_" keeps the segment non-empty.
    return `${prefix}${escaped === '' ? '_' : escaped}${tail}`;
}

/** True for the names of units this project creates (for `confine ps` and tests). */
export function isConfineUnit(name: string): boolean {
    return /^app-confine-.+(-[A-Za-z0-9]+\.scope|@[A-Za-z0-9]+\.service)$/.test(name);
}

/**
 * The D-Bus object path of a unit, as systemd's bus_label_escape makes it: every
 * byte other than a letter or digit (and a leading digit) becomes _ and two hex digits.
 */
export function unitObjectPath(name: string): string {
    let label = '';
    for (const [index, byte] of [...new TextEncoder().encode(name)].entries()) {
        const char = String.fromCharCode(byte);
        label += /[A-Za-z]/.test(char) || (/[0-9]/.test(char) && index > 0)
            ? char
            : `_${byte.toString(16).padStart(2, '0')}`;
    }
    return `/org/freedesktop/systemd1/unit/${label}`;
}

/** The characters systemd allows in a unit name (unit_name_is_valid). */
const UNIT_NAME_CHARS = /^[A-Za-z0-9:_.\\@-]+$/;

/**
 * The D-Bus match rule for the user manager's JobRemoved signal of one unit (its third
 * argument), or of every unit when `unit` is null. A rule per unit keeps the bus from
 * waking the shell for the jobs of the session's other units. Inside single quotes a
 * match rule takes every character as it is (a backslash too, as GDBus writes arg0);
 * a unit name holds no quote, and anything not a unit name gets no rule.
 */
export function jobRemovedRule(unit: string | null): string {
    const rule = "type='signal',sender='org.freedesktop.systemd1',path='/org/freedesktop/systemd1'," +
        "interface='org.freedesktop.systemd1.Manager',member='JobRemoved'";
    if (unit === null)
        return rule;
    if (unit.length > UNIT_NAME_MAX || !UNIT_NAME_CHARS.test(unit))
        throw new Error(`not a unit name: ${JSON.stringify(unit)}`);
    return `${rule},arg2='${unit}'`;
}
