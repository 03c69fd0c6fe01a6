// Command lines as a person reads and pastes them into a shell.

import {shellQuote} from '../core/execLine.js';
import {literalCommand, type LaunchPlan} from '../core/launchPlan.js';

/** Words made only of these need no quotes in any POSIX shell. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteWord(word: string): string {
    return PLAIN_WORD.test(word) ? word : shellQuote(word);
}

/** The argument vector as one shell line that gives back exactly these words. */
export function formatCommandLine(argv: readonly string[]): string {
    return argv.map(quoteWord).join(' ');
}

/** The last path component of a command, for labels and unit names. */
export function commandName(command: string): string {
    const name = command.replace(/\/+$/, '').split('/').pop() ?? '';
    return name === '' ? command : name;
}

/** The major version from the first line of `systemd-run --version` ("systemd 257 (257.9-1)"). */
export function parseSystemdVersion(text: string): number | null {
    const match = /^systemd (\d+)/.exec(text);
    return match ? Number(match[1]) : null;
}

/**
 * The full systemd-run command line for a plan and the command, such that the command
 * gets exactly its words (see literalCommand) and its exit status comes back.
 *
 * A service we wait on is a oneshot one: for a simple service systemd counts a main
 * process killed by SIGTERM, SIGINT, SIGHUP or SIGPIPE as a clean stop, and systemd-run
 * would exit 0 for an interrupted command; for a oneshot service it is a failure
 * ("signal", status 255). A oneshot service also runs without a start timeout.
 */
export function commandLineFor(plan: LaunchPlan, command: readonly string[], systemdVersion: number | null): string[] {
    const options = plan.argv.slice(0, -1);
    if (plan.unitType === 'service')
        options.push('--property=Type=oneshot');
    const literal = literalCommand({...plan, argv: [...options, '--']}, systemdVersion);
    return [...literal.argv, ...command.map(literal.protect)];
}
