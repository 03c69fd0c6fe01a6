// Puts the three pages into the preferences window and ties their lifetime to it.

import type Adw from 'gi://Adw';
import type Gio from 'gi://Gio';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {ApplicationsPage} from './applicationsPage.js';
import {PanelSettings} from './panelSettings.js';
import {GeneralPage} from './generalPage.js';
import {readMachineInfo, type MachineInfo} from './machineInfo.js';
import {ProfilesPage} from './profilesPage.js';

export interface Panel {
    readonly settings: PanelSettings;
    readonly applications: ApplicationsPage;
    readonly profiles: ProfilesPage;
    readonly general: GeneralPage;
}

export function fillPanel(window: Adw.PreferencesWindow, gsettings: Gio.Settings, machine: MachineInfo = readMachineInfo()): Panel {
    const settings = new PanelSettings(gsettings);
    window.set_title(_('Confine'));
    window.set_default_size(720, 760);
    window.search_enabled = false;
    const applications = new ApplicationsPage(settings);
    const profiles = new ProfilesPage(settings, machine);
    const general = new GeneralPage(settings);
    window.add(applications);
    window.add(profiles);
    window.add(general);
    window.connect('close-request', () => {
        applications.stopLoading();
        settings.destroy();
        return false;
    });
    return {settings, applications, profiles, general};
}
