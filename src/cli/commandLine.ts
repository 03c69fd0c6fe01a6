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
