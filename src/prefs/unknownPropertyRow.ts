// A key in a stored profile that is not a property Confine supports (written with
// gsettings or dconf). The profile is invalid while it is there; the row says so
// and removes it on request.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {checkValue, describeValue} from '../core/validation.js';
import {PROFILES_KEY} from '../settings/schema.js';
import type {PropertyContext} from './propertyStatus.js';
import {MANAGED_BY_ADMINISTRATOR} from './propertyText.js';
import {escapeMarkup, format} from './text.js';

export class UnknownPropertyRow extends Adw.ActionRow {
    static {
        GObject.registerClass(this);
    }

    readonly property: string;
    readonly removeButton: Gtk.Button;

    constructor(context: PropertyContext, property: string, raw: unknown) {
        const check = checkValue(property, raw, _);
        const writable = context.settings.isWritable(PROFILES_KEY);
        const lines = [check.ok ? '' : check.message, format(_('Saved value: %s'), describeValue(raw, _))];
        if (!writable)
            lines.push(MANAGED_BY_ADMINISTRATOR());
        super({title: escapeMarkup(property), subtitle: escapeMarkup(lines.filter(line => line !== '').join('\n'))});
        this.property = property;
        this.add_css_class('error');
        this.removeButton = new Gtk.Button({label: _('Remove'), valign: Gtk.Align.CENTER, sensitive: writable});
        this.removeButton.connect('clicked', () => context.settings.setProperty(context.profileId, property, null));
        this.add_suffix(this.removeButton);
    }
}
