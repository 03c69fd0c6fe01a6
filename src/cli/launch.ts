// Running a launch plan and waiting for the command, the way a shell waits for a job.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import type {LaunchPlan} from '../core/launchPlan.js';
import {signalStatus} from './exitStatus.js';
import {addSignalHandler} from './unixSignals.js';
import type {UserManager} from './userManager.js';

const SIGHUP = 1;
const SIGINT = 2;
const SIGTERM = 15;

/** True when the file descriptor is a terminal (read from /proc: gjs has no isatty). */
export function isTerminal(fd: number): boolean {
    try {
        return /^\/dev\/(pts\/\d+|tty\w*|console)$/.test(GLib.file_read_link(`/proc/self/fd/${fd}`));
    } catch {
        return false;
    }
}

/**
 * True when our process group is the foreground one of our controlling terminal, so
 * that a Ctrl-C there went to the whole group (read from /proc: pgrp and tpgid).
 */
function inForeground(): boolean {
    try {
        const [, contents] = GLib.file_get_contents('/proc/self/stat');
        // The command name may hold spaces and parentheses: fields count from the last ")".
        const text = new TextDecoder().decode(contents);
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        const [processGroup, terminalGroup] = [Number(fields[2]), Number(fields[5])];
        return terminalGroup > 0 && terminalGroup === processGroup;
    } catch {
        return true;
    }
}

/**
 * Spawns systemd-run with `argv` (the plan's argv and the command) on our own stdin,
 * stdout and stderr, and returns the exit status to pass on: the command's, or 128+N
 * when it was killed by signal N.
 *
 * Signals to this process must not leave the command behind:
 * - SIGTERM and SIGHUP (a closed terminal, `kill`) are handed on: to the command itself
 *   in a scope, whose process systemd-run became; to every process of a service
 *   through the user manager.
 * - Ctrl-C's SIGINT already reaches a scope's command, which is in our foreground
 *   process group; when we are not in the foreground of a terminal, no Ctrl-C can
 *   have sent it, and the scope's command gets it from us. A service is outside our
 *   group, so the service gets it through the manager. (A service on a pty of its
 *   own sees Ctrl-C as a keystroke instead.)
 * Either way this process keeps waiting, so the terminal is handed back only once the
 * command has ended. Ctrl-C also reaches systemd-run, which then ends without waiting
 * for the service; the service's end is then waited for here (CI saw a service's
 * command still running after confine returned: systemd-run's end was seen before
 * our own SIGINT was handled).
 */
export function runAndWait(argv: readonly string[], plan: LaunchPlan, manager: UserManager): number {
    // Without STDIN_INHERIT a subprocess reads /dev/null.
    const child = Gio.Subprocess.new([...argv], Gio.SubprocessFlags.STDIN_INHERIT);
    const loop = new GLib.MainLoop(null, false);

    const handedOn = new Set<number>();
    const handOn = (signal: number) => {
        handedOn.add(signal);
        if (plan.unitType === 'scope') {
            // A Ctrl-C reached the command already; a SIGINT sent to us alone (kill -INT
            // from a script) did not, and must not be swallowed.
            if (signal !== SIGINT || !inForeground())
                child.send_signal(signal);
            return;
        }
        try {
            manager.killUnit(plan.unitName, signal);
        } catch {
            // The unit is already gone or not yet started: systemd-run reports either.
        }
    };
    const sources = [SIGHUP, SIGINT, SIGTERM].map(signal => addSignalHandler(GLib.PRIORITY_HIGH, signal, () => {
        handOn(signal);
        return GLib.SOURCE_CONTINUE;
    }));

    child.wait_async(null, () => loop.quit());
    loop.run();
    // A signal that arrived with systemd-run's end is handled before anything else.
    const context = GLib.MainContext.default();
    while (context.pending())
        context.iteration(false);
    if (plan.unitType === 'service' && child.get_if_signaled()) {
        if (!handedOn.has(child.get_term_sig()))
            handOn(child.get_term_sig());
        waitForUnitEnd(plan.unitName, manager, loop);
    }
    for (const source of sources)
        GLib.source_remove(source);

    return child.get_if_exited() ? child.get_exit_status() : signalStatus(child.get_term_sig());
}

/** How often the end of a service that systemd-run stopped waiting for is looked for. */
const UNIT_END_POLL_MS = 50;

/** Runs `loop` until the unit has ended; signals keep being handed on meanwhile. */
function waitForUnitEnd(unitName: string, manager: UserManager, loop: GLib.MainLoop): void {
    if (!manager.unitRunning(unitName))
        return;
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, UNIT_END_POLL_MS, () => {
        if (manager.unitRunning(unitName))
            return GLib.SOURCE_CONTINUE;
        loop.quit();
        return GLib.SOURCE_REMOVE;
    });
    loop.run();
}
