// Command lines as a person reads and pastes them into a shell.

import {shellQuote} from '../core/execLine.js';

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

/**
 * The command's words as a transient service must receive them. The service manager
 * expands $NAME, ${NAME} and $$ in ExecStart (systemd-run's --expand-environment, on
 * by default for services), which would rewrite `sh -c 'echo $1'`; doubling every $
 * gives the words back verbatim on every systemd version. Scopes exec the command
 * themselves and expand nothing.
 */
export function verbatimServiceArgv(argv: readonly string[]): string[] {
    return argv.map(word => word.replace(/\$/g, '$$$$'));
}
