// "Check this profile": runs the probe of `confine check` in a unit made as a launch
// makes it and shows, per property, whether it took effect on this machine.

import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {evaluateCheck, parseFindings, type CheckRow} from '../core/profileCheck.js';
import type {Profile} from '../core/validation.js';
import {sessionProbe} from '../settings/profileProbe.js';
import {escapeMarkup, format} from './text.js';
import {asWidget} from './widget.js';

interface Output {
    readonly stdout: string;
    readonly stderr: string;
    readonly succeeded: boolean;
}

function runCommand(argv: string[], cancellable: Gio.Cancellable): Promise<Output> {
    return new Promise((resolve, reject) => {
        try {
            const subprocess = Gio.Subprocess.new(argv, Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE);
            subprocess.communicate_utf8_async(null, cancellable, (_source, result) => {
                try {
                    const [, stdout, stderr] = subprocess.communicate_utf8_finish(result);
                    resolve({stdout: stdout ?? '', stderr: stderr ?? '', succeeded: subprocess.get_successful()});
                } catch (error) {
                    reject(error);
                }
            });
        } catch (error) {
            reject(error);
        }
    });
}

/** systemd's version as systemd-run reports it, or null when it cannot tell. */
export async function systemdVersion(cancellable: Gio.Cancellable): Promise<number | null> {
    const {stdout} = await runCommand(['systemd-run', '--version'], cancellable);
    const match = /^systemd (\d+)/.exec(stdout);
    return match ? Number(match[1]) : null;
}

const ICONS: Record<CheckRow['state'], string> = {
    'in-effect': 'emblem-ok-symbolic',
    'not-in-effect': 'dialog-warning-symbolic',
    'info': 'dialog-information-symbolic',
};

export class ProfileCheckGroup extends Adw.PreferencesGroup {
    static {
        GObject.registerClass(this);
    }

    readonly button: Gtk.Button;
    /** The rows of the last check. */
    rows: Adw.ActionRow[] = [];
    #profile: Profile | null = null;
    readonly #cancellable = new Gio.Cancellable();

    constructor() {
        super({
            title: _('Check this profile'),
            description: _('Starts a short probe the way a launch starts an app and shows what takes effect on this machine.'),
        });
        this.button = new Gtk.Button({label: _('Check'), valign: Gtk.Align.CENTER});
        this.button.connect('clicked', () => {
            this.#check().catch(error => this.#show([{property: _('Check'), asked: '', state: 'not-in-effect',
                detail: String((error as {message?: string}).message ?? error)}]));
        });
        this.header_suffix = asWidget(this.button);
        this.connect('destroy', () => this.#cancellable.cancel());
    }

    /** The profile to check, or null when it is invalid. */
    update(profile: Profile | null): void {
        this.#profile = profile;
        this.button.sensitive = profile !== null;
    }

    async #check(): Promise<void> {
        const profile = this.#profile;
        if (!profile)
            return;
        this.button.sensitive = false;
        try {
            const probe = sessionProbe(profile, await systemdVersion(this.#cancellable));
            const {tmpMarker} = probe;
            GLib.file_set_contents(tmpMarker, '');
            let output: Output;
            try {
                output = await runCommand(probe.argv, this.#cancellable);
            } finally {
                GLib.unlink(tmpMarker);
            }
            if (!output.succeeded) {
                this.#show([{property: _('Probe'), asked: '', state: 'not-in-effect',
                    detail: format(_('It did not start, so nothing of the profile is in effect: %s'),
                        output.stderr.trim() || 'systemd-run failed')}]);
                return;
            }
            this.#show(evaluateCheck(profile, parseFindings(output.stdout)));
        } finally {
            this.button.sensitive = this.#profile !== null;
        }
    }

    #show(rows: readonly CheckRow[]): void {
        for (const row of this.rows)
            this.remove(row);
        this.rows = rows.map(item => {
            const row = new Adw.ActionRow({
                title: escapeMarkup(item.asked ? `${item.property} = ${item.asked}` : item.property),
                subtitle: escapeMarkup(item.detail),
            });
            row.add_suffix(asWidget(new Gtk.Image({icon_name: ICONS[item.state]})));
            return row;
        });
        for (const row of this.rows)
            this.add(row);
    }
}
