// The probe of a profile check as this session starts it, shared by `confine check`
// and the preferences' "Check this profile" so both probe exactly the same unit.

import GLib from 'gi://GLib';

import {DESKTOP_ENVIRONMENT} from '../core/launchPlan.js';
import {probeCommand} from '../core/profileCheck.js';
import {randomSuffix} from '../core/unitName.js';
import type {Profile} from '../core/validation.js';

export interface SessionProbe {
    readonly unitName: string;
    readonly argv: string[];
    /** The file to create in our /tmp before the probe and to remove after it. */
    readonly tmpMarker: string;
}

export function sessionProbe(profile: Profile, systemdVersion: number | null, systemdRun?: string): SessionProbe {
    const suffix = randomSuffix(() => GLib.random_double());
    const tmpMarker = GLib.build_filenamev([GLib.get_tmp_dir(), `confine-check-${suffix}`]);
    const probe = probeCommand({
        profile,
        suffix,
        passEnvironment: DESKTOP_ENVIRONMENT.filter(name => GLib.getenv(name) !== null),
        homeDirectory: GLib.get_home_dir(),
        runtimeDirectory: GLib.get_user_runtime_dir(),
        tmpMarker,
        systemdVersion,
        systemdRun,
    });
    return {...probe, tmpMarker};
}
