// A property typed as text: sizes (MemoryMax…), TasksMax and AllowedCPUs. Checked
// with the core on every keystroke; only values the core accepts are saved, and an
// empty field unsets the property.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {checkValue} from '../core/validation.js';
import type {PropertySpec} from '../core/properties.js';
import {PropertyStatus, storedState, type PropertyContext, type PropertyEditor, type StoredState} from './propertyStatus.js';
import {propertyLabel} from './propertyText.js';

const PLACEHOLDERS: Partial<Record<PropertySpec['kind'], string>> = {
    'size': '4G, 70%',
    'tasks': '512',
    'cpu-set': '0-3,6',
};

export class TextPropertyRow extends Adw.ActionRow implements PropertyEditor {
    static {
        GObject.registerClass(this);
    }

    readonly spec: PropertySpec;
    readonly entry: Gtk.Entry;
    #context: PropertyContext;
    #status: PropertyStatus;
    #stored: StoredState = {kind: 'unset'};
    #loading = false;

    constructor(spec: PropertySpec, context: PropertyContext) {
        super({title: propertyLabel(spec)});
        this.spec = spec;
        this.#context = context;
        this.entry = new Gtk.Entry({
            valign: Gtk.Align.CENTER,
            width_chars: 10,
            placeholder_text: PLACEHOLDERS[spec.kind] ?? _('Not set'),
        });
        this.entry.update_property([Gtk.AccessibleProperty.LABEL], [propertyLabel(spec)]);
        this.#status = new PropertyStatus(this, spec, context, () => this.#write(''));
        this.add_suffix(this.entry);
        this.add_suffix(this.#status.unsetButton);
        this.entry.connect('changed', () => {
            if (!this.#loading)
                this.#write(this.entry.text);
        });
    }

    load(raw: unknown): void {
        this.#stored = storedState(this.spec, raw);
        const text = this.entry.text.trim();
        // Leave the field alone while it already says what is stored, so saving
        // "4g" as "4G" does not move the cursor under the user's fingers.
        const typed = text === '' ? null : checkValue(this.spec.name, text);
        const showsStored =
            (this.#stored.kind === 'unset' && text === '') ||
            (this.#stored.kind === 'valid' && typed?.ok === true && typed.value === this.#stored.value);
        if (!showsStored) {
            this.#loading = true;
            this.entry.text = this.#stored.kind === 'unset' ? '' : this.#stored.kind === 'valid' ? this.#stored.value : String(this.#stored.raw);
            this.#loading = false;
        }
        this.#showStatus(null);
    }

    #write(text: string): void {
        const value = text.trim();
        const result = this.#context.settings.setProperty(this.#context.profileId, this.spec.name, value === '' ? null : value);
        if (result.ok) {
            this.#stored = result.value === null ? {kind: 'unset'} : {kind: 'valid', value: result.value};
            if (value === '' && this.entry.text !== '') {
                this.#loading = true;
                this.entry.text = '';
                this.#loading = false;
            }
            this.#showStatus(null);
        } else {
            this.#showStatus(result.message);
        }
    }

    #showStatus(inputError: string | null): void {
        this.#status.show(this.#stored, inputError);
        if (inputError !== null)
            this.entry.add_css_class('error');
        else
            this.entry.remove_css_class('error');
        this.entry.tooltip_text = inputError ?? '';
    }
}
