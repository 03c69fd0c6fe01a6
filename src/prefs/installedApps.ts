// The apps installed for this user, as the app grid knows them.

import Gio from 'gi://Gio';

export interface InstalledApp {
    readonly desktopId: string;
    readonly name: string;
    readonly icon: Gio.Icon | null;
    readonly commandLine: string | null;
    /** What its desktop entry says of how it starts: Terminal=, StartupNotify=, Path=. */
    readonly terminal: boolean;
    readonly startupNotify: boolean;
    readonly path: string | null;
}

/** The desktop-entry keys of a Gio.AppInfo from a desktop file (GioUnix.DesktopAppInfo). */
interface DesktopEntryKeys {
    get_boolean(key: string): boolean;
    get_string(key: string): string | null;
}

function describe(info: Gio.AppInfo, desktopId: string): InstalledApp {
    const entry = info as unknown as Partial<DesktopEntryKeys>;
    return {
        desktopId,
        name: info.get_display_name() || desktopId,
        icon: info.get_icon(),
        commandLine: info.get_commandline(),
        terminal: entry.get_boolean?.('Terminal') ?? false,
        startupNotify: entry.get_boolean?.('StartupNotify') ?? false,
        path: entry.get_string?.('Path') ?? null,
    };
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
