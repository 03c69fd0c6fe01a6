// The status line every property row shows under its title: the value's meaning
// here, or the error that keeps it from being saved, plus whether it acts at all
// and whether the administrator manages it. One place, so all rows read alike.

import Adw from 'gi://Adw';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {checkValue} from '../core/validation.js';
import type {PropertySpec} from '../core/properties.js';
import {PROFILES_KEY} from '../settings/schema.js';
import type {PanelSettings} from './panelSettings.js';
import type {MachineInfo} from './machineInfo.js';
import {MANAGED_BY_ADMINISTRATOR, ineffectiveNote, propertyHelp, valueMeaning} from './propertyText.js';
import {escapeMarkup, format} from './text.js';

/** What a property row edits and where it writes. */
export interface PropertyContext {
    readonly settings: PanelSettings;
    readonly profileId: string;
    readonly machine: MachineInfo;
    /** Warnings about a valid value that it is not an error to save (a running app above a new limit). */
    readonly warnings?: (property: string, value: string) => readonly string[];
}

/** The row that edits one property of one profile, and what it knows. */
export interface PropertyEditor {
    readonly spec: PropertySpec;
    readonly row: Adw.ActionRow;
    /** Unsets the property; shown while a value (or an invalid one) is stored. */
    readonly unsetButton: Gtk.Button;
    /** Shows the stored value (undefined when unset), which may be invalid. */
    load(raw: unknown): void;
}

export type StoredState =
    | {readonly kind: 'unset'}
    | {readonly kind: 'valid'; readonly value: string}
    | {readonly kind: 'invalid'; readonly raw: unknown; readonly message: string};

export function storedState(spec: PropertySpec, raw: unknown): StoredState {
    if (raw === undefined)
        return {kind: 'unset'};
    const check = checkValue(spec.name, raw, _);
    return check.ok ? {kind: 'valid', value: check.value} : {kind: 'invalid', raw, message: check.message};
}

/**
 * Owns the status line and the "unset" button of a row. The row calls `show` with
 * what is stored and, while the user types something invalid, the input error.
 */
export class PropertyStatus {
    readonly #row: Adw.ActionRow;
    readonly #spec: PropertySpec;
    readonly #context: PropertyContext;
    readonly unsetButton: Gtk.Button;

    constructor(row: Adw.ActionRow, spec: PropertySpec, context: PropertyContext, onUnset: () => void) {
        this.#row = row;
        this.#spec = spec;
        this.#context = context;
        this.unsetButton = new Gtk.Button({
            icon_name: 'edit-clear-symbolic',
            valign: Gtk.Align.CENTER,
            tooltip_text: _('Unset (use systemd’s default)'),
            visible: false,
        });
        this.unsetButton.add_css_class('flat');
        this.unsetButton.connect('clicked', onUnset);
    }

    get writable(): boolean {
        return this.#context.settings.isWritable(PROFILES_KEY);
    }

    show(stored: StoredState, inputError: string | null = null, unsetVisible = stored.kind !== 'unset'): void {
        const lines: string[] = [];
        let error: string | null = inputError;
        if (error === null && stored.kind === 'invalid')
            error = format(_('The saved value is invalid: %s'), stored.message);
        if (error !== null)
            lines.push(error);
        else if (stored.kind === 'valid')
            lines.push(valueMeaning(this.#spec, stored.value, this.#context.machine),
                ...this.#context.warnings?.(this.#spec.name, stored.value) ?? []);
        else
            lines.push(propertyHelp(this.#spec));
        const note = ineffectiveNote(this.#spec, this.#context.machine);
        if (note !== null)
            lines.push(note);
        const writable = this.writable;
        if (!writable)
            lines.push(MANAGED_BY_ADMINISTRATOR());

        this.#row.subtitle = escapeMarkup(lines.join('\n'));
        this.#row.tooltip_text = error ?? '';
        if (error !== null)
            this.#row.add_css_class('error');
        else
            this.#row.remove_css_class('error');
        this.#row.sensitive = writable;
        this.unsetButton.visible = writable && (unsetVisible || stored.kind === 'invalid');
    }
}
