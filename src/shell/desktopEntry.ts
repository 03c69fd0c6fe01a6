// The app's desktop entry rewritten for a confined launch: the launch plan in front of
// the Exec line that runs, and nothing left that would make GLib skip that line.
//
// GLib and Gio only (no Shell, no Meta): test/gjs runs this module under real GLib.

import GLib from 'gi://GLib';

import {prefixExec} from '../core/execLine.js';
import {LaunchFailure, errorMessage} from '../core/launchFailure.js';
import type {LiteralCommand} from '../core/launchPlan.js';
import {fill, untranslated, type Translate} from '../core/translate.js';

const DESKTOP_GROUP = 'Desktop Entry';

/**
 * Keys that would keep GLib from running the rewritten Exec line: with DBusActivatable
 * it activates the app over D-Bus instead; TryExec is checked again when GLib loads the
 * copy, and a failed check there would only be a copy GLib refuses to read, unexplained.
 */
const SKIPS_EXEC = ['DBusActivatable', 'TryExec'];

/**
 * The entry in `contents` with `command` in front of the Exec line that this launch
 * runs. A desktop action's Exec becomes the main Exec, so one code path serves both.
 * Throws a LaunchFailure that says what is wrong with the entry.
 */
export function rewriteDesktopEntry(contents: Uint8Array, action: string | null, command: LiteralCommand,
    _: Translate = untranslated): string {
    const keyFile = new GLib.KeyFile();
    try {
        keyFile.load_from_bytes(new GLib.Bytes(contents),
            GLib.KeyFileFlags.KEEP_COMMENTS | GLib.KeyFileFlags.KEEP_TRANSLATIONS);
    } catch (error) {
        throw new LaunchFailure(fill(_('its desktop file could not be parsed: {error}'), {error: errorMessage(error)}));
    }
    const group = action === null ? DESKTOP_GROUP : `Desktop Action ${action}`;
    let exec: string;
    try {
        exec = keyFile.get_string(group, 'Exec');
    } catch {
        throw new LaunchFailure(action === null
            ? _('its desktop file has no Exec line, so it can only be started over D-Bus, outside any unit Confine could make')
            : fill(_('its desktop action “{action}” has no Exec line'), {action}));
    }
    if (exec.trim() === '')
        throw new LaunchFailure(_('its desktop file has an empty Exec line'));
    keyFile.set_string(DESKTOP_GROUP, 'Exec', prefixExec(command.argv, command.protect(exec)));
    for (const key of SKIPS_EXEC) {
        try {
            keyFile.remove_key(DESKTOP_GROUP, key);
        } catch {
            // Not set in this entry.
        }
    }
    return keyFile.to_data()[0];
}
