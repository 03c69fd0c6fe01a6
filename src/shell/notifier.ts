// Confine's own notification source, so its messages are grouped and can be
// told apart from the shell's.

import type Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';
import * as MessageTray from 'resource:///org/gnome/shell/ui/messageTray.js';

/** The user's notification keys that the shell's generic policy honours. */
const POLICY_KEYS = new Set(['show-banners', 'show-in-lock-screen']);

// The shell's typings declare the policy's figures as read-only fields; the shell's own
// policies are subclasses that define them as getters, as this one does.
const PolicyBase = MessageTray.NotificationPolicy as unknown as new () => GObject.Object & {destroy(): void};

/**
 * The policy of Confine's source: the shell's generic one, reading the same keys of
 * org.gnome.desktop.notifications, but through a Gio.Settings the extension keeps. The
 * generic policy makes a Gio.Settings for each source, and the tray makes a new source
 * after each last notification is gone; the garbage collector finalizes the old ones
 * later, and a Gio.Settings finalized while dconf's worker thread hands out a change
 * hangs the shell (a GJS/GLib deadlock, see test/e2e/scenarios/06-settings-stress.mjs).
 */
class SharedSettingsPolicy extends PolicyBase {
    static {
        GObject.registerClass(this);
    }

    #settings!: Gio.Settings;

    constructor(settings: Gio.Settings) {
        super();
        this.#settings = settings;
        settings.connectObject('changed', (_settings: Gio.Settings, key: string) => {
            if (POLICY_KEYS.has(key))
                this.notify(key);
        }, this);
    }

    override destroy(): void {
        this.#settings.disconnectObject(this);
        super.destroy();
    }

    get showBanners(): boolean {
        return this.#settings.get_boolean('show-banners');
    }

    get showInLockScreen(): boolean {
        return this.#settings.get_boolean('show-in-lock-screen');
    }
}

/** A button on a notification. */
export interface NotificationAction {
    readonly label: string;
    readonly activate: () => void;
}

export class Notifier {
    #source: MessageTray.Source | null = null;
    readonly #notificationSettings: Gio.Settings;

    /** `notificationSettings`: org.gnome.desktop.notifications, kept by the extension. */
    constructor(notificationSettings: Gio.Settings) {
        this.#notificationSettings = notificationSettings;
    }

    /** A failure stays in the message list until read; routine news is transient. */
    notify(title: string, body: string, {transient = false, action}: {transient?: boolean; action?: NotificationAction} = {}): void {
        const notification = new MessageTray.Notification({
            source: this.#ensureSource(),
            title,
            body,
            isTransient: transient,
        });
        if (action)
            notification.addAction(action.label, action.activate);
        this.#source!.addNotification(notification);
    }

    destroy(): void {
        this.#source?.destroy(MessageTray.NotificationDestroyedReason.SOURCE_CLOSED);
        this.#source = null;
    }

    #ensureSource(): MessageTray.Source {
        if (!this.#source) {
            const source = new MessageTray.Source({
                title: 'Confine',
                iconName: 'security-medium-symbolic',
                policy: new SharedSettingsPolicy(this.#notificationSettings) as unknown as MessageTray.NotificationPolicy,
            });
            // The tray destroys a source once its last notification is gone.
            source.connectObject('destroy', () => {
                if (this.#source === source)
                    this.#source = null;
            }, this);
            Main.messageTray.add(source);
            this.#source = source;
        }
        return this.#source;
    }
}
