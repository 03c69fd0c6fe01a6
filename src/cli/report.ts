// The text of `confine profiles` and `confine show`.

import type {LaunchPlan} from '../core/launchPlan.js';
import {NO_CONFINEMENT, type ProfileSettings} from '../core/profileSettings.js';
import type {Resolution} from '../core/resolution.js';
import {fitsInScope, validateProfile, type Profile} from '../core/validation.js';
import {formatCommandLine} from './commandLine.js';
import {escapeControls} from './terminalText.js';

function propertyLine(profile: Profile): string {
    const properties = [...profile.properties].map(([name, value]) => `${name}=${value}`);
    return properties.length > 0 ? properties.join(' ') : 'no properties (a scope without limits)';
}

function unitKind(profile: Profile): string {
    return fitsInScope(profile) ? 'scope' : 'service';
}

export function formatProfiles(settings: ProfileSettings): string {
    const ids = Object.keys(settings.profiles).sort();
    const lines: string[] = [];
    for (const id of ids) {
        const check = validateProfile(id, settings.profiles[id]);
        const isDefault = id === settings.defaultProfile ? ', the default' : '';
        const apps = Object.entries(settings.assignments)
            .filter(([, profileId]) => profileId === id)
            .map(([desktopId]) => escapeControls(desktopId))
            .sort();
        if (check.ok) {
            lines.push(`${id} "${check.profile.name}" (${unitKind(check.profile)}${isDefault})`);
            lines.push(`  ${propertyLine(check.profile)}`);
        } else {
            lines.push(`${escapeControls(id)} (INVALID${isDefault})`);
            for (const error of check.errors)
                lines.push(`  ${escapeControls(error.message)}`);
        }
        if (apps.length > 0)
            lines.push(`  apps: ${apps.join(' ')}`);
    }
    if (ids.length === 0)
        lines.push('There are no profiles.');
    if (settings.defaultProfile === NO_CONFINEMENT)
        lines.push('No default profile: apps without an assignment launch unconfined.');
    else if (!Object.hasOwn(settings.profiles, settings.defaultProfile))
        lines.push(`The default profile "${escapeControls(settings.defaultProfile)}" does not exist.`);
    const unconfined = Object.entries(settings.assignments)
        .filter(([, profileId]) => profileId === NO_CONFINEMENT)
        .map(([desktopId]) => escapeControls(desktopId))
        .sort();
    if (unconfined.length > 0)
        lines.push(`Always unconfined: ${unconfined.join(' ')}`);
    return `${lines.join('\n')}\n`;
}

export interface ShownApp {
    readonly desktopId: string;
    readonly resolution: Resolution;
    /** Present when the app is confined. */
    readonly plan: LaunchPlan | null;
    /** The app's Exec line as written in its desktop file, or null when the app is not installed. */
    readonly exec: string | null;
}

export function formatShow(shown: ShownApp): string {
    const {resolution, plan} = shown;
    const lines = [escapeControls(resolution.explanation)];
    if (shown.exec === null)
        lines.push(`(No installed app has the desktop id ${escapeControls(shown.desktopId)}.)`);
    if (resolution.kind === 'unconfined') {
        lines.push('It launches the way stock GNOME Shell launches it, in an app-gnome-… scope.');
    } else if (resolution.kind === 'confined' && plan) {
        lines.push(`Profile: ${resolution.profile.id} "${resolution.profile.name}", a transient ${plan.unitType}`);
        lines.push(`  ${propertyLine(resolution.profile)}`);
        lines.push('Command line (the last part of the unit name is random, new on every launch):');
        lines.push(`  ${escapeControls(`${formatCommandLine(plan.argv)} ${shown.exec ?? 'COMMAND'}`)}`);
        if (plan.unitType === 'service')
            lines.push('(Of the --setenv variables, the shell passes only those set when the app starts.)');
    }
    return `${lines.join('\n')}\n`;
}
