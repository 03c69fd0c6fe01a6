import {strict as assert} from 'node:assert';
import {test} from 'node:test';

import {ConfineError, EXIT, EXIT_STATUS_HELP} from '../../src/cli/exitStatus.js';
import {helpText} from '../../src/cli/help.js';
import {parseInvocation, SUBCOMMANDS} from '../../src/cli/invocation.js';

function usageError(args: string[]): string {
    try {
        parseInvocation(args);
    } catch (error) {
        assert.ok(error instanceof ConfineError);
        assert.equal(error.status, EXIT.USAGE);
        return error.message;
    }
    assert.fail(`expected a usage error for ${JSON.stringify(args)}`);
}

test('run takes the profile, the app and the command, which starts at the first operand', () => {
    assert.deepEqual(parseInvocation(['run', '--profile', 'strict', '--', 'sh', '-c', 'exit 7']),
        {command: 'run', profile: 'strict', app: null, dryRun: false, argv: ['sh', '-c', 'exit 7']});
    assert.deepEqual(parseInvocation(['run', '-p', 'relaxed', '-n', 'ls', '-l', '--', 'x']),
        {command: 'run', profile: 'relaxed', app: null, dryRun: true, argv: ['ls', '-l', '--', 'x']});
    assert.deepEqual(parseInvocation(['run', '--app=firefox-esr.desktop', 'firefox']),
        {command: 'run', profile: null, app: 'firefox-esr.desktop', dryRun: false, argv: ['firefox']});
    // The command's own options are not confine's.
    assert.deepEqual(parseInvocation(['run', '--', '--help']),
        {command: 'run', profile: null, app: null, dryRun: false, argv: ['--help']});
});

test('run refuses what it cannot mean', () => {
    assert.match(usageError(['run', '--profile', 'a', '--app', 'b', 'ls']), /either --profile or --app/);
    assert.match(usageError(['run', '--profile', 'a']), /missing the command/);
    assert.match(usageError(['run', '--profile']), /--profile needs a value/);
    assert.match(usageError(['run', '--profile=', 'ls']), /non-empty/);
    assert.match(usageError(['run', '--frob', 'ls']), /unknown option --frob/);
    assert.match(usageError(['run', '-p', 'a', '-p', 'b', 'ls']), /given twice/);
    assert.match(usageError(['run', '--dry-run=yes', 'ls']), /takes no value/);
});

test('every subcommand has --help, and help names a topic', () => {
    for (const topic of SUBCOMMANDS) {
        assert.deepEqual(parseInvocation([topic, '--help']), {command: 'help', topic});
        assert.deepEqual(parseInvocation(['help', topic]), {command: 'help', topic});
        assert.match(helpText(topic), new RegExp(`^Usage: confine ${topic}`));
    }
    assert.deepEqual(parseInvocation([]), {command: 'help', topic: null});
    assert.deepEqual(parseInvocation(['-h']), {command: 'help', topic: null});
    assert.match(usageError(['help', 'frob']), /unknown command "frob"/);
});

test('the management commands take exactly their operands', () => {
    assert.deepEqual(parseInvocation(['shell', '-p', 'strict']), {command: 'shell', profile: 'strict', dryRun: false});
    assert.deepEqual(parseInvocation(['profiles', '--ids']), {command: 'profiles', idsOnly: true});
    assert.deepEqual(parseInvocation(['show', 'org.gnome.Console']), {command: 'show', desktopId: 'org.gnome.Console'});
    assert.deepEqual(parseInvocation(['assign', 'a.desktop', '']), {command: 'assign', desktopId: 'a.desktop', profile: ''});
    assert.deepEqual(parseInvocation(['unassign', 'a.desktop']), {command: 'unassign', desktopId: 'a.desktop'});
    assert.deepEqual(parseInvocation(['ps']), {command: 'ps'});
    assert.match(usageError(['show']), /missing DESKTOP_ID/);
    assert.match(usageError(['assign', 'a.desktop']), /missing PROFILE/);
    assert.match(usageError(['ps', 'extra']), /unexpected argument "extra"/);
    assert.match(usageError(['shell', 'bash']), /unexpected argument/);
    assert.match(usageError(['frob']), /unknown command "frob"/);
});

test('the exit statuses are distinct, documented, and clear of the shell\'s own codes', () => {
    const statuses = Object.values(EXIT);
    assert.equal(new Set(statuses).size, statuses.length);
    for (const status of statuses) {
        if (status === EXIT.OK || status === EXIT.COMMAND_NOT_FOUND)
            continue;
        assert.ok(status >= 118 && status <= 125, `${status} is in Confine's own range`);
    }
    assert.deepEqual(EXIT_STATUS_HELP.map(([status]) => status).sort(), [...statuses].sort());
    for (const [status] of EXIT_STATUS_HELP)
        assert.match(helpText(null), new RegExp(`^\\s+${status}\\s`, 'm'));
});
