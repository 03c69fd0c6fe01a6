import type Gio from 'gi://Gio';
import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

import {Confinement} from './shell/confinement.js';

export default class ConfineExtension extends Extension {
    #confinement: Confinement | null = null;
    /**
     * One settings object for as long as the shell keeps the extension, not one per
     * enable: a Gio.Settings dropped at disable is finalized by a later garbage
     * collection on the shell's thread, and if the dconf worker thread is handing it a
     * change just then (a reference from that thread to an object with a JS wrapper),
     * the two wait on each other and the shell hangs (seen on GNOME 50 and 51 in CI:
     * the main thread in g_object_remove_toggle_ref → g_object_unref → GIO → futex,
     * the dconf worker running). Kept, it is never finalized while the shell runs.
     * Everything connected to it is disconnected in disable.
     */
    #settings: Gio.Settings | null = null;

    override enable(): void {
        this.#settings ??= this.getSettings();
        this.#confinement = new Confinement(this, this.#settings);
    }

    override disable(): void {
        this.#confinement?.destroy();
        this.#confinement = null;
    }
}
