// Command lines as a person reads and pastes them into a shell.

import {shellQuote} from '../core/execLine.js';
import type {LaunchPlan} from '../core/launchPlan.js';

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

/** The first systemd whose systemd-run has --expand-environment. */
export const EXPAND_ENVIRONMENT_SINCE = 254;

/** The major version from the first line of `systemd-run --version` ("systemd 257 (257.9-1)"). */
export function parseSystemdVersion(text: string): number | null {
    const match = /^systemd (\d+)/.exec(text);
    return match ? Number(match[1]) : null;
}

/**
 * The full systemd-run command line for a plan and the command, such that the command
 * gets exactly its words and its exit status comes back.
 *
 * systemd expands $NAME, ${NAME} and $$ in a command's words: the service manager for a
 * service, and newer systemd-run itself for a scope (262 does, 257 does not). Where it has
 * --expand-environment=no that turns it off; older ones never expand for a scope, and
 * for a service every $ is doubled, which the service manager turns back into one.
 *
 * A service we wait on is a oneshot one: for a simple service systemd counts a main
 * process killed by SIGTERM, SIGINT, SIGHUP or SIGPIPE as a clean stop, and systemd-run
 * would exit 0 for an interrupted command; for a oneshot service it is a failure
 * ("signal", status 255). A oneshot service also runs without a start timeout.
 */
export function commandLineFor(plan: LaunchPlan, command: readonly string[], systemdVersion: number | null): string[] {
    const canDisableExpansion = systemdVersion !== null && systemdVersion >= EXPAND_ENVIRONMENT_SINCE;
    const options = plan.argv.slice(0, -1);
    if (plan.unitType === 'service')
        options.push('--property=Type=oneshot');
    if (canDisableExpansion)
        options.push('--expand-environment=no');
    const words = plan.unitType === 'service' && !canDisableExpansion
        ? command.map(word => word.replace(/\$/g, '$$$$'))
        : [...command];
    return [...options, '--', ...words];
}
