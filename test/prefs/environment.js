// The environment of the panel tests: the preferences loaded the way
// `gnome-extensions prefs` loads them. gnome-shell's own org.gnome.Shell.Extensions
// code (from its gresource) creates the extension object from the shell's
// GetExtensionInfo and opens an ExtensionPrefsDialog, which imports the installed
// prefs.js.

import Adw from 'gi://Adw?version=1';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

const UUID = 'confine@confine.github.io';
const SHELL_DATADIR = '/usr/share/gnome-shell';

Gio.Resource.load(`${SHELL_DATADIR}/org.gnome.Shell.Extensions.src.gresource`)._register();
Adw.init();

const {extensionManager} = await import('resource:///org/gnome/Shell/Extensions/js/extensionsService.js');
const {ExtensionPrefsDialog} = await import('resource:///org/gnome/Shell/Extensions/js/extensionPrefsDialog.js');

function extensionInfo() {
    const reply = Gio.DBus.session.call_sync('org.gnome.Shell', '/org/gnome/Shell',
        'org.gnome.Shell.Extensions', 'GetExtensionInfo', new GLib.Variant('(s)', [UUID]),
        new GLib.VariantType('(a{sv})'), Gio.DBusCallFlags.NONE, 10000, null);
    const [info] = reply.deepUnpack();
    if (!info.uuid)
        throw new Error(`the shell does not know ${UUID}`);
    return info;
}

const extension = extensionManager.createExtensionObject(extensionInfo());

/** Opens the real preferences dialog, as the Extensions service does. */
export function openDialog() {
    return new Promise((resolve, reject) => {
        const started = GLib.get_monotonic_time();
        const dialog = new ExtensionPrefsDialog(extension);
        const timeout = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20000, () => {
            reject(new Error('the preferences dialog did not load in 20 s'));
            return GLib.SOURCE_REMOVE;
        });
        dialog.connect('loaded', () => {
            GLib.source_remove(timeout);
            resolve({dialog, prefs: extension.stateObj, loadMs: (GLib.get_monotonic_time() - started) / 1000});
        });
    });
}

export const extensionDir = extension.path;

// The first dialog also registers the prefs object, which the extension's gettext
// functions look up; the tests below then build windows around the same modules.
export const first = await openDialog();
