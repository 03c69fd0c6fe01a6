// The one object the extension owns while enabled: everything Confine adds to the
// shell hangs off it and goes away with destroy().

import type Gio from 'gi://Gio';
import type {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

import {Launcher} from './launcher.js';
import {Notifier} from './notifier.js';

export class Confinement {
    readonly #settings: Gio.Settings;
    readonly #notifier = new Notifier();
    readonly #launcher: Launcher;

    constructor(extension: Extension) {
        this.#settings = extension.getSettings();
        this.#launcher = new Launcher(this.#settings, this.#notifier);
    }

    destroy(): void {
        this.#launcher.destroy();
        this.#notifier.destroy();
    }
}
