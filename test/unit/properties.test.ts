// The value grammar of every property in the catalogue, through checkValue.
//
// Each table lists inputs with the exact value systemd-run must receive, and inputs
// that must be refused. A property added to the catalogue without a table fails
// the "every property has a grammar table" test below.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {PROPERTIES, findProperty, type PropertySpec, type ValueKind} from '../../src/core/properties.js';
import {checkValue} from '../../src/core/validation.js';

type Accepted = readonly [raw: unknown, value: string];

interface Grammar {
    readonly accepted: readonly Accepted[];
    readonly rejected: readonly unknown[];
}

/** Wrong JavaScript types, as a GVariant of the wrong type unpacks. */
const WRONG_TYPES: readonly unknown[] = [null, undefined, {}, {value: '1G'}, [], ['1G'], () => '1G'];

/** Values crafted to smuggle options or shell syntax into the command line. */
const HOSTILE: readonly unknown[] = [
    '1G -p User=root', '70%;rm -rf ~', '-5', '99999999999999999999T', '', ' ', '\n',
    '1G\n', ' 1G', '1G ', '1G\0', '$(id)', '`id`', '1G --property=User=root', '50%\nUser=root',
];

const SIZE: Grammar = {
    accepted: [
        ['4G', '4G'], ['512M', '512M'], ['64K', '64K'], ['2T', '2T'], ['1', '1'], ['1048576', '1048576'],
        ['4g', '4G'], ['512m', '512M'], ['1k', '1K'], ['1t', '1T'],
        ['1.5G', '1.5G'], ['0.5G', '0.5G'], ['2.25M', '2.25M'], ['1.125K', '1.125K'],
        ['007G', '7G'], ['0001', '1'],
        ['70%', '70%'], ['100%', '100%'], ['1%', '1%'], ['0.5%', '0.5%'], ['70.5%', '70.5%'], ['33.33%', '33.33%'],
        ['007%', '7%'],
        ['infinity', 'infinity'],
        // The largest size below systemd's "no limit" value (UINT64_MAX).
        ['16777215T', '16777215T'], ['18446744073709551614', '18446744073709551614'],
    ],
    rejected: [
        ...HOSTILE, ...WRONG_TYPES, 4, 4096, 0, true, false, 1n,
        '16777216T', '18446744073709551615', '17179869184G',
        '0%', '0.00%', '100.01%', '101%', '1000%', '-1%', '%', '70 %', '70%%', '1.%', '1.234%',
        '4GB', '4 G', '4P', '4E', '4B', '4Gi', 'G', '.5G', '5.G', '1.2345G', '1,5G', '1e9', '0x10',
        'Infinity', 'INFINITY', 'inf', 'unlimited', 'max', '-1', '+1G', '1G1',
    ],
};

const MEMORY_LIMIT: Grammar = {
    accepted: SIZE.accepted,
    // A memory limit of 0 would kill the app at once.
    rejected: [...SIZE.rejected, '0', '0K', '0G', '0.0G', '0.000T', '0.0001G', '0.5', '000'],
};

const SWAP_LIMIT: Grammar = {
    // 0 swap keeps the app out of swap.
    accepted: [...SIZE.accepted, ['0', '0'], ['0G', '0G'], ['000', '0'], ['0.0M', '0.0M']],
    rejected: SIZE.rejected,
};

const CPU_QUOTA: Grammar = {
    accepted: [
        ['100%', '100%'], ['50%', '50%'], ['1%', '1%'], ['150%', '150%'], ['200%', '200%'], ['800%', '800%'],
        ['12.5%', '12.5%'], ['0.01%', '0.01%'], ['0150%', '150%'], ['1000000%', '1000000%'],
    ],
    rejected: [
        ...HOSTILE, ...WRONG_TYPES, 50, 1.5, true, 100n,
        '0%', '0.00%', '50', '1.5', '1000000.01%', '10000000%', '-50%', '50 %', '%', '50%%', '1.%', '1.234%',
        'infinity', '1G',
    ],
};

const WEIGHT: Grammar = {
    accepted: [
        [1, '1'], [100, '100'], [10000, '10000'], [1n, '1'], [10000n, '10000'],
        ['1', '1'], ['100', '100'], ['10000', '10000'], ['0100', '100'],
    ],
    rejected: [
        ...HOSTILE, ...WRONG_TYPES, 0, 10001, -5, -1, 1.5, 0.5, Number.NaN, Infinity, 2 ** 64, 0n, 10001n, -1n,
        true, false, '0', '10001', '1.5', '1e3', '0x10', 'idle', 'infinity', '100%',
    ],
};

const TASKS: Grammar = {
    accepted: [
        [1, '1'], [512, '512'], [4096n, '4096'], ['1', '1'], ['512', '512'], ['0512', '512'],
        ['18446744073709551614', '18446744073709551614'],
        ['10%', '10%'], ['100%', '100%'], ['0.5%', '0.5%'], ['007%', '7%'],
        ['infinity', 'infinity'],
    ],
    rejected: [
        ...HOSTILE, ...WRONG_TYPES, 0, -5, 1.5, Number.NaN, 0n, true,
        '0', '18446744073709551615', '0%', '101%', 'x%', '%', '-5%', '1.5', 'Infinity', '10 %',
    ],
};

const CPU_SET: Grammar = {
    accepted: [
        ['0', '0'], ['0-3', '0-3'], ['0-3,6', '0-3,6'], ['1,3,5', '1,3,5'], ['0-3,6-7,9', '0-3,6-7,9'],
        ['6-6', '6'], ['007', '7'], ['00-03', '0-3'], ['8191', '8191'], ['0-8191', '0-8191'],
    ],
    rejected: [
        ...HOSTILE, ...WRONG_TYPES, 3, 0, true,
        '3-0', '8192', '0-8192', '12345', '0-', '-3', '0,', ',0', '0,,1', '0--3', '0-3-5', '0 1', '0, 1',
        '0;1', 'all', '0-3,6 -p User=root',
    ],
};

const BOOLEAN: Grammar = {
    accepted: [[true, 'yes'], [false, 'no']],
    // GVariant 'b' unpacks to a JS boolean: a string or a number means the wrong type was stored.
    rejected: [...HOSTILE, ...WRONG_TYPES, 'true', 'false', 'yes', 'no', '1', '0', 1, 0, 1n],
};

function enumGrammar(values: readonly string[]): Grammar {
    return {
        accepted: [...values.map(value => [value, value] as const), [true, 'yes'], [false, 'no']],
        rejected: [
            ...HOSTILE, ...WRONG_TYPES, 1, 0,
            ...values.map(value => value.toUpperCase()), ...values.map(value => ` ${value}`),
            'true', 'false', 'on', 'read-write', 'yes -p User=root',
        ],
    };
}

const GRAMMAR_OF_KIND: Record<Exclude<ValueKind, 'size' | 'enum'>, Grammar> = {
    'cpu-quota': CPU_QUOTA,
    'weight': WEIGHT,
    'tasks': TASKS,
    'cpu-set': CPU_SET,
    'boolean': BOOLEAN,
};

function grammarOf(spec: PropertySpec): Grammar {
    if (spec.kind === 'size')
        return spec.allowZero ? SWAP_LIMIT : MEMORY_LIMIT;
    if (spec.kind === 'enum')
        return enumGrammar(spec.values ?? []);
    return GRAMMAR_OF_KIND[spec.kind];
}

function show(raw: unknown): string {
    if (typeof raw === 'bigint')
        return `${raw}n`;
    if (typeof raw === 'function')
        return 'a function';
    return JSON.stringify(raw) ?? String(raw);
}

describe('every property accepts exactly its grammar', () => {
    for (const spec of PROPERTIES) {
        const grammar = grammarOf(spec);
        test(`${spec.name} (${spec.kind}) accepts and normalizes`, () => {
            for (const [raw, value] of grammar.accepted)
                assert.deepEqual(checkValue(spec.name, raw), {ok: true, value}, `${spec.name} = ${show(raw)}`);
        });
        test(`${spec.name} (${spec.kind}) rejects, naming the property`, () => {
            for (const raw of grammar.rejected) {
                const check = checkValue(spec.name, raw);
                assert.equal(check.ok, false, `${spec.name} = ${show(raw)} was accepted as ${check.ok && check.value}`);
                if (!check.ok)
                    assert.ok(check.message.startsWith(`${spec.name}`), check.message);
            }
        });
    }
});

describe('the catalogue', () => {
    test('lists the properties the schema documents, in a fixed order', () => {
        assert.deepEqual(PROPERTIES.map(spec => spec.name), [
            'MemoryMax', 'MemoryHigh', 'MemorySwapMax', 'CPUQuota', 'CPUWeight', 'AllowedCPUs', 'IOWeight',
            'TasksMax', 'NoNewPrivileges', 'PrivateTmp', 'PrivateNetwork', 'ProtectHome', 'ProtectSystem',
        ]);
    });

    test('has one entry per name, found by findProperty', () => {
        assert.equal(new Set(PROPERTIES.map(spec => spec.name)).size, PROPERTIES.length);
        for (const spec of PROPERTIES)
            assert.equal(findProperty(spec.name), spec);
        for (const name of ['memorymax', 'User', 'ExecStart', 'toString', '__proto__', 'constructor', 'name', ''])
            assert.equal(findProperty(name), undefined, name);
    });

    test('resource properties fit a scope; sandbox options need a service', () => {
        for (const spec of PROPERTIES)
            assert.equal(spec.scope, spec.group !== 'sandbox', spec.name);
        assert.deepEqual(PROPERTIES.filter(spec => !spec.scope).map(spec => spec.name),
            ['NoNewPrivileges', 'PrivateTmp', 'PrivateNetwork', 'ProtectHome', 'ProtectSystem']);
    });

    test('names the cgroup controller each resource property needs', () => {
        assert.deepEqual(Object.fromEntries(PROPERTIES.map(spec => [spec.name, spec.controller])), {
            MemoryMax: 'memory', MemoryHigh: 'memory', MemorySwapMax: 'memory',
            CPUQuota: 'cpu', CPUWeight: 'cpu', AllowedCPUs: 'cpuset', IOWeight: 'io', TasksMax: 'pids',
            NoNewPrivileges: null, PrivateTmp: null, PrivateNetwork: null, ProtectHome: null, ProtectSystem: null,
        });
    });

    test('gives every property a systemd version, a label, one line of help', () => {
        for (const spec of PROPERTIES) {
            assert.ok(Number.isInteger(spec.since) && spec.since >= 183 && spec.since <= 257, `${spec.name}.since`);
            assert.match(spec.label, /^[A-Z][^\n]{2,40}$/, `${spec.name}.label`);
            assert.match(spec.help, /^[A-Z][^\n]{10,160}\.$/, `${spec.name}.help`);
        }
    });

    test('lists the enum values systemd knows', () => {
        assert.deepEqual(findProperty('ProtectHome')?.values, ['no', 'yes', 'read-only', 'tmpfs']);
        assert.deepEqual(findProperty('ProtectSystem')?.values, ['no', 'yes', 'full', 'strict']);
        for (const spec of PROPERTIES)
            assert.equal(spec.values !== undefined, spec.kind === 'enum', spec.name);
    });

    test('allows 0 only for the swap limit', () => {
        assert.deepEqual(PROPERTIES.filter(spec => spec.allowZero).map(spec => spec.name), ['MemorySwapMax']);
    });
});
