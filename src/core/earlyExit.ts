// A unit that ends in the first seconds after its start: the launch failed, even
// though systemd started it. Said in a few words for a notification.

import {withoutControls} from './text.js';
import {fill, untranslated, type Translate} from './translate.js';

/** How long after the start a unit's end still counts as a failed launch. */
export const EARLY_EXIT_WINDOW_MS = 5000;

/** How the main process ended, in the terms of systemd's ExecMainCode (CLD_* of waitid). */
export interface UnitEnd {
    /** systemd's Result of the unit, such as "success", "exit-code", "signal", "oom-kill". */
    readonly result?: string;
    /** 1 exited, 2 killed, 3 dumped core; absent when unknown (a scope). */
    readonly code?: number;
    /** The exit status, or the signal number when killed. */
    readonly status?: number;
}

const CLD_EXITED = 1;
const CLD_KILLED = 2;
const CLD_DUMPED = 3;

const SIGNAL_NAMES: Record<number, string> = {
    1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
    9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM', 31: 'SIGSYS',
};

function signalName(signal: number): string {
    return SIGNAL_NAMES[signal] ?? `signal ${signal}`;
}

/** A wait status as waitpid gives it (and GLib's child watch), as a UnitEnd. */
export function endOfWaitStatus(waitStatus: number): UnitEnd {
    const signal = waitStatus & 0x7f;
    if (signal === 0)
        return {code: CLD_EXITED, status: (waitStatus >> 8) & 0xff};
    return {code: (waitStatus & 0x80) !== 0 ? CLD_DUMPED : CLD_KILLED, status: signal};
}

const SIGKILL = 9;

/**
 * Why the end was a failed launch, or null: for a clean end (an app handing over to
 * its running instance), and for an end by the profile's own limits. The kernel's
 * OOM killer (Result "oom-kill"; a scope only sees the SIGKILL) acting at MemoryMax
 * is the limit doing its work, not a launch that failed: counted as one, the
 * on-failure policy would start the memory bomb again without its limits.
 */
export function earlyEndReason(end: UnitEnd, _: Translate = untranslated): string | null {
    if (end.result === 'oom-kill' || (end.code === CLD_KILLED && end.status === SIGKILL))
        return null;
    if (end.code === CLD_KILLED)
        return fill(_('it was killed by {signal}'), {signal: signalName(end.status ?? 0)});
    if (end.code === CLD_DUMPED)
        return fill(_('it was killed by {signal} (core dumped)'), {signal: signalName(end.status ?? 0)});
    if (end.code === CLD_EXITED && (end.status ?? 0) !== 0)
        return fill(_('it exited with status {status}'), {status: end.status ?? 0});
    if (end.result !== undefined && end.result !== 'success')
        return fill(_('it ended with result “{result}”'), {result: end.result});
    return null;
}

const MAX_LINES = 5;
const MAX_LINE = 200;

/** The last few lines of the unit's journal output, short and free of control characters. */
export function journalTail(text: string): string[] {
    return text.split('\n')
        .map(line => withoutControls(line).trim())
        .filter(line => line !== '')
        .slice(-MAX_LINES)
        .map(line => line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line);
}

/** The notification text for a unit that ended early. */
export function earlyExitMessage(unitName: string, reason: string, journal: readonly string[],
    _: Translate = untranslated): string {
    const head = fill(_('{unit} stopped within {seconds} s of its start: {reason}.'),
        {unit: unitName, seconds: EARLY_EXIT_WINDOW_MS / 1000, reason});
    if (journal.length === 0)
        return head;
    const words = fill(_('Its last words:\n{lines}'), {lines: journal.join('\n')});
    return `${head} ${words}`;
}
