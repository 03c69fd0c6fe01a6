// Which app a unit of the user manager belongs to, read back from its name
// (https://systemd.io/DESKTOP_ENVIRONMENTS/):
//   app[-<launcher>]-<app id>-<random>.scope
//   app[-<launcher>]-<app id>[@<random>].service
// Inside a segment every "-" is escaped as \x2d, so the segments split on "-".

import {desktopIdOfAppId} from './desktopId.js';
import {LAUNCHER} from './unitName.js';

export interface AppUnit {
    /** The desktop id of the app, such as "org.gnome.TextEditor.desktop". */
    readonly desktopId: string;
    /** Who started it: "confine", "gnome", "flatpak", … or null when the name has no launcher segment. */
    readonly launcher: string | null;
    /** Started by Confine, so it runs under a profile. */
    readonly confined: boolean;
    readonly type: 'scope' | 'service';
}

/** One segment: anything but the separators, escapes included. */
const SEGMENT = '[^-@/.][^-@/]*';
const SCOPE = new RegExp(`^app-(?:(${SEGMENT})-)?(${SEGMENT})-([A-Za-z0-9]+)\\.scope$`);
const SERVICE = new RegExp(`^app-(?:(${SEGMENT})-)?(${SEGMENT})(?:@([^@/]*))?\\.service$`);

/** Undoes systemd's and gnome-desktop's \xNN escaping; null when the bytes are not UTF-8. */
export function unescapeUnitSegment(segment: string): string | null {
    // Most names have no escapes; this runs for every unit event and every menu refresh.
    if (!segment.includes('\\'))
        return segment;
    const encoder = new TextEncoder();
    const bytes: number[] = [];
    for (let i = 0; i < segment.length; i++) {
        const escape = /^\\x([0-9a-fA-F]{2})/.exec(segment.slice(i, i + 4));
        if (escape) {
            bytes.push(parseInt(escape[1]!, 16));
            i += 3;
        } else {
            bytes.push(...encoder.encode(segment[i]));
        }
    }
    try {
        return new TextDecoder('utf-8', {fatal: true}).decode(Uint8Array.from(bytes));
    } catch {
        return null;
    }
}

/** The app a unit name belongs to, or null for every unit that is not an app (slices, daemons, the shell). */
export function appUnitOf(unitName: string): AppUnit | null {
    const type = unitName.endsWith('.scope') ? 'scope' : 'service';
    const match = (type === 'scope' ? SCOPE : SERVICE).exec(unitName);
    if (!match)
        return null;
    const [, launcherSegment, idSegment] = match;
    const appId = unescapeUnitSegment(idSegment!);
    const launcher = launcherSegment === undefined ? null : unescapeUnitSegment(launcherSegment);
    if (!appId || appId === '_' || (launcherSegment !== undefined && !launcher))
        return null;
    return {desktopId: desktopIdOfAppId(appId), launcher, confined: launcher === LAUNCHER, type};
}

/** Who a unit's app is, and how far its name can be trusted on that. */
export interface UnitApp {
    readonly desktopId: string;
    /** Started by Confine, so it runs under a profile. */
    readonly confined: boolean;
    /**
     * The id is a D-Bus name the unit was activated for. Such a name is an app's
     * id only when a desktop file of that id exists (a portal or a daemon has none).
     */
    readonly busName: boolean;
}

/**
 * dbus-broker's units for activated names: dbus-<its unique name>-<bus name>@<n>.service,
 * escaped or not, and in newer releases named as an app: app-dbus\x2d<unique>\x2d<name>@<n>.service.
 */
const ACTIVATION_SERVICE = /^dbus-(:[0-9]+\.[0-9]+)-([A-Za-z0-9_.\\-]+)@[0-9]+\.service$/;
const ACTIVATION_ID = /^dbus-:[0-9]+\.[0-9]+-([A-Za-z0-9_.-]+)$/;
const BUS_NAME = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+$/;

function activatedApp(busName: string | null): UnitApp | null {
    if (busName === null || !BUS_NAME.test(busName))
        return null;
    return {desktopId: `${busName}.desktop`, confined: false, busName: true};
}

/**
 * The app a unit of any launcher runs: app-* scopes and services (GNOME, Flatpak,
 * KDE, Confine, …) and the services of D-Bus activation. Null for everything else.
 */
export function appOfUnit(unitName: string): UnitApp | null {
    const activation = ACTIVATION_SERVICE.exec(unitName);
    if (activation)
        return activatedApp(unescapeUnitSegment(activation[2]!));
    const app = appUnitOf(unitName);
    if (!app)
        return null;
    const appId = app.desktopId.slice(0, -'.desktop'.length);
    const activated = app.launcher === null ? ACTIVATION_ID.exec(appId) : null;
    if (activated)
        return activatedApp(activated[1]!);
    return {desktopId: app.desktopId, confined: app.confined, busName: false};
}

/** The unit's object path in the manager, as systemd's bus_label_escape() spells it. */
export function unitObjectPath(unitName: string): string {
    let label = '';
    for (const byte of new TextEncoder().encode(unitName)) {
        const char = String.fromCharCode(byte);
        const keep = /[A-Za-z]/.test(char) || (label !== '' && /[0-9]/.test(char));
        label += keep ? char : `_${byte.toString(16).padStart(2, '0')}`;
    }
    return `/org/freedesktop/systemd1/unit/${label === '' ? '_' : label}`;
}
