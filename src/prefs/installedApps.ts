// The apps installed for this user, as the app grid knows them.

import Gio from 'gi://Gio';

export interface InstalledApp {
    readonly desktopId: string;
    readonly name: string;
    readonly icon: Gio.Icon | null;
    readonly commandLine: string | null;
}

function describe(info: Gio.AppInfo, desktopId: string): InstalledApp {
    return {desktopId, name: info.get_display_name() || desktopId, icon: info.get_icon(), commandLine: info.get_commandline()};
}

let everyApp: Map<string, InstalledApp> | null = null;
let shownApps: InstalledApp[] = [];

/** Every app with a desktop file, hidden ones included, by desktop id; read once per process. */
function allApps(): Map<string, InstalledApp> {
    if (everyApp === null) {
        everyApp = new Map();
        for (const info of Gio.AppInfo.get_all()) {
            const id = info.get_id();
            if (!id)
                continue;
            const app = describe(info, id);
            everyApp.set(id, app);
            if (info.should_show())
                shownApps.push(app);
        }
        shownApps = shownApps.sort((a, b) => a.name.localeCompare(b.name) || a.desktopId.localeCompare(b.desktopId));
    }
    return everyApp;
}

/** The apps the app grid shows, sorted by name. */
export function listInstalledApps(): InstalledApp[] {
    allApps();
    return [...shownApps];
}

/** An app by desktop id, or null when it is not installed. */
export function findInstalledApp(desktopId: string): InstalledApp | null {
    return allApps().get(desktopId) ?? null;
}
