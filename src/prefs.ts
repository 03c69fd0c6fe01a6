import Adw from 'gi://Adw';
import {ExtensionPreferences, gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

export default class ConfinePreferences extends ExtensionPreferences {
    override async fillPreferencesWindow(window: Adw.PreferencesWindow): Promise<void> {
        window.set_title(_('Confine'));
        const page = new Adw.PreferencesPage({title: _('General')});
        window.add(page);
    }
}
