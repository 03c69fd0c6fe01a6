// The one object the extension owns while enabled.

import type Gio from 'gi://Gio';
import type {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

export class Confinement {
    readonly settings: Gio.Settings;

    constructor(extension: Extension) {
        this.settings = extension.getSettings();
    }

    destroy(): void {
        this.settings.run_dispose();
    }
}
