// A yes/no sandbox option. Off means unset: systemd's default for all of them is
// off, so "no" and "not set" act the same and one switch is enough.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';

import type {PropertySpec} from '../core/properties.js';
import {PropertyStatus, storedState, type PropertyContext, type PropertyEditor, type StoredState} from './propertyStatus.js';
import {propertyLabel} from './propertyText.js';

export class SwitchPropertyRow extends Adw.SwitchRow implements PropertyEditor {
    static {
        GObject.registerClass(this);
    }

    readonly spec: PropertySpec;
    #context: PropertyContext;
    #status: PropertyStatus;
    #stored: StoredState = {kind: 'unset'};
    #loading = false;

    constructor(spec: PropertySpec, context: PropertyContext) {
        super({title: propertyLabel(spec)});
        this.spec = spec;
        this.#context = context;
        this.#status = new PropertyStatus(this, spec, context, () => {
            this.#context.settings.setProperty(this.#context.profileId, this.spec.name, null);
        });
        this.add_suffix(this.#status.unsetButton);
        this.connect('notify::active', () => {
            if (this.#loading)
                return;
            const result = this.#context.settings.setProperty(this.#context.profileId, this.spec.name, this.active ? true : null);
            if (result.ok) {
                this.#stored = result.value === null ? {kind: 'unset'} : {kind: 'valid', value: result.value};
                this.#show();
            } else {
                this.#show(result.message);
            }
        });
    }

    load(raw: unknown): void {
        this.#stored = storedState(this.spec, raw);
        this.#loading = true;
        this.active = this.#stored.kind === 'valid' && this.#stored.value === 'yes';
        this.#loading = false;
        this.#show();
    }

    #show(inputError: string | null = null): void {
        // The switch itself shows the value; the button is only for repairing a bad one.
        this.#status.show(this.#stored, inputError, false);
    }
}
