// The exact systemd-run command a profile produces, built by the core's launch
// plan of a desktop launch (never re-assembled here), with a button that copies it.

import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import Pango from 'gi://Pango';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {shellQuote} from '../core/execLine.js';
import {DESKTOP_ENVIRONMENT, desktopCommand, desktopLaunchPlan, desktopLaunchProblem} from '../core/launchPlan.js';
import {randomSuffix} from '../core/unitName.js';
import type {ProfileEntry} from './panelSettings.js';
import {systemdVersion} from './profileCheckGroup.js';
import {format} from './text.js';

/** The app the preview shows: one that uses the profile, or an example. */
export interface PreviewApp {
    readonly desktopId: string;
    readonly name: string;
    /** The app's command line as its desktop file gives it, or null for a placeholder. */
    readonly commandLine: string | null;
    readonly terminal: boolean;
    readonly startupNotify: boolean;
    readonly path: string | null;
}

/**
 * The command as a shell would take it, or the reason when there is none: the plan the
 * shell makes for a launch of `app`, with this session's environment standing in for
 * the shell's (both are the user's desktop session; the shell runs in the home
 * directory). `systemdVersion` is null until it is known.
 */
export function previewCommand(entry: ProfileEntry, app: PreviewApp, suffix: string,
    systemdVersion: number | null): {command: string} | {problem: string} {
    if (!entry.check.ok)
        return {problem: entry.check.errors.map(error => error.message).join('\n')};
    const problem = desktopLaunchProblem(entry.check.profile, _);
    if (problem !== null)
        return {problem};
    const plan = desktopLaunchPlan({
        desktopId: app.desktopId,
        appName: app.name,
        profile: entry.check.profile,
        suffix,
        terminal: app.terminal,
        startupNotify: app.startupNotify,
        path: app.path,
        currentDirectory: GLib.get_home_dir(),
        runtimeDirectory: GLib.get_user_runtime_dir(),
        environment: DESKTOP_ENVIRONMENT.filter(name => GLib.getenv(name) !== null),
    });
    const command = desktopCommand(plan, systemdVersion);
    return {command: `${command.argv.map(shellQuote).join(' ')} ${command.protect(app.commandLine ?? 'APP')}`};
}

export class CommandPreview extends Adw.PreferencesGroup {
    static {
        GObject.registerClass(this);
    }

    readonly label: Gtk.Label;
    readonly copyButton: Gtk.Button;
    /** Resolves once systemd's version was asked and the preview shown with it. */
    readonly versionRead: Promise<void>;
    /** One unit name for the lifetime of the editor, so the preview does not flicker. */
    readonly #suffix = randomSuffix(Math.random);
    #systemdVersion: number | null = null;
    #shown: {entry: ProfileEntry; app: PreviewApp} | null = null;
    readonly #cancellable = new Gio.Cancellable();

    constructor() {
        super({
            title: _('Command line'),
            description: _('What Confine runs when an app with this profile starts. The unit name ends in a new random part for every launch.'),
        });
        this.copyButton = new Gtk.Button({
            icon_name: 'edit-copy-symbolic',
            valign: Gtk.Align.CENTER,
            tooltip_text: _('Copy the command'),
        });
        this.copyButton.add_css_class('flat');
        this.set_header_suffix(this.copyButton);
        this.label = new Gtk.Label({
            xalign: 0,
            wrap: true,
            // Long --property= words must break too.
            wrap_mode: Pango.WrapMode.WORD_CHAR,
            selectable: true,
            margin_top: 12, margin_bottom: 12, margin_start: 12, margin_end: 12,
        });
        this.label.add_css_class('monospace');
        const frame = new Gtk.Frame({child: this.label});
        frame.add_css_class('view');
        this.add(frame);
        this.copyButton.connect('clicked', () => {
            this.get_clipboard().set(this.label.label);
            const root = this.get_root();
            if (root instanceof Adw.PreferencesWindow)
                root.add_toast(new Adw.Toast({title: _('Command copied')}));
        });
        this.connect('destroy', () => this.#cancellable.cancel());
        // The options that depend on systemd's version appear once it is known.
        this.versionRead = systemdVersion(this.#cancellable).then(version => {
            this.#systemdVersion = version;
            if (this.#shown)
                this.update(this.#shown.entry, this.#shown.app);
        }).catch(() => {});
    }

    update(entry: ProfileEntry, app: PreviewApp): void {
        this.#shown = {entry, app};
        const preview = previewCommand(entry, app, this.#suffix, this.#systemdVersion);
        if ('command' in preview) {
            this.label.label = preview.command;
            this.label.remove_css_class('error');
            this.copyButton.sensitive = true;
        } else {
            this.label.label = format(_('This profile is invalid, so apps that use it follow the failure policy:\n%s'), preview.problem);
            this.label.add_css_class('error');
            this.copyButton.sensitive = false;
        }
    }
}
