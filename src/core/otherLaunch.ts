// Apps that started without Confine: who started them (read from the unit that holds
// them), whether their process may be moved into a unit of its own, and what the user
// is told once per app and session.

import {appOfUnit} from './appUnit.js';
import {appIdOfDesktopId} from './desktopId.js';
import {fill, untranslated, type Translate} from './translate.js';

/**
 * Who started an app, as far as the name of the unit that holds it tells: a launcher,
 * or the app that opened it (by its name as the user knows it).
 */
export type Origin = 'gnome' | 'flatpak' | 'dbus' | 'terminal' | 'other' | {readonly opener: string};

const DBUS_DAEMONS = ['dbus.service', 'dbus-broker.service'];

/**
 * Who started the app `desktopId` whose process sits in `unitName`. An app opened by
 * another app (Files opening a document, a link opening the browser) is at first a
 * child in the opener's unit: that app is named, by `nameOf` (its desktop id → the name
 * shown), rather than the launcher that once started the opener.
 */
export function originOf(unitName: string, desktopId: string | null = null, nameOf: (desktopId: string) => string = appIdOfDesktopId): Origin {
    const holder = appOfUnit(unitName);
    if (DBUS_DAEMONS.includes(unitName) || holder?.busName)
        return 'dbus';
    if (holder && desktopId !== null && holder.desktopId !== desktopId)
        return {opener: nameOf(holder.desktopId)};
    if (unitName.startsWith('app-gnome-'))
        return 'gnome';
    if (unitName.startsWith('app-flatpak-'))
        return 'flatpak';
    if (unitName.startsWith('vte-spawn-'))
        return 'terminal';
    return 'other';
}

/**
 * True when the process of the app `desktopId` sits in a unit that is not its own app
 * unit, where moving it into a scope of its own (as GNOME does after a launch) takes
 * nothing from anyone: another app's unit (an app opened by another app is its child),
 * the bus daemon's own service (an app it activated directly) and scopes of no app (a
 * terminal's vte-spawn-*). A service of its own (someone's daemon), a session scope, the
 * shell's unit, Confine's own units and systemd-run's run-* scopes are left alone.
 */
export function adoptable(unitName: string, desktopId: string, shellUnit: string | null): boolean {
    // Confine's own units hold what a launch put there under a profile on purpose (a
    // desktop file or action whose Exec runs another app, `confine run`), and run-*
    // scopes what the user ran with systemd-run and options of their own.
    if (unitName === shellUnit || unitName.startsWith('app-confine-') || unitName.startsWith('run-'))
        return false;
    const holder = appOfUnit(unitName);
    if (holder !== null)
        return holder.desktopId !== desktopId;
    return DBUS_DAEMONS.includes(unitName) ||
        (unitName.endsWith('.scope') && !unitName.startsWith('session-') && unitName !== 'init.scope');
}

export interface OtherLaunchNotice {
    readonly title: string;
    readonly body: string;
}

function originText(origin: Origin, _: Translate): string {
    if (typeof origin === 'object')
        return origin.opener;
    switch (origin) {
    case 'gnome':
        return _('GNOME');
    case 'flatpak':
        return _('Flatpak');
    case 'dbus':
        return _('D-Bus activation');
    case 'terminal':
        return _('a terminal');
    case 'other':
        return _('another program');
    }
}

/**
 * What the user reads when an app started outside Confine got its profile: the limits
 * that were applied, and what could not be (sandbox options, properties this systemd
 * lacks, or everything when the user manager refused).
 */
export function otherLaunchNotice(app: string, profile: string, origin: Origin,
    applied: readonly string[], notApplied: readonly string[], _: Translate = untranslated): OtherLaunchNotice {
    const started = fill(_('{app} was started outside Confine by {origin}.'), {app, origin: originText(origin, _)});
    const parts = [started];
    if (applied.length > 0)
        parts.push(fill(_('The limits of its profile “{profile}” were applied: {properties}.'), {profile, properties: applied.join(', ')}));
    if (notApplied.length > 0) {
        parts.push(fill(_('{properties} could not be applied to the running app; they take effect when it is started through Confine.'),
            {properties: notApplied.join(', ')}));
    }
    return {title: fill(_('{app} runs under profile “{profile}”'), {app, profile}), body: parts.join(' ')};
}
