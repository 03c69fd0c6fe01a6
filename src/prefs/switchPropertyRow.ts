// A yes/no sandbox option. Off means unset: systemd's default for all of them is
// off, so "no" and "not set" act the same and one switch is enough.

import Adw from 'gi://Adw';
import type Gtk from 'gi://Gtk';

import type {PropertySpec} from '../core/properties.js';
import {PropertyStatus, storedState, type PropertyContext, type PropertyEditor, type StoredState} from './propertyStatus.js';
import {propertyLabel} from './propertyText.js';

// Adw.SwitchRow is a final type: the editor owns one instead of extending it.
export class SwitchPropertyRow implements PropertyEditor {
    readonly spec: PropertySpec;
    readonly row: Adw.SwitchRow;
    #context: PropertyContext;
    #status: PropertyStatus;
    #stored: StoredState = {kind: 'unset'};
    #loading = false;

    constructor(spec: PropertySpec, context: PropertyContext) {
        this.row = new Adw.SwitchRow({title: propertyLabel(spec)});
        this.spec = spec;
        this.#context = context;
        this.#status = new PropertyStatus(this.row, spec, context, () => {
            this.#context.settings.setProperty(this.#context.profileId, this.spec.name, null);
        });
        this.row.add_suffix(this.#status.unsetButton);
        this.row.connect('notify::active', () => {
            if (this.#loading)
                return;
            const result = this.#context.settings.setProperty(this.#context.profileId, this.spec.name, this.row.active ? true : null);
            if (result.ok) {
                this.#stored = result.value === null ? {kind: 'unset'} : {kind: 'valid', value: result.value};
                this.#show();
            } else {
                this.#show(result.message);
            }
        });
    }

    get unsetButton(): Gtk.Button {
        return this.#status.unsetButton;
    }

    load(raw: unknown): void {
        this.#stored = storedState(this.spec, raw);
        this.#loading = true;
        this.row.active = this.#stored.kind === 'valid' && this.#stored.value === 'yes';
        this.#loading = false;
        this.#show();
    }

    #show(inputError: string | null = null): void {
        // The switch itself shows the value; the button is only for repairing a bad one.
        this.#status.show(this.#stored, inputError, false);
    }
}
