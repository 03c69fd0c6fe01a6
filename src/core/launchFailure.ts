// How a confined launch ends, and what a failed one turns into: the on-failure policy
// applied and the notification that says so, composed in one place for every path.

import type {FailurePolicy} from '../settings/schema.js';
import {fill, untranslated, type Translate} from './translate.js';

/** A launch that did not happen; `message` is for the user, already translated. */
export class LaunchFailure extends Error {}

/** The message of anything thrown: GLib.Error is not an Error in GJS, but has one. */
export function errorMessage(error: unknown): string {
    const message = (error as {message?: unknown} | null)?.message;
    return typeof message === 'string' ? message : String(error);
}

/** How the start of a confined launch ended. */
export type StartOutcome =
    | {readonly started: true}
    | {readonly started: false; readonly reason: string};

export const STARTED: StartOutcome = {started: true};

export function notStarted(reason: string): StartOutcome {
    return {started: false, reason};
}

/**
 * The outcome a start job's result (JobRemoved) tells: "done" is the only success;
 * anything else ("failed", "canceled", "timeout", "dependency" …) is systemd's reason.
 */
export function jobOutcome(unitName: string, result: string, _: Translate = untranslated): StartOutcome {
    if (result === 'done')
        return STARTED;
    return notStarted(fill(_('the user manager did not start {unit}: its start job ended with “{result}”'),
        {unit: unitName, result}));
}

/** Which advice fits a failure: what the user can do about it. */
export type FailureCause =
    | 'settings' // a stored value GSettings cannot use; its message says what to do
    | 'profile' // the profile is invalid or cannot run a desktop app
    | 'systemd' // systemd-run or the user manager failed
    | 'early-exit'; // the unit started and ended with a failure at once

export interface LaunchFailureReport {
    /** The app's name as the shell shows it. */
    readonly app: string;
    /** The profile, named as profileLabel names it; null when the settings did not get that far. */
    readonly profile: string | null;
    readonly reason: string;
    readonly cause: FailureCause;
    readonly policy: FailurePolicy;
    /**
     * Why the policy is "refuse" although the user may have chosen otherwise (an
     * on-failure value GSettings cannot use), or null.
     */
    readonly policyProblem: string | null;
}

/** The notification of a failed launch, and whether the app starts without confinement. */
export interface FailureNotice {
    readonly title: string;
    readonly body: string;
    readonly startUnconfined: boolean;
}

function advice(cause: FailureCause, _: Translate): string {
    switch (cause) {
    case 'settings':
        return '';
    case 'profile':
        return _('Fix the profile in Confine’s preferences.');
    case 'systemd':
        return _('Check that systemd-run is installed and that “systemctl --user status” works.');
    case 'early-exit':
        return _('If it starts without Confine, an option of its profile keeps it from running.');
    }
}

/**
 * What the on-failure policy makes of a failed launch. "refuse" never starts the app
 * unconfined; "launch-unconfined" does, and says that its limits are not applied.
 */
export function failureNotice(report: LaunchFailureReport, _: Translate = untranslated): FailureNotice {
    const refuse = report.policy === 'refuse';
    const fix = advice(report.cause, _);
    const title = fill(refuse ? _('{app} was not started') : _('{app} was started without confinement'), {app: report.app});
    const then = refuse
        ? report.policyProblem ?? fill(_('{fix} Or set “If confinement fails” to launch unconfined.'), {fix})
        : fill(_('It runs without the limits of its profile. {fix}'), {fix});
    const cause = report.profile === null
        ? report.reason
        : fill(_('Profile “{profile}”: {reason}'), {profile: report.profile, reason: report.reason});
    return {title, body: `${cause}\n${then.trim()}`, startUnconfined: !refuse};
}
