// The one object the extension owns while enabled: everything Confine adds to the
// shell hangs off it and goes away with destroy().

import type Gio from 'gi://Gio';
import {gettext as _, type Extension} from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import {NOTIFY_LIMITS_KEY, OTHER_LAUNCHES_KEY, PREFS_OPEN_PROFILE_KEY, SHOW_INDICATOR_KEY} from '../settings/schema.js';
import {Launcher} from './launcher.js';
import {LimitWatch} from './limitWatch.js';
import {Notifier} from './notifier.js';
import {OtherLaunches} from './otherLaunches.js';
import {RunningAppsIndicator} from './runningApps.js';
import {UserManager} from './userManager.js';

export class Confinement {
    readonly #extension: Extension;
    readonly #settings: Gio.Settings;
    readonly #notifier: Notifier;
    /** The one connection to the systemd user manager, for launches, limit notifications and other launches. */
    readonly #userManager = new UserManager();
    readonly #launcher: Launcher;
    #indicator: RunningAppsIndicator | null = null;
    #limitWatch: LimitWatch | null = null;
    #otherLaunches: OtherLaunches | null = null;

    /** `notificationSettings`: org.gnome.desktop.notifications, which the extension keeps (see Notifier). */
    constructor(extension: Extension, settings: Gio.Settings, notificationSettings: Gio.Settings) {
        this.#extension = extension;
        this.#settings = settings;
        this.#notifier = new Notifier(notificationSettings);
        this.#launcher = new Launcher(this.#settings, this.#notifier, this.#userManager,
            desktopId => this.#otherLaunches?.leaveUnconfined(desktopId));
        this.#settings.connectObject(
            `changed::${SHOW_INDICATOR_KEY}`, () => this.#syncIndicator(),
            `changed::${NOTIFY_LIMITS_KEY}`, () => this.#syncLimitWatch(),
            `changed::${OTHER_LAUNCHES_KEY}`, () => this.#syncOtherLaunches(), this);
        this.#syncIndicator();
        this.#syncLimitWatch();
        this.#syncOtherLaunches();
    }

    destroy(): void {
        this.#settings.disconnectObject(this);
        this.#indicator?.destroy();
        this.#indicator = null;
        this.#limitWatch?.destroy();
        this.#limitWatch = null;
        this.#otherLaunches?.destroy();
        this.#otherLaunches = null;
        this.#launcher.destroy();
        this.#userManager.destroy();
        this.#notifier.destroy();
    }

    #syncIndicator(): void {
        const show = this.#settings.get_boolean(SHOW_INDICATOR_KEY);
        if (show && !this.#indicator) {
            this.#indicator = new RunningAppsIndicator({
                settings: this.#settings,
                userManager: this.#userManager,
                openPreferences: () => this.#extension.openPreferences(),
                restartPending: unit => this.#otherLaunches?.restartPending(unit) ?? [],
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
            this.#limitWatch = new LimitWatch(this.#userManager, {
                notifyLimit: (title, body, profile) => this.#notifier.notify(title, body, {
                    action: {label: profile === null ? _('Preferences') : _('Open Profile'), activate: () => {
                        // The preferences run in another process: the key tells them which profile to show.
                        if (profile !== null)
                            this.#settings.set_string(PREFS_OPEN_PROFILE_KEY, profile);
                        this.#extension.openPreferences();
                    }},
                }),
            });
        } else if (!notify && this.#limitWatch) {
            this.#limitWatch.destroy();
            this.#limitWatch = null;
        }
    }

    #syncOtherLaunches(): void {
        const on = this.#settings.get_boolean(OTHER_LAUNCHES_KEY);
        if (on && !this.#otherLaunches) {
            this.#otherLaunches = new OtherLaunches({
                settings: this.#settings,
                userManager: this.#userManager,
                notify: (title, body, lasting) => this.#notifier.notify(title, body, {transient: !lasting}),
            });
        } else if (!on && this.#otherLaunches) {
            this.#otherLaunches.destroy();
            this.#otherLaunches = null;
        }
    }
}
