// One profile in the list: its name, what it sets, who uses it, and the buttons
// to open, duplicate and delete it.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _, ngettext} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {fitsInScope} from '../core/validation.js';
import type {ProfileEntry} from './panelSettings.js';
import {escapeMarkup, format} from './text.js';

export class ProfileRow extends Adw.ActionRow {
    static {
        GObject.registerClass(this);
    }

    readonly profileId: string;
    readonly duplicateButton: Gtk.Button;
    readonly deleteButton: Gtk.Button;

    constructor(entry: ProfileEntry, users: number, isDefault: boolean, writable: boolean) {
        super({title: escapeMarkup(entry.name), activatable: true});
        this.profileId = entry.id;
        const lines: string[] = [];
        if (entry.check.ok) {
            const properties = [...entry.check.profile.properties].map(([key, value]) => `${key}=${value}`);
            lines.push(properties.length === 0 ? _('No limits (systemd’s defaults)') : properties.join(' · '));
            lines.push(fitsInScope(entry.check.profile) ? _('Runs apps in a scope') : _('Runs apps as a transient service'));
        } else {
            lines.push(format(_('Invalid: %s'), entry.check.errors.map(error => error.message).join(' ')));
            this.add_css_class('error');
        }
        if (isDefault)
            lines.push(_('Default profile'));
        if (users > 0)
            lines.push(format(ngettext('Used by %s app', 'Used by %s apps', users), users));
        this.subtitle = escapeMarkup(lines.join('\n'));

        this.duplicateButton = new Gtk.Button({
            icon_name: 'edit-copy-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Duplicate'), sensitive: writable,
        });
        this.deleteButton = new Gtk.Button({
            icon_name: 'user-trash-symbolic', valign: Gtk.Align.CENTER, tooltip_text: _('Delete'), sensitive: writable,
        });
        for (const button of [this.duplicateButton, this.deleteButton]) {
            button.add_css_class('flat');
            this.add_suffix(button);
        }
        this.add_suffix(new Gtk.Image({icon_name: 'go-next-symbolic'}));
    }
}
