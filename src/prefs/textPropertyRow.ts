// A property typed as text: sizes (MemoryMax…), TasksMax and AllowedCPUs. Checked
// with the core on every keystroke and shown at once; saved when typing pauses or
// on Enter, and only if the core accepts it. An empty field unsets the property.

import Adw from 'gi://Adw';
import GLib from 'gi://GLib';
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

/**
 * How long typing must pause before a valid value is saved. Replacing "70%" by
 * "50%" passes through an empty field; saving at once would unset the property
 * on the way.
 */
const SAVE_DELAY_MS = 300;

export class TextPropertyRow implements PropertyEditor {
    readonly spec: PropertySpec;
    readonly row: Adw.ActionRow;
    readonly entry: Gtk.Entry;
    #context: PropertyContext;
    #status: PropertyStatus;
    #stored: StoredState = {kind: 'unset'};
    #loading = false;
    #pendingSave = 0;

    constructor(spec: PropertySpec, context: PropertyContext) {
        this.row = new Adw.ActionRow({title: propertyLabel(spec)});
        this.spec = spec;
        this.#context = context;
        this.entry = new Gtk.Entry({
            valign: Gtk.Align.CENTER,
            width_chars: 10,
            placeholder_text: PLACEHOLDERS[spec.kind] ?? _('Not set'),
        });
        this.entry.update_property([Gtk.AccessibleProperty.LABEL], [propertyLabel(spec)]);
        this.#status = new PropertyStatus(this.row, spec, context, () => {
            this.#cancelSave();
            this.#context.settings.setProperty(this.#context.profileId, this.spec.name, null);
        });
        this.row.add_suffix(this.entry);
        this.row.add_suffix(this.#status.unsetButton);
        this.entry.connect('changed', () => {
            if (!this.#loading)
                this.#typed();
        });
        this.entry.connect('activate', () => this.save());
        // A field left half-typed is not saved: the row keeps showing its error.
        const focus = new Gtk.EventControllerFocus();
        focus.connect('leave', () => {
            if (this.#pendingSave)
                this.save();
        });
        this.entry.add_controller(focus);
    }

    get unsetButton(): Gtk.Button {
        return this.#status.unsetButton;
    }

    load(raw: unknown): void {
        this.#stored = storedState(this.spec, raw);
        if (this.#pendingSave)
            return;
        const text = this.entry.text.trim();
        // Leave the field alone while it already says what is stored, so saving
        // "4g" as "4G" does not rewrite what the user typed.
        const typed = text === '' ? null : checkValue(this.spec.name, text, _);
        const showsStored =
            (this.#stored.kind === 'unset' && text === '') ||
            (this.#stored.kind === 'valid' && typed?.ok === true && typed.value === this.#stored.value);
        if (!showsStored) {
            this.#loading = true;
            this.entry.text = this.#stored.kind === 'unset' ? '' : this.#stored.kind === 'valid' ? this.#stored.value : String(this.#stored.raw);
            this.#loading = false;
        }
        this.#showStatus(this.#stored, null);
    }

    /** Saves what the field holds now, if it is valid. */
    save(): void {
        this.#cancelSave();
        const text = this.entry.text.trim();
        const result = this.#context.settings.setProperty(this.#context.profileId, this.spec.name, text === '' ? null : text);
        if (result.ok) {
            this.#stored = result.value === null ? {kind: 'unset'} : {kind: 'valid', value: result.value};
            this.#showStatus(this.#stored, null);
        } else {
            this.#showStatus(this.#stored, result.message);
        }
    }

    #typed(): void {
        this.#cancelSave();
        const text = this.entry.text.trim();
        if (text === '') {
            this.#showStatus({kind: 'unset'}, null);
        } else {
            const check = checkValue(this.spec.name, text, _);
            if (!check.ok) {
                this.#showStatus(this.#stored, check.message);
                return;
            }
            this.#showStatus({kind: 'valid', value: check.value}, null);
        }
        this.#pendingSave = GLib.timeout_add(GLib.PRIORITY_DEFAULT, SAVE_DELAY_MS, () => {
            this.#pendingSave = 0;
            this.save();
            return GLib.SOURCE_REMOVE;
        });
    }

    #cancelSave(): void {
        if (this.#pendingSave) {
            GLib.source_remove(this.#pendingSave);
            this.#pendingSave = 0;
        }
    }

    #showStatus(shown: StoredState, inputError: string | null): void {
        this.#status.show(shown, inputError);
        if (inputError !== null)
            this.entry.add_css_class('error');
        else
            this.entry.remove_css_class('error');
        this.entry.tooltip_text = inputError ?? '';
    }
}
