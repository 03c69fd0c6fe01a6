import Adw from "gi://Adw";
import { ExtensionPreferences, gettext as _ } from "resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js";
class ConfinePreferences extends ExtensionPreferences {
  async fillPreferencesWindow(window) {
    window.set_title(_("Confine"));
    const page = new Adw.PreferencesPage({ title: _("General") });
    window.add(page);
  }
}
export {
  ConfinePreferences as default
};
