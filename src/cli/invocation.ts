// The command line of `confine`, parsed into what to do. No I/O here, so the grammar
// is unit-tested with node.

import {ConfineError, EXIT} from './exitStatus.js';

export const SUBCOMMANDS = ['run', 'shell', 'profiles', 'show', 'assign', 'unassign', 'ps', 'check'] as const;
export type Subcommand = typeof SUBCOMMANDS[number];

export type Invocation =
    | {readonly command: 'help'; readonly topic: Subcommand | null}
    | {
        readonly command: 'run';
        readonly profile: string | null;
        readonly app: string | null;
        readonly dryRun: boolean;
        readonly argv: readonly string[];
    }
    | {readonly command: 'shell'; readonly profile: string | null; readonly dryRun: boolean}
    | {readonly command: 'profiles'; readonly idsOnly: boolean}
    | {readonly command: 'show'; readonly desktopId: string}
    | {readonly command: 'assign'; readonly desktopId: string; readonly profile: string}
    | {readonly command: 'unassign'; readonly desktopId: string}
    | {readonly command: 'ps'}
    | {readonly command: 'check'; readonly profile: string};

function usage(message: string, topic: Subcommand | null): ConfineError {
    const hint = topic === null ? 'confine --help' : `confine ${topic} --help`;
    return new ConfineError(EXIT.USAGE, `${message} (see ${hint})`);
}

function isSubcommand(word: string): word is Subcommand {
    return (SUBCOMMANDS as readonly string[]).includes(word);
}

interface OptionSpec {
    /** Long name without dashes, and an optional one-letter alias. */
    readonly long: string;
    readonly short?: string;
    readonly takesValue: boolean;
}

interface ParsedWords {
    readonly options: Map<string, string | true>;
    readonly operands: string[];
}

/**
 * Splits words into options and operands. With `stopAtOperand`, the first operand
 * and everything after it are operands (the command of `confine run`), as after "--".
 */
function parseWords(words: readonly string[], specs: readonly OptionSpec[], topic: Subcommand,
    stopAtOperand: boolean): ParsedWords {
    const options = new Map<string, string | true>();
    const operands: string[] = [];
    const specOf = (word: string) => specs.find(spec => word === `--${spec.long}` || (spec.short !== undefined && word === `-${spec.short}`));

    for (let i = 0; i < words.length; i++) {
        const word = words[i];
        if (word === '--') {
            operands.push(...words.slice(i + 1));
            break;
        }
        if (!word.startsWith('-') || word === '-') {
            if (stopAtOperand) {
                operands.push(...words.slice(i));
                break;
            }
            operands.push(word);
            continue;
        }
        const equals = word.startsWith('--') ? word.indexOf('=') : -1;
        const name = equals >= 0 ? word.slice(0, equals) : word;
        const spec = specOf(name);
        if (!spec)
            throw usage(`unknown option ${name}`, topic);
        if (options.has(spec.long))
            throw usage(`--${spec.long} given twice`, topic);
        if (!spec.takesValue) {
            if (equals >= 0)
                throw usage(`--${spec.long} takes no value`, topic);
            options.set(spec.long, true);
            continue;
        }
        let value: string;
        if (equals >= 0) {
            value = word.slice(equals + 1);
        } else {
            if (i + 1 >= words.length)
                throw usage(`--${spec.long} needs a value`, topic);
            value = words[++i];
        }
        if (value === '')
            throw usage(`--${spec.long} needs a non-empty value`, topic);
        options.set(spec.long, value);
    }
    return {options, operands};
}

const HELP: OptionSpec = {long: 'help', short: 'h', takesValue: false};
const PROFILE: OptionSpec = {long: 'profile', short: 'p', takesValue: true};
const DRY_RUN: OptionSpec = {long: 'dry-run', short: 'n', takesValue: false};

function stringOption(parsed: ParsedWords, name: string): string | null {
    const value = parsed.options.get(name);
    return typeof value === 'string' ? value : null;
}

function expectOperands(parsed: ParsedWords, names: readonly string[], topic: Subcommand): string[] {
    if (parsed.operands.length < names.length)
        throw usage(`missing ${names[parsed.operands.length]}`, topic);
    if (parsed.operands.length > names.length)
        throw usage(`unexpected argument ${JSON.stringify(parsed.operands[names.length])}`, topic);
    return parsed.operands;
}

export function parseInvocation(args: readonly string[]): Invocation {
    const [first, ...rest] = args;
    if (first === undefined || first === '--help' || first === '-h')
        return {command: 'help', topic: null};
    if (first === 'help') {
        const [topic, ...extra] = rest;
        if (extra.length > 0)
            throw usage(`unexpected argument ${JSON.stringify(extra[0])}`, null);
        if (topic === undefined)
            return {command: 'help', topic: null};
        if (!isSubcommand(topic))
            throw usage(`unknown command ${JSON.stringify(topic)}`, null);
        return {command: 'help', topic};
    }
    if (!isSubcommand(first))
        throw usage(first.startsWith('-') ? `unknown option ${first}` : `unknown command ${JSON.stringify(first)}`, null);

    const topic = first;
    switch (topic) {
    case 'run': {
        const app: OptionSpec = {long: 'app', short: 'a', takesValue: true};
        const parsed = parseWords(rest, [HELP, PROFILE, app, DRY_RUN], topic, true);
        if (parsed.options.has('help'))
            return {command: 'help', topic};
        const profile = stringOption(parsed, 'profile');
        const desktopId = stringOption(parsed, 'app');
        if (profile !== null && desktopId !== null)
            throw usage('give either --profile or --app, not both', topic);
        if (parsed.operands.length === 0)
            throw usage('missing the command to run', topic);
        return {command: 'run', profile, app: desktopId, dryRun: parsed.options.has('dry-run'), argv: parsed.operands};
    }
    case 'shell': {
        const parsed = parseWords(rest, [HELP, PROFILE, DRY_RUN], topic, false);
        if (parsed.options.has('help'))
            return {command: 'help', topic};
        expectOperands(parsed, [], topic);
        return {command: 'shell', profile: stringOption(parsed, 'profile'), dryRun: parsed.options.has('dry-run')};
    }
    case 'profiles': {
        const parsed = parseWords(rest, [HELP, {long: 'ids', takesValue: false}], topic, false);
        if (parsed.options.has('help'))
            return {command: 'help', topic};
        expectOperands(parsed, [], topic);
        return {command: 'profiles', idsOnly: parsed.options.has('ids')};
    }
    case 'show':
    case 'unassign': {
        const parsed = parseWords(rest, [HELP], topic, false);
        if (parsed.options.has('help'))
            return {command: 'help', topic};
        const [desktopId] = expectOperands(parsed, ['DESKTOP_ID'], topic);
        return {command: topic, desktopId};
    }
    case 'assign': {
        const parsed = parseWords(rest, [HELP], topic, false);
        if (parsed.options.has('help'))
            return {command: 'help', topic};
        const [desktopId, profile] = expectOperands(parsed, ['DESKTOP_ID', 'PROFILE'], topic);
        return {command: 'assign', desktopId, profile};
    }
    case 'ps': {
        const parsed = parseWords(rest, [HELP], topic, false);
        if (parsed.options.has('help'))
            return {command: 'help', topic};
        expectOperands(parsed, [], topic);
        return {command: 'ps'};
    }
    case 'check': {
        const parsed = parseWords(rest, [HELP], topic, false);
        if (parsed.options.has('help'))
            return {command: 'help', topic};
        const [profile] = expectOperands(parsed, ['PROFILE'], topic);
        return {command: 'check', profile};
    }
    }
}
