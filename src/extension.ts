import Gio from 'gi://Gio';
import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

import {Confinement} from './shell/confinement.js';

export default class ConfineExtension extends Extension {
    #confinement: Confinement | null = null;
    /**
     * One settings object for as long as the shell keeps the extension, not one per
     * enable. A Gio.Settings dropped at disable is finalized by a later garbage
     * collection on the shell's thread, and that can hang the shell: to hand out a
     * change, dconf's worker thread holds the settings backend's lock and takes a
     * reference to every Gio.Settings of the process, which for one with a JS wrapper
     * waits on GJS, while the main thread, finalizing inside GJS, waits for the
     * backend's lock (seen in CI on GNOME 50 and 51, reproduced on 48 by e2e 06: the
     * main thread in g_object_unref → GIO → futex, called from GJS's finalization, the
     * dconf worker in g_weak_ref_get → GJS). Kept, ours is never finalized while the shell runs; it is
     * a GJS/GLib deadlock that other settings objects can still meet (see
     * test/e2e/scenarios/06-settings-stress.mjs). Everything connected to it is
     * disconnected in disable. The same holds for the user's notification settings,
     * which the policy of Confine's notification source reads (see shell/notifier.ts).
     */
    #settings: Gio.Settings | null = null;
    #notificationSettings: Gio.Settings | null = null;

    override enable(): void {
        this.#settings ??= this.getSettings();
        this.#notificationSettings ??= new Gio.Settings({schema_id: 'org.gnome.desktop.notifications'});
        this.#confinement = new Confinement(this, this.#settings, this.#notificationSettings);
    }

    override disable(): void {
        this.#confinement?.destroy();
        this.#confinement = null;
    }
}
