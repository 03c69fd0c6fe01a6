// Puts the three pages into the preferences window and ties their lifetime to it.

import type Adw from 'gi://Adw';
import type Gio from 'gi://Gio';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {PREFS_OPEN_PROFILE_KEY} from '../settings/schema.js';
import {ApplicationsPage} from './applicationsPage.js';
import {PanelSettings} from './panelSettings.js';
import {GeneralPage} from './generalPage.js';
import {readMachineInfo, type MachineInfo} from './machineInfo.js';
import {ProfilesPage} from './profilesPage.js';
import {readRunningUnits, type ReadRunningUnits} from './runningUnits.js';

export interface Panel {
    readonly settings: PanelSettings;
    readonly applications: ApplicationsPage;
    readonly profiles: ProfilesPage;
    readonly general: GeneralPage;
}

export function fillPanel(window: Adw.PreferencesWindow, gsettings: Gio.Settings, machine: MachineInfo = readMachineInfo(),
    readUnits: ReadRunningUnits = readRunningUnits): Panel {
    const settings = new PanelSettings(gsettings);
    window.set_title(_('Confine'));
    window.set_default_size(720, 760);
    window.search_enabled = false;
    const applications = new ApplicationsPage(settings, readUnits);
    const profiles = new ProfilesPage(settings, machine, readUnits);
    const general = new GeneralPage(settings);
    window.add(applications);
    window.add(profiles);
    window.add(general);
    // A limit notification's button asks for the profile whose limit acted: shown now if
    // the window is opening, or when the key changes while it is open.
    const showAskedProfile = () => {
        const asked = gsettings.get_string(PREFS_OPEN_PROFILE_KEY);
        if (asked === '')
            return;
        gsettings.set_string(PREFS_OPEN_PROFILE_KEY, '');
        const found = settings.profiles().find(entry => entry.id === asked) ??
            settings.profiles().find(entry => entry.name === asked);
        if (!found)
            return;
        window.set_visible_page(profiles);
        window.pop_subpage();
        profiles.openEditor(found.id).catch(logError);
    };
    const openProfileId = gsettings.connect(`changed::${PREFS_OPEN_PROFILE_KEY}`, showAskedProfile);
    // The window shows its first page when it is mapped: ask once it is.
    const mapId = window.connect('map', () => {
        window.disconnect(mapId);
        showAskedProfile();
    });
    window.connect('close-request', () => {
        gsettings.disconnect(openProfileId);
        applications.stopLoading();
        settings.destroy();
        return false;
    });
    return {settings, applications, profiles, general};
}
