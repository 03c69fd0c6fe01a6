// A property set with a spin button: CPUQuota (percent of one CPU, up to all of
// this machine's CPUs) and the weights. 0 stands for "not set", so every property
// can go back to systemd's default from the same control.

import Adw from 'gi://Adw';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import type {PropertySpec} from '../core/properties.js';
import {PropertyStatus, storedState, type PropertyContext, type PropertyEditor, type StoredState} from './propertyStatus.js';
import {propertyLabel} from './propertyText.js';

const NOT_SET = 0;

function range(spec: PropertySpec, cpus: number): {upper: number; step: number} {
    if (spec.kind === 'cpu-quota')
        return {upper: Math.max(1, cpus) * 100, step: 10};
    return {upper: 10000, step: 10};
}

// Adw.SpinRow is a final type: the editor owns one instead of extending it.
export class NumberPropertyRow implements PropertyEditor {
    readonly spec: PropertySpec;
    readonly row: Adw.SpinRow;
    #context: PropertyContext;
    #status: PropertyStatus;
    #stored: StoredState = {kind: 'unset'};
    #loading = false;

    constructor(spec: PropertySpec, context: PropertyContext) {
        const {upper, step} = range(spec, context.machine.cpus);
        this.row = new Adw.SpinRow({
            title: propertyLabel(spec),
            adjustment: new Gtk.Adjustment({lower: NOT_SET, upper, step_increment: step, page_increment: step * 10}),
            numeric: false,
        });
        this.spec = spec;
        this.#context = context;
        this.#status = new PropertyStatus(this.row, spec, context, () => {
            this.#context.settings.setProperty(this.#context.profileId, this.spec.name, null);
        });
        this.row.add_suffix(this.#status.unsetButton);
        this.row.connect('output', () => {
            if (this.row.value !== NOT_SET)
                return false;
            this.row.text = _('Not set');
            return true;
        });
        this.row.connect('notify::value', () => {
            if (!this.#loading)
                this.#write();
        });
    }

    /** The stored value as the spin button's number, or null when it has none. */
    #asNumber(stored: StoredState): number | null {
        if (stored.kind !== 'valid')
            return null;
        return Number(this.spec.kind === 'cpu-quota' ? stored.value.slice(0, -1) : stored.value);
    }

    get unsetButton(): Gtk.Button {
        return this.#status.unsetButton;
    }

    load(raw: unknown): void {
        this.#stored = storedState(this.spec, raw);
        const number = this.#asNumber(this.#stored);
        this.#loading = true;
        // A quota above what this machine has still shows as the most it has; the
        // status line shows the exact stored value.
        this.row.value = number ?? NOT_SET;
        this.#loading = false;
        this.#status.show(this.#stored);
    }

    #write(): void {
        const number = Math.round(this.row.value);
        const value = number === NOT_SET ? null : this.spec.kind === 'cpu-quota' ? `${number}%` : `${number}`;
        const result = this.#context.settings.setProperty(this.#context.profileId, this.spec.name, value);
        if (result.ok) {
            this.#stored = result.value === null ? {kind: 'unset'} : {kind: 'valid', value: result.value};
            this.#status.show(this.#stored);
        } else {
            this.#status.show(this.#stored, result.message);
        }
    }
}
