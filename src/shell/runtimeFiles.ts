// Gio's asynchronous file calls as promises, and the private directory that holds the
// desktop-entry copies of confined launches. The shell never does file I/O synchronously.
//
// GLib and Gio only (no Shell, no Meta): test/gjs runs this module under real GLib.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {LaunchFailure} from '../core/launchFailure.js';
import {fill, untranslated, type Translate} from '../core/translate.js';

function isIOError(error: unknown, code: number): boolean {
    return (error as GLib.Error).matches?.(Gio.IOErrorEnum, code) ?? false;
}

/** Settles a call whose `finish` returns nothing; an error `tolerated` (if any) counts as success. */
function settle(finish: () => void, resolve: () => void, reject: (error: unknown) => void,
    tolerated: number | null = null): void {
    try {
        finish();
        resolve();
    } catch (error) {
        if (tolerated !== null && isIOError(error, tolerated))
            resolve();
        else
            reject(error);
    }
}

export function loadContents(file: Gio.File, cancellable: Gio.Cancellable | null): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
        file.load_contents_async(cancellable, (_source, result) => {
            try {
                resolve(file.load_contents_finish(result)[1]);
            } catch (error) {
                reject(error);
            }
        });
    });
}

/** The file's own type and mode (a symlink is not followed), or null when there is nothing. */
export function queryType(file: Gio.File, cancellable: Gio.Cancellable | null): Promise<Gio.FileInfo | null> {
    return new Promise((resolve, reject) => {
        file.query_info_async('standard::type,unix::mode', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS,
            GLib.PRIORITY_DEFAULT, cancellable, (_source, result) => {
                try {
                    resolve(file.query_info_finish(result));
                } catch (error) {
                    if (isIOError(error, Gio.IOErrorEnum.NOT_FOUND))
                        resolve(null);
                    else
                        reject(error);
                }
            });
    });
}

function makeDirectory(file: Gio.File, cancellable: Gio.Cancellable | null): Promise<void> {
    return new Promise((resolve, reject) => {
        // Made meanwhile by another launch is fine: what it is gets checked next.
        file.make_directory_async(GLib.PRIORITY_DEFAULT, cancellable, (_source, result) =>
            settle(() => file.make_directory_finish(result), resolve, reject, Gio.IOErrorEnum.EXISTS));
    });
}

function setMode(file: Gio.File, mode: number, cancellable: Gio.Cancellable | null): Promise<void> {
    const info = new Gio.FileInfo();
    info.set_attribute_uint32('unix::mode', mode);
    return new Promise((resolve, reject) => {
        file.set_attributes_async(info, Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, GLib.PRIORITY_DEFAULT,
            cancellable, (_source, result) => settle(() => file.set_attributes_finish(result), resolve, reject));
    });
}

export const PRIVATE_DIRECTORY = 0o700;

/**
 * Makes `dir` a directory only we can read, or fails with a LaunchFailure. Whatever
 * else stands there (a file, a symlink, even one to a directory) is refused rather
 * than written through.
 */
export async function ensurePrivateDirectory(dir: Gio.File, cancellable: Gio.Cancellable | null,
    _: Translate = untranslated): Promise<void> {
    let info = await queryType(dir, cancellable);
    if (!info) {
        await makeDirectory(dir, cancellable);
        info = await queryType(dir, cancellable);
    }
    const type = info?.get_file_type();
    if (type !== Gio.FileType.DIRECTORY) {
        throw new LaunchFailure(fill(type === Gio.FileType.SYMBOLIC_LINK
            ? _('{path} is not a directory (a symbolic link is in its place); remove it and launch again')
            : _('{path} is not a directory (something else is in its place); remove it and launch again'),
        {path: dir.get_path() ?? ''}));
    }
    if ((info!.get_attribute_uint32('unix::mode') & 0o7777) !== PRIVATE_DIRECTORY)
        await setMode(dir, PRIVATE_DIRECTORY, cancellable);
}

/** Replaces the file's contents, readable by us alone when it is new. */
export function writeContents(file: Gio.File, text: string, cancellable: Gio.Cancellable | null): Promise<void> {
    return new Promise((resolve, reject) => {
        const bytes = new GLib.Bytes(new TextEncoder().encode(text));
        file.replace_contents_bytes_async(bytes, null, false, Gio.FileCreateFlags.PRIVATE,
            cancellable, (_source, result) => settle(() => file.replace_contents_finish(result), resolve, reject));
    });
}

/** Deletes the file; one that is already gone counts as deleted. */
export function deleteFile(file: Gio.File, cancellable: Gio.Cancellable | null): Promise<void> {
    return new Promise((resolve, reject) => {
        file.delete_async(GLib.PRIORITY_DEFAULT, cancellable, (_source, result) =>
            settle(() => file.delete_finish(result), resolve, reject, Gio.IOErrorEnum.NOT_FOUND));
    });
}
