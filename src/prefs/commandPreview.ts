// The exact systemd-run command a profile produces, built by the core's launch
// plan (never re-assembled here), with a button that copies it.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import Pango from 'gi://Pango';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {shellQuote} from '../core/execLine.js';
import {DESKTOP_ENVIRONMENT, buildLaunchPlan, desktopLaunchProblem} from '../core/launchPlan.js';
import {randomSuffix} from '../core/unitName.js';
import type {ProfileEntry} from './panelSettings.js';
import {format} from './text.js';

/** The app the preview shows: one that uses the profile, or an example. */
export interface PreviewApp {
    readonly desktopId: string;
    readonly name: string;
    /** The app's command line as its desktop file gives it, or null for a placeholder. */
    readonly commandLine: string | null;
}

/** The command as a shell would take it, or null with the reason when there is none. */
export function previewCommand(entry: ProfileEntry, app: PreviewApp, suffix: string): {command: string} | {problem: string} {
    if (!entry.check.ok)
        return {problem: entry.check.errors.map(error => error.message).join('\n')};
    const problem = desktopLaunchProblem(entry.check.profile);
    if (problem !== null)
        return {problem};
    const plan = buildLaunchPlan({
        desktopId: app.desktopId,
        appName: app.name,
        profile: entry.check.profile,
        suffix,
        passEnvironment: DESKTOP_ENVIRONMENT,
    });
    const command = app.commandLine ?? 'APP';
    return {command: `${plan.argv.map(shellQuote).join(' ')} ${command}`};
}

export class CommandPreview extends Adw.PreferencesGroup {
    static {
        GObject.registerClass(this);
    }

    readonly label: Gtk.Label;
    readonly copyButton: Gtk.Button;
    /** One unit name for the lifetime of the editor, so the preview does not flicker. */
    readonly #suffix = randomSuffix(Math.random);

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
    }

    update(entry: ProfileEntry, app: PreviewApp): void {
        const preview = previewCommand(entry, app, this.#suffix);
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
