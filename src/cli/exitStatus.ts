// The exit statuses of `confine` itself, as documented in `confine --help` and docs/command-line.md.
//
// `confine run` and `confine shell` exit with the command's own status, so Confine's
// failures use codes that commands rarely choose: 118–124, below the shell's 126
// (found but not executable) and 127 (not found) and below 128+N (killed by signal N),
// much as env and systemd-run keep 125–127 for themselves.

export const EXIT = {
    OK: 0,
    /** The command line of `confine` itself is wrong. */
    USAGE: 118,
    /** The settings schema is not installed, or a setting is locked by the administrator. */
    SETTINGS: 119,
    /** The profile asked for (or assigned, or the default) does not exist. */
    UNKNOWN_PROFILE: 120,
    /** The profile exists but does not pass validation. */
    INVALID_PROFILE: 121,
    /** No profile was given and there is no default one, or the app is set to run unconfined. */
    NO_PROFILE: 122,
    /** systemd-run is not installed or not in PATH. */
    NO_SYSTEMD_RUN: 123,
    /** The systemd user manager cannot be reached. */
    NO_USER_MANAGER: 124,
    /** check: something the profile asks for is not in effect on this machine. */
    NOT_IN_EFFECT: 125,
    /** The command to run was not found, as a shell reports it. */
    COMMAND_NOT_FOUND: 127,
} as const;

export type ExitStatus = typeof EXIT[keyof typeof EXIT];

/** The table printed by `confine --help` and reproduced in docs/command-line.md. */
export const EXIT_STATUS_HELP: readonly (readonly [number, string])[] = [
    [EXIT.OK, 'success (run and shell: the command exited with 0)'],
    [EXIT.USAGE, 'wrong usage of confine itself'],
    [EXIT.SETTINGS, 'the Confine settings schema is not installed, or a setting is locked'],
    [EXIT.UNKNOWN_PROFILE, 'no such profile'],
    [EXIT.INVALID_PROFILE, 'the profile is invalid'],
    [EXIT.NO_PROFILE, 'no profile given and no default profile, or the app is set to run unconfined'],
    [EXIT.NO_SYSTEMD_RUN, 'systemd-run is not installed or not in PATH'],
    [EXIT.NO_USER_MANAGER, 'the systemd user manager cannot be reached'],
    [EXIT.NOT_IN_EFFECT, 'check: something the profile asks for is not in effect here'],
    [EXIT.COMMAND_NOT_FOUND, 'the command to run was not found'],
];

/** A failure of `confine` itself: one line for stderr and the exit status that goes with it. */
export class ConfineError extends Error {
    readonly status: ExitStatus;

    constructor(status: ExitStatus, message: string) {
        super(message);
        this.status = status;
    }
}

/** The status a shell reports for a child killed by `signal`. */
export function signalStatus(signal: number): number {
    return 128 + signal;
}
