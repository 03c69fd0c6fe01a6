// A sandbox option with a few named values (ProtectHome, ProtectSystem), plus
// "Not set" first.

import Adw from 'gi://Adw';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import type {PropertySpec} from '../core/properties.js';
import {PropertyStatus, storedState, type PropertyContext, type PropertyEditor, type StoredState} from './propertyStatus.js';
import {propertyLabel} from './propertyText.js';

function choiceLabels(spec: PropertySpec): Record<string, string> {
    if (spec.name === 'ProtectHome') {
        return {
            'no': _('Not protected'),
            'yes': _('Hidden'),
            'read-only': _('Read-only'),
            'tmpfs': _('Replaced by an empty directory'),
        };
    }
    if (spec.name === 'ProtectSystem') {
        return {
            'no': _('Not protected'),
            'yes': _('/usr and /boot read-only'),
            'full': _('/usr, /boot and /etc read-only'),
            'strict': _('Everything read-only'),
        };
    }
    return {};
}

export class ChoicePropertyRow implements PropertyEditor {
    readonly spec: PropertySpec;
    readonly row: Adw.ComboRow;
    /** The stored value of each position in the list; null for "Not set". */
    readonly choices: ReadonlyArray<string | null>;
    #context: PropertyContext;
    #status: PropertyStatus;
    #stored: StoredState = {kind: 'unset'};
    #loading = false;

    constructor(spec: PropertySpec, context: PropertyContext) {
        const labels = choiceLabels(spec);
        const values = spec.values ?? [];
        this.row = new Adw.ComboRow({
            title: propertyLabel(spec),
            model: Gtk.StringList.new([_('Not set'), ...values.map(value => labels[value] ?? value)]),
        });
        this.spec = spec;
        this.choices = [null, ...values];
        this.#context = context;
        this.#status = new PropertyStatus(this.row, spec, context, () => {
            this.#context.settings.setProperty(this.#context.profileId, this.spec.name, null);
        });
        this.row.add_suffix(this.#status.unsetButton);
        this.row.connect('notify::selected', () => {
            if (this.#loading)
                return;
            const value = this.choices[this.row.selected] ?? null;
            const result = this.#context.settings.setProperty(this.#context.profileId, this.spec.name, value);
            if (result.ok) {
                this.#stored = result.value === null ? {kind: 'unset'} : {kind: 'valid', value: result.value};
                this.#status.show(this.#stored, null, false);
            } else {
                this.#status.show(this.#stored, result.message, false);
            }
        });
    }

    get unsetButton(): Gtk.Button {
        return this.#status.unsetButton;
    }

    load(raw: unknown): void {
        this.#stored = storedState(this.spec, raw);
        this.#loading = true;
        const index = this.#stored.kind === 'valid' ? this.choices.indexOf(this.#stored.value) : 0;
        this.row.selected = Math.max(0, index);
        this.#loading = false;
        this.#status.show(this.#stored, null, false);
    }
}
