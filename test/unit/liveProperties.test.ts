// A profile applied to a running unit: the D-Bus form of each resource property, what
// is left out because the unit has it already, the resets to systemd's defaults, and
// the sandbox options that only a restart applies.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {
    cpuSetMask, liveChange, pendingSandbox, resolvedProperties, restartPending, sameResources, sameSandbox, unitAssignment,
} from '../../src/core/liveProperties.js';
import {resolveProfile} from '../../src/core/resolution.js';
import {UINT64_MAX} from '../../src/core/validation.js';
import {profileOf} from './fixtures.js';

const DEFAULTS = {tasksMax: 4915n, systemdVersion: 257};
/** A unit nobody set a limit on, as GJS unpacks it: 2^64 - 1 reads as 2^64. */
const FRESH = {
    MemoryMax: 2 ** 64, MemoryHigh: 2 ** 64, MemorySwapMax: 2 ** 64, CPUQuotaPerSecUSec: 2 ** 64,
    CPUWeight: 2 ** 64, IOWeight: 2 ** 64, TasksMax: 4915, AllowedCPUs: new Uint8Array(),
};

function props(dictionary: Record<string, unknown>) {
    return profileOf({name: 'P', ...dictionary}).properties;
}

describe('unitAssignment', () => {
    test('gives each value the D-Bus name, type and number systemd-run -p sends', () => {
        const cases: [string, string, string, string, bigint | number[]][] = [
            ['MemoryMax', '2G', 'MemoryMax', 't', 2n * 2n ** 30n],
            ['MemoryMax', '1.5G', 'MemoryMax', 't', 3n * 2n ** 29n],
            ['MemoryHigh', '512M', 'MemoryHigh', 't', 512n * 2n ** 20n],
            ['MemoryMax', '1048576', 'MemoryMax', 't', 1048576n],
            ['MemorySwapMax', '0', 'MemorySwapMax', 't', 0n],
            ['MemoryMax', 'infinity', 'MemoryMax', 't', UINT64_MAX],
            ['MemoryMax', '50%', 'MemoryMaxScale', 'u', 2147483648n],
            ['MemoryMax', '100%', 'MemoryMaxScale', 'u', 4294967295n],
            ['MemoryHigh', '12.34%', 'MemoryHighScale', 'u', (1234n * 4294967295n + 5000n) / 10000n],
            ['TasksMax', '10%', 'TasksMaxScale', 'u', 429496730n],
            ['TasksMax', '64', 'TasksMax', 't', 64n],
            ['TasksMax', 'infinity', 'TasksMax', 't', UINT64_MAX],
            ['CPUQuota', '150%', 'CPUQuotaPerSecUSec', 't', 1_500_000n],
            ['CPUQuota', '12.5%', 'CPUQuotaPerSecUSec', 't', 125_000n],
            ['CPUQuota', '0.01%', 'CPUQuotaPerSecUSec', 't', 100n],
            ['CPUWeight', '20', 'CPUWeight', 't', 20n],
            ['IOWeight', '10000', 'IOWeight', 't', 10000n],
            ['AllowedCPUs', '0-3,9', 'AllowedCPUs', 'ay', [0x0f, 0x02]],
        ];
        for (const [property, value, name, signature, expected] of cases)
            assert.deepEqual(unitAssignment(property, value), {name, signature, value: expected}, `${property}=${value}`);
    });

    test('refuses the sandbox options', () => {
        assert.throws(() => unitAssignment('PrivateTmp', 'yes'), /cannot be set on a running unit/);
        assert.throws(() => unitAssignment('ProtectHome', 'tmpfs'), /cannot be set on a running unit/);
    });

    test('cpuSetMask sets bit n of byte n/8', () => {
        assert.deepEqual(cpuSetMask('0'), [1]);
        assert.deepEqual(cpuSetMask('7-8'), [0x80, 0x01]);
        assert.deepEqual(cpuSetMask('16'), [0, 0, 1]);
    });
});

describe('liveChange', () => {
    test('a fresh unit gets every value of the profile and nothing else', () => {
        const change = liveChange(props({MemoryMax: '2G', CPUQuota: '50%', TasksMax: '64', PrivateTmp: true}), FRESH, DEFAULTS);
        assert.deepEqual(change.assignments, [
            {name: 'MemoryMax', signature: 't', value: 2n ** 31n},
            {name: 'CPUQuotaPerSecUSec', signature: 't', value: 500_000n},
            {name: 'TasksMax', signature: 't', value: 64n},
        ]);
        assert.deepEqual(change.unsupported, []);
    });

    test('values the unit has already are not sent again; shares of RAM always are', () => {
        const current = {...FRESH, MemoryMax: 2 ** 31, CPUQuotaPerSecUSec: 500_000, TasksMax: 64, MemoryHigh: 123456};
        const change = liveChange(props({MemoryMax: '2G', CPUQuota: '50%', TasksMax: '64', MemoryHigh: '10%'}), current, DEFAULTS);
        assert.deepEqual(change.assignments, [{name: 'MemoryHighScale', signature: 'u', value: 429496730n}]);
    });

    test('a removed property goes back to systemd\'s default: infinity, unset weight, the manager\'s DefaultTasksMax', () => {
        const current = {
            ...FRESH, MemoryMax: 2 ** 31, MemoryHigh: 2 ** 30, CPUQuotaPerSecUSec: 500_000, CPUWeight: 20, IOWeight: 50,
            TasksMax: 64, MemorySwapMax: 0, AllowedCPUs: new Uint8Array([3]),
        };
        const change = liveChange(new Map(), current, DEFAULTS);
        assert.deepEqual(change.assignments, [
            {name: 'MemoryMax', signature: 't', value: UINT64_MAX},
            {name: 'MemoryHigh', signature: 't', value: UINT64_MAX},
            {name: 'MemorySwapMax', signature: 't', value: UINT64_MAX},
            {name: 'CPUQuotaPerSecUSec', signature: 't', value: UINT64_MAX},
            {name: 'CPUWeight', signature: 't', value: UINT64_MAX},
            {name: 'AllowedCPUs', signature: 'ay', value: []},
            {name: 'IOWeight', signature: 't', value: UINT64_MAX},
            {name: 'TasksMax', signature: 't', value: 4915n},
        ]);
        assert.deepEqual(liveChange(new Map(), current, {tasksMax: null, systemdVersion: null}).assignments.at(-1),
            {name: 'TasksMax', signature: 't', value: UINT64_MAX});
    });

    test('an unlimited unit and an empty profile give nothing to send', () => {
        assert.deepEqual(liveChange(new Map(), FRESH, DEFAULTS), {assignments: [], unsupported: []});
        const asRead = {...FRESH, MemoryMax: null, MemoryHigh: null, MemorySwapMax: null, CPUQuotaPerSecUSec: null,
            CPUWeight: null, IOWeight: null, TasksMax: 4915n};
        assert.deepEqual(liveChange(new Map(), asRead, DEFAULTS), {assignments: [], unsupported: []}, 'systemd\'s "none" read as null');
    });

    test('a changed value is sent, equal CPU masks are not', () => {
        const current = {...FRESH, MemoryMax: 2 ** 31, AllowedCPUs: new Uint8Array([0x0f, 0])};
        const change = liveChange(props({MemoryMax: '1G', AllowedCPUs: '0-3'}), current, DEFAULTS);
        assert.deepEqual(change.assignments, [{name: 'MemoryMax', signature: 't', value: 2n ** 30n}]);
    });

    test('a property the unit does not report is sent', () => {
        assert.deepEqual(liveChange(props({CPUWeight: '100'}), {}, DEFAULTS).assignments.map(a => a.name),
            ['MemoryMax', 'MemoryHigh', 'MemorySwapMax', 'CPUQuotaPerSecUSec', 'CPUWeight', 'AllowedCPUs', 'IOWeight', 'TasksMax']);
    });

    test('properties newer than the manager are left out and named', () => {
        const change = liveChange(props({AllowedCPUs: '0', MemoryMax: '1G'}), FRESH, {tasksMax: 100n, systemdVersion: 240});
        assert.deepEqual(change.assignments.map(a => a.name), ['MemoryMax', 'TasksMax']);
        assert.deepEqual(change.unsupported, ['AllowedCPUs']);
    });
});

describe('pendingSandbox', () => {
    test('names the options a running unit lacks or has too many of', () => {
        const desired = props({PrivateTmp: true, NoNewPrivileges: true, ProtectSystem: 'full'});
        assert.deepEqual(pendingSandbox(desired, {}), ['NoNewPrivileges', 'PrivateTmp', 'ProtectSystem']);
        assert.deepEqual(pendingSandbox(desired, {NoNewPrivileges: true, PrivateTmp: true, PrivateNetwork: false,
            ProtectHome: 'no', ProtectSystem: 'full'}), []);
        assert.deepEqual(pendingSandbox(new Map(), {PrivateTmp: true, ProtectHome: 'tmpfs'}), ['PrivateTmp', 'ProtectHome']);
        assert.deepEqual(pendingSandbox(props({MemoryMax: '1G', PrivateNetwork: false}), {}), []);
    });
});

describe('restartPending', () => {
    test('names what any running unit of the app needs a restart for, once, in catalogue order', () => {
        const desired = props({PrivateTmp: true, NoNewPrivileges: true});
        const service = {NoNewPrivileges: true, PrivateTmp: true, PrivateNetwork: false, ProtectHome: 'no', ProtectSystem: 'no'};
        assert.deepEqual(restartPending(desired, [service]), []);
        assert.deepEqual(restartPending(desired, [service, {}]), ['NoNewPrivileges', 'PrivateTmp'], 'a scope of the app has neither');
        assert.deepEqual(restartPending(props({PrivateTmp: true}), [service, {...service, NoNewPrivileges: false}]), ['NoNewPrivileges']);
        assert.deepEqual(restartPending(new Map(), [service]), ['NoNewPrivileges', 'PrivateTmp'], 'moved to no confinement');
    });

    test('names nothing when the app does not run or its profile is missing or invalid', () => {
        assert.deepEqual(restartPending(props({PrivateTmp: true}), []), []);
        assert.deepEqual(restartPending(null, [{}]), []);
    });
});

describe('resolvedProperties and the comparisons', () => {
    const settings = {
        profiles: {a: {name: 'A', MemoryMax: '1G', PrivateTmp: true}, b: {name: 'B', MemoryMax: '1G'}, bad: {MemoryMax: 'lots'}},
        assignments: {'x.desktop': 'a', 'y.desktop': 'b', 'z.desktop': 'bad', 'n.desktop': ''},
        defaultProfile: '',
    };
    const of = (id: string) => resolvedProperties(resolveProfile(id, settings));

    test('confined: the profile\'s; unconfined: none; invalid: null (left alone)', () => {
        assert.deepEqual(of('x.desktop'), new Map([['MemoryMax', '1G'], ['PrivateTmp', 'yes']]));
        assert.deepEqual(of('n.desktop'), new Map());
        assert.deepEqual(of('other.desktop'), new Map());
        assert.equal(of('z.desktop'), null);
    });

    test('sameResources looks at resource properties only, sameSandbox at sandbox options only', () => {
        assert.ok(sameResources(of('x.desktop'), of('y.desktop')));
        assert.ok(!sameSandbox(of('x.desktop'), of('y.desktop')));
        assert.ok(!sameResources(of('y.desktop'), of('n.desktop')));
        assert.ok(sameSandbox(of('y.desktop'), of('n.desktop')));
        assert.ok(!sameResources(of('z.desktop'), of('n.desktop')));
        assert.ok(sameResources(null, null));
    });
});
