// The one object the extension owns while enabled: everything Confine adds to the
// shell hangs off it and goes away with destroy().

import type Gio from 'gi://Gio';
import type {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import {NOTIFY_LIMITS_KEY, SHOW_INDICATOR_KEY} from '../settings/schema.js';
import {Launcher} from './launcher.js';
import {LimitWatch} from './limitWatch.js';
import {Notifier} from './notifier.js';
import {RunningAppsIndicator} from './runningApps.js';

export class Confinement {
    readonly #extension: Extension;
    readonly #settings: Gio.Settings;
    readonly #notifier = new Notifier();
    readonly #launcher: Launcher;
    #indicator: RunningAppsIndicator | null = null;
    #limitWatch: LimitWatch | null = null;

    constructor(extension: Extension) {
        this.#extension = extension;
        this.#settings = extension.getSettings();
        this.#launcher = new Launcher(this.#settings, this.#notifier);
        this.#settings.connectObject(
            `changed::${SHOW_INDICATOR_KEY}`, () => this.#syncIndicator(),
            `changed::${NOTIFY_LIMITS_KEY}`, () => this.#syncLimitWatch(), this);
        this.#syncIndicator();
        this.#syncLimitWatch();
    }

    destroy(): void {
        this.#settings.disconnectObject(this);
        this.#indicator?.destroy();
        this.#indicator = null;
        this.#limitWatch?.destroy();
        this.#limitWatch = null;
        this.#launcher.destroy();
        this.#notifier.destroy();
    }

    #syncIndicator(): void {
        const show = this.#settings.get_boolean(SHOW_INDICATOR_KEY);
        if (show && !this.#indicator) {
            this.#indicator = new RunningAppsIndicator({
                settings: this.#settings,
                openPreferences: () => this.#extension.openPreferences(),
            });
            Main.panel.addToStatusArea(this.#extension.uuid, this.#indicator);
        } else if (!show && this.#indicator) {
            this.#indicator.destroy();
            this.#indicator = null;
        }
    }

    #syncLimitWatch(): void {
        const notify = this.#settings.get_boolean(NOTIFY_LIMITS_KEY);
        if (notify && !this.#limitWatch) {
            this.#limitWatch = new LimitWatch({
                notifyLimit: (title, body) => this.#notifier.notify(title, body, {
                    action: {label: 'Preferences', activate: () => this.#extension.openPreferences()},
                }),
            });
        } else if (!notify && this.#limitWatch) {
            this.#limitWatch.destroy();
            this.#limitWatch = null;
        }
    }
}
