// One app with its profile chooser. Installed apps show their icon and name;
// an assignment whose app is gone shows as "not installed" with a remove button.
// A running app whose unit lacks sandbox options its profile now asks for (or has
// some it dropped) says "restart to apply": those never change on a running unit.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {ASSIGNMENTS_KEY} from '../settings/schema.js';
import type {PanelSettings} from './panelSettings.js';
import type {InstalledApp} from './installedApps.js';
import type {ProfileChoices} from './profileChoices.js';
import {MANAGED_BY_ADMINISTRATOR} from './propertyText.js';
import {escapeMarkup, format} from './text.js';

export class AppRow extends Adw.ComboRow {
    static {
        GObject.registerClass(this);
    }

    readonly desktopId: string;
    readonly installed: boolean;
    /** Lower-case name and id, for the search. */
    readonly searchText: string;
    readonly removeButton: Gtk.Button | null = null;
    #settings: PanelSettings;
    #choices: ProfileChoices;
    #syncing = false;
    #baseSubtitle: string;
    #assignmentLines: string[] = [];
    #restartPending: readonly string[] = [];

    constructor(settings: PanelSettings, choices: ProfileChoices, app: InstalledApp | null, desktopId: string) {
        super({
            title: escapeMarkup(app?.name ?? desktopId),
            model: choices.model,
        });
        this.desktopId = desktopId;
        this.installed = app !== null;
        this.searchText = `${app?.name ?? ''}\n${desktopId}`.toLowerCase();
        this.#settings = settings;
        this.#choices = choices;
        this.#baseSubtitle = app ? desktopId : format(_('%s — not installed'), desktopId);
        const icon = new Gtk.Image({pixel_size: 32});
        if (app?.icon)
            icon.gicon = app.icon;
        else
            icon.icon_name = 'application-x-executable';
        this.add_prefix(icon);
        if (!app) {
            this.removeButton = new Gtk.Button({
                icon_name: 'user-trash-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Remove this assignment'),
            });
            this.removeButton.add_css_class('flat');
            this.removeButton.connect('clicked', () => settings.assign(desktopId, null));
            this.add_suffix(this.removeButton);
        }
        this.connect('notify::selected', () => {
            if (this.#syncing || this.#choices.updating)
                return;
            const value = this.#choices.values[this.selected];
            if (value !== undefined)
                this.#settings.assign(this.desktopId, value);
        });
    }

    /** Shows the app's assignment; called after the choices or the assignments change. */
    sync(assignments: Readonly<Record<string, string>>): void {
        const assignment = Object.hasOwn(assignments, this.desktopId) ? assignments[this.desktopId] : undefined;
        const index = this.#choices.indexOf(assignment);
        const writable = this.#settings.isWritable(ASSIGNMENTS_KEY);
        const lines: string[] = [];
        if (index < 0)
            lines.push(format(_('Assigned to “%s”, which is not a profile: it launches by the failure policy.'), assignment ?? ''));
        if (!writable)
            lines.push(MANAGED_BY_ADMINISTRATOR());
        this.#assignmentLines = lines;
        this.#syncing = true;
        this.selected = Math.max(0, index);
        this.#syncing = false;
        this.#showSubtitle();
        if (index < 0)
            this.add_css_class('error');
        else
            this.remove_css_class('error');
        this.sensitive = writable;
        if (this.removeButton)
            this.removeButton.sensitive = writable;
    }

    /** The sandbox options the app's running units need a restart for; none when it does not run. */
    showRestartPending(options: readonly string[]): void {
        if (options.join() === this.#restartPending.join())
            return;
        this.#restartPending = options;
        this.#showSubtitle();
    }

    #showSubtitle(): void {
        const lines = [this.#baseSubtitle, ...this.#assignmentLines];
        if (this.#restartPending.length > 0)
            lines.push(format(_('Running: restart to apply %s'), this.#restartPending.join(', ')));
        this.subtitle = escapeMarkup(lines.join('\n'));
    }
}
