// The running-apps menu's figures: usage against limits, CPU from two samples, and
// values the user manager does not have shown as unknown.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {
    COUNTER_FILES, LIMIT_PROPERTIES, MEASURING, UNKNOWN, USAGE_PROPERTIES, compareListedUnits, counterOfFile, counterSources,
    cpuPercent, formatBytes, known, profileOfDescription, usageRow, type UsageSample,
} from '../../src/core/appUsage.js';

const UINT64_MAX = 18446744073709551615n;
const MiB = 1024 * 1024;

function sample(values: UsageSample['values'], timeUs = 0): UsageSample {
    return {values, timeUs};
}

describe('known', () => {
    test('the uint64 maximum, as bigint or as the double GJS makes of it, and missing values are unknown', () => {
        assert.equal(known(UINT64_MAX), null);
        assert.equal(known(Number(UINT64_MAX)), null);
        assert.equal(known(2 ** 64), null);
        assert.equal(known(undefined), null);
        assert.equal(known(Number.NaN), null);
        assert.equal(known(-1), null);
        assert.equal(known(0), 0);
        assert.equal(known(300 * MiB), 300 * MiB);
        assert.equal(known(12n), 12);
    });
});

describe('cpuPercent', () => {
    test('is the CPU time between two samples over the time between them, in percent of one CPU', () => {
        const a = sample({CPUUsageNSec: 1_000_000_000}, 10_000_000);
        const b = sample({CPUUsageNSec: 1_750_000_000}, 11_000_000);
        assert.equal(cpuPercent(a, b), 75);
        const c = sample({CPUUsageNSec: 4_750_000_000}, 12_000_000);
        assert.equal(cpuPercent(b, c), 300);
    });

    test('is null without an earlier sample, without CPU accounting, when time stood still or the counter fell', () => {
        const b = sample({CPUUsageNSec: 2e9}, 2e6);
        assert.equal(cpuPercent(null, b), null);
        assert.equal(cpuPercent(sample({CPUUsageNSec: UINT64_MAX}, 1e6), b), null);
        assert.equal(cpuPercent(sample({}, 1e6), b), null);
        assert.equal(cpuPercent(sample({CPUUsageNSec: 1e9}, 2e6), b), null);
        assert.equal(cpuPercent(sample({CPUUsageNSec: 3e9}, 1e6), b), null);
    });
});

describe('counterOfFile', () => {
    test('reads memory.current and pids.current as the one number they hold', () => {
        assert.equal(counterOfFile('MemoryCurrent', '314572800\n'), 314572800);
        assert.equal(counterOfFile('TasksCurrent', '7\n'), 7);
        assert.equal(counterOfFile('TasksCurrent', '0'), 0);
    });

    test('reads usage_usec of cpu.stat in nanoseconds, as systemd gives CPUUsageNSec', () => {
        const cpuStat = 'usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n';
        assert.equal(counterOfFile('CPUUsageNSec', cpuStat), 1_234_567_000);
        // The other *_usec keys are no CPU total.
        assert.equal(counterOfFile('CPUUsageNSec', 'user_usec 5\nsystem_usec 6\n'), null);
    });

    test('a file without its number gives no value, never 0 or NaN', () => {
        assert.equal(counterOfFile('MemoryCurrent', ''), null);
        assert.equal(counterOfFile('MemoryCurrent', 'max\n'), null);
        assert.equal(counterOfFile('TasksCurrent', '12 tasks\n'), null);
        assert.equal(counterOfFile('CPUUsageNSec', ''), null);
    });

    test('every counter the menu shows has its file, and the limits come from the user manager', () => {
        assert.deepEqual(Object.values(COUNTER_FILES), ['memory.current', 'cpu.stat', 'pids.current']);
        assert.deepEqual([...USAGE_PROPERTIES].sort(), [...Object.keys(COUNTER_FILES), ...LIMIT_PROPERTIES].sort());
    });
});

describe('counterSources', () => {
    const ALL = {MemoryCurrent: 300 * MiB, CPUUsageNSec: 5e9, TasksCurrent: 7};

    test('reads every counter from its file when the files are there', () => {
        assert.deepEqual(counterSources(ALL, ALL), {files: ['MemoryCurrent', 'CPUUsageNSec', 'TasksCurrent'], fromManager: false});
    });

    test('a file missing where the manager has no value either is not read again: no such controller', () => {
        // A container without the memory controller.
        assert.deepEqual(counterSources({MemoryCurrent: UINT64_MAX, CPUUsageNSec: 5e9, TasksCurrent: 7},
            {MemoryCurrent: null, CPUUsageNSec: 5e9, TasksCurrent: 7}), {files: ['CPUUsageNSec', 'TasksCurrent'], fromManager: false});
        // A cgroup v1 host: the manager has none of them, and there are no such files.
        assert.deepEqual(counterSources({MemoryCurrent: null, CPUUsageNSec: null, TasksCurrent: null}, {}), {files: [], fromManager: false});
    });

    test('the manager knowing a counter whose file is missing makes it the source: the files are not the ones it reads', () => {
        assert.equal(counterSources(ALL, {MemoryCurrent: null, CPUUsageNSec: null, TasksCurrent: null}).fromManager, true);
        assert.equal(counterSources(ALL, {...ALL, TasksCurrent: null}).fromManager, true);
    });
});

describe('formatBytes', () => {
    test('uses binary units, one decimal below 10', () => {
        assert.equal(formatBytes(0), '0 B');
        assert.equal(formatBytes(1023), '1023 B');
        assert.equal(formatBytes(1536), '1.5 KiB');
        assert.equal(formatBytes(300 * MiB), '300 MiB');
        assert.equal(formatBytes(1.25 * 1024 * MiB), '1.3 GiB');
    });
});

describe('usageRow', () => {
    test('shows usage against MemoryMax, CPUQuota and TasksMax with levels', () => {
        const before = sample({CPUUsageNSec: 0}, 0);
        const row = usageRow(before, sample({
            MemoryCurrent: 150 * MiB, MemoryMax: 300 * MiB, MemoryHigh: UINT64_MAX,
            CPUUsageNSec: 500_000_000, CPUQuotaPerSecUSec: 1_500_000, TasksCurrent: 7, TasksMax: 77,
        }, 1_000_000));
        assert.deepEqual(row, {
            memory: {text: '150 MiB of 300 MiB', level: 0.5},
            memoryLimit: 'MemoryMax',
            cpu: {text: '50 % of 150 %', level: 50 / 150},
            tasks: {text: '7 of 77', level: 7 / 77},
        });
    });

    test('falls back to MemoryHigh when there is no MemoryMax', () => {
        const row = usageRow(null, sample({MemoryCurrent: 100 * MiB, MemoryMax: UINT64_MAX, MemoryHigh: 200 * MiB}));
        assert.deepEqual(row.memory, {text: '100 MiB of 200 MiB', level: 0.5});
        assert.equal(row.memoryLimit, 'MemoryHigh');
    });

    test('a unit without a memory controller or CPU accounting reads unknown, never 0 or NaN', () => {
        const row = usageRow(sample({CPUUsageNSec: UINT64_MAX}, 0), sample({
            MemoryCurrent: UINT64_MAX, CPUUsageNSec: UINT64_MAX, TasksCurrent: UINT64_MAX,
            MemoryMax: 300 * MiB, MemoryHigh: UINT64_MAX, CPUQuotaPerSecUSec: UINT64_MAX, TasksMax: UINT64_MAX,
        }, 1e6));
        assert.deepEqual(row, {
            memory: {text: `${UNKNOWN} of 300 MiB`, level: null},
            memoryLimit: 'MemoryMax',
            cpu: {text: UNKNOWN, level: null},
            tasks: {text: UNKNOWN, level: null},
        });
        assert.doesNotMatch(JSON.stringify(row), /NaN|"0 /);
    });

    test('a unit without limits shows usage alone', () => {
        const row = usageRow(null, sample({MemoryCurrent: 5 * MiB, TasksCurrent: 3}));
        assert.deepEqual(row, {
            memory: {text: '5.0 MiB', level: null}, memoryLimit: null,
            cpu: {text: UNKNOWN, level: null}, tasks: {text: '3', level: null},
        });
    });
});

test('usageRow: the first sample of a unit with CPU accounting is still measuring, not unknown', () => {
    assert.deepEqual(usageRow(null, sample({CPUUsageNSec: 5e9})).cpu, {text: MEASURING, level: null});
    assert.deepEqual(usageRow(null, sample({CPUUsageNSec: 5e9, CPUQuotaPerSecUSec: 1_500_000})).cpu,
        {text: `${MEASURING} of 150 %`, level: null});
});

describe('profileOfDescription', () => {
    test('reads the profile name Confine writes into the unit description', () => {
        assert.equal(profileOfDescription('Text Editor (Confine profile E2E limits)'), 'E2E limits');
        assert.equal(profileOfDescription('Application launched by gnome-shell'), null);
    });
});

describe('compareListedUnits', () => {
    test('puts confined apps first, then sorts by name', () => {
        const units = [
            {name: 'b', confined: false, label: 'Apple'},
            {name: 'c', confined: true, label: 'Zebra'},
            {name: 'a', confined: true, label: 'Mango'},
            {name: 'd', confined: false, label: 'Apple'},
        ];
        assert.deepEqual(units.sort(compareListedUnits).map(unit => unit.name), ['a', 'c', 'b', 'd']);
    });
});
