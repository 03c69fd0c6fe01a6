// The profile editor's warning when a new MemoryMax is below what a running app of the
// profile uses now.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {appsAboveLimit, memoryLimitBytes, memoryWarnings} from '../../src/core/memoryWarning.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

describe('memoryLimitBytes', () => {
    test('reads sizes, shares of the RAM and no limit', () => {
        assert.equal(memoryLimitBytes('250M', null), 250 * MIB);
        assert.equal(memoryLimitBytes('1.5G', 16 * GIB), 1.5 * GIB);
        assert.equal(memoryLimitBytes('1048576', null), MIB);
        assert.equal(memoryLimitBytes('50%', 16 * GIB), 8 * GIB);
        assert.equal(memoryLimitBytes('50%', null), null, 'a share of RAM of unknown size');
        assert.equal(memoryLimitBytes('infinity', 16 * GIB), null);
    });
});

describe('appsAboveLimit', () => {
    const units = [
        {app: 'Calculator', bytes: 310 * MIB},
        {app: 'Firefox', bytes: 3.1 * GIB},
        {app: 'Firefox', bytes: 200 * MIB},
        {app: 'Text Editor', bytes: 250 * MIB},
    ];

    test('names each app above the limit once, with its largest unit, the largest first', () => {
        assert.deepEqual(appsAboveLimit('250M', null, units), [{app: 'Firefox', bytes: 3.1 * GIB}, {app: 'Calculator', bytes: 310 * MIB}]);
        assert.deepEqual(appsAboveLimit('2G', null, units), [{app: 'Firefox', bytes: 3.1 * GIB}]);
    });

    test('an app at the limit, a higher limit, no limit or no running app: nothing', () => {
        assert.deepEqual(appsAboveLimit('4G', null, units), []);
        assert.deepEqual(appsAboveLimit('infinity', null, units), []);
        assert.deepEqual(appsAboveLimit('250M', null, [{app: 'Text Editor', bytes: 250 * MIB}]), []);
        assert.deepEqual(appsAboveLimit('1M', null, []), []);
        assert.deepEqual(appsAboveLimit('1%', null, units), [], 'RAM size unknown');
        assert.deepEqual(appsAboveLimit('1%', 16 * GIB, units).map(({app}) => app), ['Firefox', 'Calculator', 'Text Editor']);
    });
});

describe('memoryWarnings', () => {
    test('says what the app uses, the new limit and what the kernel will do', () => {
        assert.deepEqual(memoryWarnings('250M', null, [{app: 'Calculator', bytes: 310 * MIB}]),
            ['Calculator uses 310.0 MiB now; with a limit of 250.0 MiB the kernel will reclaim its memory or kill it.']);
        assert.deepEqual(memoryWarnings('2G', 16 * GIB, [{app: 'Firefox', bytes: 3.1 * GIB}, {app: 'Calculator', bytes: 310 * MIB}]),
            ['Firefox uses 3.1 GiB now; with a limit of 2.0 GiB the kernel will reclaim its memory or kill it.']);
        assert.deepEqual(memoryWarnings('infinity', 16 * GIB, [{app: 'Firefox', bytes: 3.1 * GIB}]), []);
    });
});
