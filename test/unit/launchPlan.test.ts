// The systemd-run argument vector for a launch: scope or service, the options each
// needs, and the profile's properties in catalogue order.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {
    DESKTOP_ENVIRONMENT, buildLaunchPlan, desktopCommand, desktopLaunchPlan, desktopLaunchProblem, literalCommand,
    type DesktopLaunch, type LaunchRequest,
} from '../../src/core/launchPlan.js';
import {profileOf} from './fixtures.js';

const RELAXED = profileOf({name: 'Relaxed', MemoryMax: '70%'}, 'relaxed');
const STRICT = profileOf({name: 'Strict', MemoryMax: '70%', CPUQuota: '100%', NoNewPrivileges: true, PrivateTmp: true}, 'strict');
const ALL_RESOURCES = profileOf({
    name: 'Build', TasksMax: 512, IOWeight: '20', AllowedCPUs: '0-3,6', CPUWeight: 50, CPUQuota: '250%',
    MemorySwapMax: '0', MemoryHigh: '6G', MemoryMax: '8G',
}, 'build');

function request(profile = RELAXED, extra: Partial<LaunchRequest> = {}): LaunchRequest {
    return {desktopId: 'firefox-esr.desktop', appName: 'Firefox ESR', profile, suffix: 'abc123', ...extra};
}

describe('buildLaunchPlan', () => {
    test('runs a resource-only profile in a scope', () => {
        assert.deepEqual(buildLaunchPlan(request()), {
            unitType: 'scope',
            unitName: 'app-confine-firefox\\x2desr-abc123.scope',
            description: 'Firefox ESR (Confine profile Relaxed)',
            argv: [
                'systemd-run', '--user', '--scope',
                '--unit=app-confine-firefox\\x2desr-abc123.scope',
                '--description=Firefox ESR (Confine profile Relaxed)',
                '--collect', '--quiet',
                '--property=MemoryMax=70%',
                '--',
            ],
        });
    });

    test('passes every resource property in catalogue order', () => {
        assert.deepEqual(buildLaunchPlan(request(ALL_RESOURCES)).argv.slice(3), [
            '--unit=app-confine-firefox\\x2desr-abc123.scope',
            '--description=Firefox ESR (Confine profile Build)',
            '--collect', '--quiet',
            '--property=MemoryMax=8G', '--property=MemoryHigh=6G', '--property=MemorySwapMax=0',
            '--property=CPUQuota=250%', '--property=CPUWeight=50', '--property=AllowedCPUs=0-3,6',
            '--property=IOWeight=20', '--property=TasksMax=512',
            '--',
        ]);
    });

    test('runs a profile with sandbox options as a transient service that returns at once', () => {
        assert.deepEqual(buildLaunchPlan(request(STRICT)), {
            unitType: 'service',
            unitName: 'app-confine-firefox\\x2desr@abc123.service',
            description: 'Firefox ESR (Confine profile Strict)',
            argv: [
                'systemd-run', '--user', '--same-dir',
                '--unit=app-confine-firefox\\x2desr@abc123.service',
                '--description=Firefox ESR (Confine profile Strict)',
                '--collect', '--quiet',
                '--property=MemoryMax=70%', '--property=CPUQuota=100%',
                '--property=NoNewPrivileges=yes', '--property=PrivateTmp=yes',
                '--',
            ],
        });
    });

    test('hands the desktop environment to a service by name, never by value', () => {
        const {argv} = buildLaunchPlan(request(STRICT, {passEnvironment: DESKTOP_ENVIRONMENT}));
        assert.deepEqual(argv.slice(0, 3 + DESKTOP_ENVIRONMENT.length), [
            'systemd-run', '--user', '--same-dir',
            '--setenv=DISPLAY', '--setenv=WAYLAND_DISPLAY', '--setenv=XAUTHORITY', '--setenv=XDG_SESSION_TYPE',
            '--setenv=XDG_CURRENT_DESKTOP', '--setenv=XDG_ACTIVATION_TOKEN', '--setenv=DESKTOP_STARTUP_ID',
            '--setenv=GIO_LAUNCHED_DESKTOP_FILE', '--setenv=DBUS_SESSION_BUS_ADDRESS', '--setenv=LANG',
            '--setenv=LANGUAGE', '--setenv=LC_ALL',
        ]);
        assert.equal(argv[3 + DESKTOP_ENVIRONMENT.length], '--unit=app-confine-firefox\\x2desr@abc123.service');
    });

    test('keeps a service attached for `confine run` and `confine shell`', () => {
        const argvOf = (serviceAttachment: LaunchRequest['serviceAttachment']) =>
            buildLaunchPlan(request(STRICT, {serviceAttachment, passEnvironment: ['TERM']})).argv.slice(0, 7);
        assert.deepEqual(argvOf('detached'), ['systemd-run', '--user', '--same-dir', '--setenv=TERM',
            '--unit=app-confine-firefox\\x2desr@abc123.service', '--description=Firefox ESR (Confine profile Strict)', '--collect']);
        assert.deepEqual(argvOf('pipe'), ['systemd-run', '--user', '--same-dir', '--wait', '--pipe', '--setenv=TERM',
            '--unit=app-confine-firefox\\x2desr@abc123.service']);
        assert.deepEqual(argvOf('pty'), ['systemd-run', '--user', '--same-dir', '--wait', '--pty', '--setenv=TERM',
            '--unit=app-confine-firefox\\x2desr@abc123.service']);
    });

    test('a scope inherits the caller\'s environment and ignores service options', () => {
        const plain = buildLaunchPlan(request());
        const withOptions = buildLaunchPlan(request(RELAXED, {passEnvironment: DESKTOP_ENVIRONMENT, serviceAttachment: 'pty'}));
        assert.deepEqual(withOptions, plain);
    });

    test('refuses an environment variable name that is not one', () => {
        for (const name of ['A=B', '1X', 'X Y', '', 'X;Y', '--scope', 'PATH\n'])
            assert.throws(() => buildLaunchPlan(request(STRICT, {passEnvironment: [name]})), /not an environment variable name/, name);
    });

    test('uses the given systemd-run path', () => {
        assert.equal(buildLaunchPlan(request(RELAXED, {systemdRun: '/usr/bin/systemd-run'})).argv[0], '/usr/bin/systemd-run');
    });

    test('ends the options with "--" so the app\'s argv cannot be read as options', () => {
        for (const profile of [RELAXED, STRICT, ALL_RESOURCES, profileOf({})]) {
            const {argv} = buildLaunchPlan(request(profile));
            assert.equal(argv.at(-1), '--');
            assert.equal(argv.indexOf('--'), argv.length - 1);
        }
    });

    test('runs an empty profile in a scope with no properties', () => {
        assert.deepEqual(buildLaunchPlan(request(profileOf({name: 'Watch only'}))).argv, [
            'systemd-run', '--user', '--scope', '--unit=app-confine-firefox\\x2desr-abc123.scope',
            '--description=Firefox ESR (Confine profile Watch only)', '--collect', '--quiet', '--',
        ]);
    });

    test('keeps control characters out of the description and bounds its length', () => {
        assert.equal(buildLaunchPlan(request(RELAXED, {appName: 'Evil\nApp\r\n\u0000x'})).description,
            'Evil App x (Confine profile Relaxed)');
        assert.equal(buildLaunchPlan(request(RELAXED, {appName: ''})).description,
            'firefox-esr.desktop (Confine profile Relaxed)');
        const long = buildLaunchPlan(request(RELAXED, {appName: 'n'.repeat(500)})).description;
        assert.equal(long, `${'n'.repeat(199)}…`);
        assert.equal(buildLaunchPlan(request(RELAXED, {appName: '\n'})).description, '(Confine profile Relaxed)');
    });

    test('carries hostile app names and ids as single arguments', () => {
        const plan = buildLaunchPlan(request(RELAXED, {desktopId: 'x --property=User=root.desktop', appName: '-p User=root'}));
        assert.deepEqual(plan.argv.slice(3, 5), [
            '--unit=app-confine-x\\x20\\x2d\\x2dproperty\\x3dUser\\x3droot-abc123.scope',
            '--description=-p User=root (Confine profile Relaxed)',
        ]);
        assert.equal(plan.argv.length, 9);
    });
});

// Issue 12, item 4: systemd expands $VAR, ${VAR} and $$ in a unit's command.
describe('literalCommand', () => {
    const exec = `app $HOME '\${X}' "a \\$USER" $$`;

    test('turns expansion off where systemd-run can, for scopes and services alike', () => {
        for (const profile of [RELAXED, STRICT]) {
            const plan = buildLaunchPlan(request(profile));
            const literal = literalCommand(plan, 254);
            assert.deepEqual(literal.argv, [...plan.argv.slice(0, -1), '--expand-environment=no', '--']);
            assert.equal(literal.protect(exec), exec);
        }
    });

    test('doubles every $ of a service on older systemd, and of one of unknown version', () => {
        const plan = buildLaunchPlan(request(STRICT));
        for (const version of [253, null]) {
            const literal = literalCommand(plan, version);
            assert.deepEqual(literal.argv, plan.argv);
            assert.equal(literal.protect(exec), `app $$HOME '$\${X}' "a \\$$USER" $$$$`);
        }
    });

    test('leaves a scope alone on older systemd, which never expands its command', () => {
        const plan = buildLaunchPlan(request(RELAXED));
        const literal = literalCommand(plan, 253);
        assert.deepEqual(literal.argv, plan.argv);
        assert.equal(literal.protect(exec), exec);
    });
});

// Issue 12, items 2 and 5: terminal apps, service start checks and ProtectHome.
describe('desktop launches of services', () => {
    test('a Terminal=true app runs in a service on a pty, even with a resource-only profile', () => {
        const plan = buildLaunchPlan(request(RELAXED, {terminal: true}));
        assert.equal(plan.unitType, 'service');
        assert.deepEqual(plan.argv.slice(0, 5), ['systemd-run', '--user', '--same-dir', '--wait', '--pty']);
    });

    test('a service started for the desktop may fall back to / when the sandbox hides its directory', () => {
        const {argv} = buildLaunchPlan(request(STRICT, {workingDirectory: '/home/u/work'}));
        assert.deepEqual(argv.slice(0, 3), ['systemd-run', '--user', '--property=WorkingDirectory=-/home/u/work']);
        assert.ok(!argv.includes('--same-dir'));
        assert.throws(() => buildLaunchPlan(request(STRICT, {workingDirectory: 'relative'})), /absolute path/);
        assert.throws(() => buildLaunchPlan(request(STRICT, {workingDirectory: '/a b'})), /absolute path/);
    });

    test('ProtectHome=tmpfs and read-only keep the runtime directory reachable; yes is refused', () => {
        for (const value of ['tmpfs', 'read-only']) {
            const profile = profileOf({name: 'Home', ProtectHome: value}, 'home');
            assert.equal(buildLaunchPlan(request(profile, {runtimeDirectory: '/run/user/1000'})).argv.at(-2),
                '--property=BindPaths=/run/user/1000', value);
            assert.equal(desktopLaunchProblem(profile), null);
        }
        const hidden = profileOf({name: 'Hidden', ProtectHome: 'yes'}, 'hidden');
        assert.ok(!buildLaunchPlan(request(hidden, {runtimeDirectory: '/run/user/1000'})).argv
            .some(word => word.startsWith('--property=BindPaths')));
        assert.match(desktopLaunchProblem(hidden) ?? '', /ProtectHome=yes also hides \/run\/user/);
        assert.equal(desktopLaunchProblem(STRICT), null);
    });

    test('a desktop service gets Type=exec where systemd has it, so a failed exec fails the start', () => {
        const service = buildLaunchPlan(request(STRICT));
        assert.deepEqual(desktopCommand(service, 254).argv,
            [...literalCommand(service, 254).argv.slice(0, -1), '--service-type=exec', '--']);
        assert.deepEqual(desktopCommand(service, 239).argv, literalCommand(service, 239).argv);
        assert.deepEqual(desktopCommand(service, null).argv, literalCommand(service, null).argv);
        const scope = buildLaunchPlan(request());
        assert.deepEqual(desktopCommand(scope, 262).argv, literalCommand(scope, 262).argv);
    });
});

// The shell's launches and the preferences' preview both come from desktopLaunchPlan.
describe('desktopLaunchPlan', () => {
    function launch(profile: typeof RELAXED, extra: Partial<DesktopLaunch> = {}): DesktopLaunch {
        return {
            desktopId: 'org.example.App.desktop', appName: 'App', profile, suffix: 'abc123', terminal: false,
            startupNotify: false, path: null, currentDirectory: '/home/u', runtimeDirectory: '/run/user/1000',
            environment: ['WAYLAND_DISPLAY', 'DISPLAY', 'LANG'], ...extra,
        };
    }

    test('a scope is the plain plan: no directory, no environment', () => {
        assert.deepEqual(desktopLaunchPlan(launch(RELAXED)),
            buildLaunchPlan({desktopId: 'org.example.App.desktop', appName: 'App', profile: RELAXED, suffix: 'abc123',
                passEnvironment: ['DISPLAY', 'WAYLAND_DISPLAY', 'GIO_LAUNCHED_DESKTOP_FILE', 'LANG'],
                workingDirectory: '/home/u', runtimeDirectory: '/run/user/1000'}));
        assert.ok(!desktopLaunchPlan(launch(RELAXED)).argv.some(word => word.startsWith('--setenv') || word.includes('WorkingDirectory')));
    });

    test('a service starts in the launcher\'s directory, or in an absolute Path=, never with --same-dir', () => {
        const argv = (extra: Partial<DesktopLaunch>) => desktopLaunchPlan(launch(STRICT, extra)).argv;
        assert.ok(argv({}).includes('--property=WorkingDirectory=-/home/u'));
        assert.ok(argv({path: '/srv/app'}).includes('--property=WorkingDirectory=-/srv/app'));
        assert.ok(argv({path: 'relative'}).includes('--property=WorkingDirectory=-/home/u'));
        assert.ok(!argv({}).includes('--same-dir'));
    });

    test('a service gets the desktop variables that are set, and those GLib sets while launching', () => {
        const setenv = (extra: Partial<DesktopLaunch>) => desktopLaunchPlan(launch(STRICT, extra)).argv
            .filter(word => word.startsWith('--setenv=')).map(word => word.slice('--setenv='.length));
        assert.deepEqual(setenv({}), ['DISPLAY', 'WAYLAND_DISPLAY', 'GIO_LAUNCHED_DESKTOP_FILE', 'LANG']);
        assert.deepEqual(setenv({startupNotify: true}),
            ['DISPLAY', 'WAYLAND_DISPLAY', 'XDG_ACTIVATION_TOKEN', 'DESKTOP_STARTUP_ID', 'GIO_LAUNCHED_DESKTOP_FILE', 'LANG']);
        assert.deepEqual(setenv({gpuEnvironment: ['DRI_PRIME', 'LANG']}),
            ['DISPLAY', 'WAYLAND_DISPLAY', 'GIO_LAUNCHED_DESKTOP_FILE', 'LANG', 'DRI_PRIME']);
    });

    test('ProtectHome=tmpfs binds the runtime directory back; Terminal=true is a pty service', () => {
        const home = profileOf({name: 'Home', ProtectHome: 'tmpfs'}, 'home');
        assert.equal(desktopLaunchPlan(launch(home)).argv.at(-2), '--property=BindPaths=/run/user/1000');
        const terminal = desktopLaunchPlan(launch(RELAXED, {terminal: true}));
        assert.equal(terminal.unitType, 'service');
        assert.ok(terminal.argv.includes('--pty'));
    });
});
