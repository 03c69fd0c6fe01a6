// The choices of the per-app profile chooser, shared by every app row: "Default
// (<name>)", "No confinement", then each profile. One model for all rows keeps
// hundreds of rows cheap.

import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {NO_CONFINEMENT} from '../core/profileSettings.js';
import type {PanelSettings} from './panelSettings.js';
import {format} from './text.js';

/** What a position in the chooser means for `app-profiles`: null removes the assignment. */
export type Choice = string | null;

export class ProfileChoices {
    readonly model = new Gtk.StringList();
    /** The assignment value of each position. */
    values: Choice[] = [];
    /** True while the list is rebuilt: rows must not take their selection moving for a choice. */
    updating = false;

    /** Rebuilds the list from the settings; returns false when nothing changed. */
    update(settings: PanelSettings): boolean {
        const profiles = settings.profiles();
        const defaultId = settings.read().defaultProfile;
        const defaultEntry = profiles.find(entry => entry.id === defaultId);
        const defaultLabel = defaultId === NO_CONFINEMENT
            ? _('Default (no confinement)')
            : format(_('Default (%s)'), defaultEntry?.name ?? defaultId);
        const labels = [defaultLabel, _('No confinement'), ...profiles.map(entry => entry.name)];
        const values: Choice[] = [null, NO_CONFINEMENT, ...profiles.map(entry => entry.id)];
        const current = Array.from({length: this.model.get_n_items()}, (_item, i) => this.model.get_string(i));
        if (JSON.stringify(current) === JSON.stringify(labels) && JSON.stringify(this.values) === JSON.stringify(values))
            return false;
        this.values = values;
        this.updating = true;
        try {
            this.model.splice(0, this.model.get_n_items(), labels);
        } finally {
            this.updating = false;
        }
        return true;
    }

    /** The position of an assignment (undefined = none); -1 when it names no existing profile. */
    indexOf(assignment: string | undefined): number {
        return this.values.indexOf(assignment === undefined ? null : assignment);
    }
}
