// Desktop ids ("firefox-esr.desktop"): the one place that knows their ".desktop" suffix.

import {CONTROL_CHARACTER} from './text.js';

const SUFFIX = '.desktop';
const MAX_LENGTH = 255;

/** The id as the shell reports it: "firefox-esr" means firefox-esr.desktop. */
export function canonicalDesktopId(desktopId: string): string {
    return desktopId.endsWith(SUFFIX) ? desktopId : `${desktopId}${SUFFIX}`;
}

/** The app id: the desktop id without ".desktop", as stock GNOME names units after it. */
export function appIdOfDesktopId(desktopId: string): string {
    return desktopId.endsWith(SUFFIX) ? desktopId.slice(0, -SUFFIX.length) : desktopId;
}

/** The desktop id of an app id (the inverse of appIdOfDesktopId). */
export function desktopIdOfAppId(appId: string): string {
    return `${appId}${SUFFIX}`;
}

/** Whether `id` can name a desktop file at all: not empty, not too long, no "/" and no control characters. */
export function isDesktopId(id: string): boolean {
    return id !== '' && id.length <= MAX_LENGTH && !id.includes('/') && !CONTROL_CHARACTER.test(id);
}
