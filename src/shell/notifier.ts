// Confine's own notification source, so its messages are grouped and can be
// told apart from the shell's.

import * as Main from 'resource:///org/gnome/shell/ui/main.js';
import * as MessageTray from 'resource:///org/gnome/shell/ui/messageTray.js';

/** A button on a notification. */
export interface NotificationAction {
    readonly label: string;
    readonly activate: () => void;
}

export class Notifier {
    #source: MessageTray.Source | null = null;

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
