import {strict as assert} from 'node:assert';
import {test} from 'node:test';

import {commandLineFor, commandName, formatCommandLine, parseSystemdVersion} from '../../src/cli/commandLine.js';
import {serviceEnvironment} from '../../src/cli/environment.js';
import {formatProfiles, formatShow} from '../../src/cli/report.js';
import {escapeControls, printable} from '../../src/cli/terminalText.js';
import {appliedValue, formatBytes, formatCpuMask, formatUnit, propertiesToRead} from '../../src/cli/unitStatus.js';
import {buildLaunchPlan} from '../../src/core/launchPlan.js';
import {findProperty, type PropertySpec} from '../../src/core/properties.js';
import {resolveProfile} from '../../src/core/resolution.js';

function spec(name: string): PropertySpec {
    const found = findProperty(name);
    assert.ok(found);
    return found;
}

test('command lines are printed so a shell reads back the same words', () => {
    assert.equal(formatCommandLine(['systemd-run', '--user', '--property=CPUQuota=100%', '--', 'sh', '-c', "echo 'hi' $HOME"]),
        `systemd-run --user --property=CPUQuota=100% -- sh -c 'echo '\\''hi'\\'' $HOME'`);
    assert.equal(formatCommandLine(['--unit=app-confine-a\\x2db-x.scope', '']), `'--unit=app-confine-a\\x2db-x.scope' ''`);
    assert.equal(commandName('/usr/bin/python3'), 'python3');
    assert.equal(commandName('ls'), 'ls');
});

test('a service gets the caller\'s variables by name, except those systemd sets per service', () => {
    assert.deepEqual(serviceEnvironment(['PATH', 'HOME', 'INVOCATION_ID', 'JOURNAL_STREAM', 'BASH_FUNC_x%%', 'PATH', '1X', 'LANG']),
        ['HOME', 'LANG', 'PATH']);
});

test('the sizes, quota and CPUs systemd reports read like profile values', () => {
    assert.equal(formatBytes(512), '512B');
    assert.equal(formatBytes(2 ** 30), '1G');
    assert.equal(formatBytes(0.7 * 16 * 2 ** 30), '11.2G');
    assert.equal(formatCpuMask(Uint8Array.from([0b01001111])), '0-3,6');
    assert.equal(formatCpuMask([0, 1]), '8');
    assert.equal(appliedValue(spec('MemoryMax'), {MemoryMax: 2n ** 64n - 1n}), null, 'infinity is no limit');
    assert.equal(appliedValue(spec('MemoryMax'), {MemoryMax: 4n * 2n ** 30n}), '4G');
    assert.equal(appliedValue(spec('CPUQuota'), {CPUQuotaPerSecUSec: 1_500_000n}), '150%');
    assert.equal(appliedValue(spec('TasksMax'), {TasksMax: 4915n}), '4915');
    assert.equal(appliedValue(spec('PrivateTmp'), {PrivateTmp: true}), 'yes');
    assert.equal(appliedValue(spec('PrivateTmp'), {PrivateTmp: false}), null);
    assert.equal(appliedValue(spec('ProtectHome'), {ProtectHome: 'no'}), null);
    assert.equal(appliedValue(spec('ProtectHome'), {ProtectHome: 'read-only'}), 'read-only');
});

test('ps reads sandbox properties only from services', () => {
    assert.ok(!propertiesToRead('app-confine-x-abc.scope').includes('PrivateTmp'));
    assert.ok(propertiesToRead('app-confine-x@abc.service').includes('PrivateTmp'));
    assert.ok(propertiesToRead('app-confine-x-abc.scope').includes('CPUQuotaPerSecUSec'));
    const text = formatUnit(
        {name: 'app-confine-x@abc.service', description: 'x (Confine profile Strict)', activeState: 'active', subState: 'running'},
        {MemoryMax: 2n ** 30n, CPUQuotaPerSecUSec: 1_000_000n, TasksMax: 2n ** 64n - 1n, NoNewPrivileges: true, PrivateTmp: true,
            MemoryCurrent: 3n * 2n ** 20n, TasksCurrent: 1n});
    assert.equal(text, [
        'app-confine-x@abc.service  x (Confine profile Strict)',
        '  active/running, 1 task, 3M memory',
        '  MemoryMax=1G CPUQuota=100% NoNewPrivileges=yes PrivateTmp=yes',
    ].join('\n'));
});

test('profiles lists each profile, its unit type, the default and the assignments; invalid ones say why', () => {
    const text = formatProfiles({
        profiles: {
            relaxed: {name: 'Relaxed', MemoryMax: '70%'},
            strict: {name: 'Strict', PrivateTmp: true},
            broken: {CPUQuota: 'lots'},
        },
        assignments: {'a.desktop': 'strict', 'b.desktop': ''},
        defaultProfile: 'relaxed',
    });
    assert.equal(text, [
        'broken (INVALID)',
        '  CPUQuota: "lots" is not a CPU percentage above 0% (100% is one full CPU, 200% two).',
        'relaxed "Relaxed" (scope, the default)',
        '  MemoryMax=70%',
        'strict "Strict" (service)',
        '  PrivateTmp=yes',
        '  apps: a.desktop',
        'Always unconfined: b.desktop',
        '',
    ].join('\n'));
});

test('show gives the reason and the command line in front of the app\'s Exec', () => {
    const settings = {profiles: {relaxed: {name: 'Relaxed', MemoryMax: '70%'}}, assignments: {'a.desktop': 'relaxed'}, defaultProfile: ''};
    const resolution = resolveProfile('a.desktop', settings);
    assert.equal(resolution.kind, 'confined');
    const plan = buildLaunchPlan({desktopId: 'a.desktop', appName: 'A', profile: resolution.profile, suffix: 'abc'});
    assert.equal(formatShow({desktopId: 'a.desktop', resolution, plan, exec: 'a %U'}), [
        'a.desktop uses its assigned profile "Relaxed".',
        'Profile: relaxed "Relaxed", a transient scope',
        '  MemoryMax=70%',
        'Command line (the last part of the unit name is random, new on every launch):',
        `  systemd-run --user --scope --unit=app-confine-a-abc.scope '--description=A (Confine profile Relaxed)' --collect --quiet --property=MemoryMax=70% -- a %U`,
        '',
    ].join('\n'));
});

test('the command gets its words verbatim and a service reports signals, on old and new systemd', () => {
    const profile = (properties: [string, string][]) => ({id: 'p', name: 'P', properties: new Map(properties)});
    const scope = buildLaunchPlan({desktopId: 'sh', appName: 'sh', profile: profile([['MemoryMax', '70%']]), suffix: 'abc'});
    const service = buildLaunchPlan({desktopId: 'sh', appName: 'sh', profile: profile([['PrivateTmp', 'yes']]), suffix: 'abc',
        serviceAttachment: 'pipe'});
    const command = ['sh', '-c', 'echo "$1" ${HOME} $$', 'x'];
    const tail = (argv: string[]) => argv.slice(argv.indexOf('--'));
    const options = (argv: string[]) => argv.slice(0, argv.indexOf('--'));

    assert.deepEqual(tail(commandLineFor(scope, command, 252)), ['--', ...command]);
    assert.deepEqual(tail(commandLineFor(scope, command, 262)), ['--', ...command]);
    assert.ok(options(commandLineFor(scope, command, 262)).includes('--expand-environment=no'));
    assert.ok(!options(commandLineFor(scope, command, 252)).includes('--expand-environment=no'));
    assert.ok(!options(commandLineFor(scope, command, 262)).includes('--property=Type=oneshot'));

    assert.deepEqual(tail(commandLineFor(service, command, 252)), ['--', 'sh', '-c', 'echo "$$1" $${HOME} $$$$', 'x']);
    assert.deepEqual(tail(commandLineFor(service, command, null)), ['--', 'sh', '-c', 'echo "$$1" $${HOME} $$$$', 'x']);
    assert.deepEqual(tail(commandLineFor(service, command, 257)), ['--', ...command]);
    assert.deepEqual(options(commandLineFor(service, command, 257)).slice(-2), ['--property=Type=oneshot', '--expand-environment=no']);
    assert.deepEqual(options(commandLineFor(service, command, 257)).slice(0, -2), service.argv.slice(0, -1), 'the plan itself is kept');
    assert.equal(parseSystemdVersion('systemd 257 (257.9-1~deb13u1)\n+PAM +AUDIT'), 257);
    assert.equal(parseSystemdVersion('nonsense'), null);
});

// Issue 12, item 7: text from desktop files and settings must not drive the terminal.
test('control characters from desktop files and settings are printed as escapes', () => {
    // eslint-disable-next-line no-control-regex
    const layoutOnly = /[\x00-\x09\x0b-\x1f]/;
    assert.equal(escapeControls('a\x1b]0;owned\x07b\nc\u009bd\u202ee'), 'a\\x1b]0;owned\\x07b\\x0ac\\x9bd\\u202ee');
    assert.equal(printable('line 1\n\tline \x1b[2J2'), 'line 1\n\tline \\x1b[2J2');

    const profiles = {'ok\x1b[31m': {MemoryMax: '1G'}, 'relaxed': {name: 'Relaxed', MemoryMax: '70%'}};
    const assignments = {'evil\x1b[2J.desktop': 'relaxed', 'forged\nline.desktop': ''};
    const listing = formatProfiles({profiles, assignments, defaultProfile: 'gone\x07'});
    assert.doesNotMatch(listing, layoutOnly, 'no control character but the line breaks');
    assert.match(listing, /ok\\x1b\[31m \(INVALID\)/);
    assert.match(listing, /apps: evil\\x1b\[2J\.desktop/);
    assert.match(listing, /Always unconfined: forged\\x0aline\.desktop/);

    const resolution = resolveProfile('evil\x1b.desktop', {profiles, assignments: {'evil\x1b.desktop': 'relaxed'}, defaultProfile: ''});
    assert.ok(resolution.kind === 'confined');
    const plan = buildLaunchPlan({desktopId: 'evil.desktop', appName: 'Evil', profile: resolution.profile, suffix: 'x'});
    const shown = formatShow({desktopId: 'evil\x1b.desktop', resolution, plan, exec: 'evil \x1b]52;c;AAAA\x07 %U\nforged'});
    assert.equal(shown.split('\n').length, 6, 'one line per item, none forged');
    assert.doesNotMatch(shown, layoutOnly);
    assert.match(shown, /evil \\x1b\]52;c;AAAA\\x07 %U\\x0aforged/);
});
