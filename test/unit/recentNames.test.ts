// Names remembered for a while, on a clock the test moves.

import assert from 'node:assert/strict';
import {test} from 'node:test';

import {RecentNames} from '../../src/core/recentNames.js';

test('a name is recent for the given time and no longer after it', () => {
    let now = 1000;
    const recent = new RecentNames(10_000, () => now);
    assert.equal(recent.has('a.scope'), false);
    recent.note('a.scope');
    now += 10_000;
    assert.equal(recent.has('a.scope'), true, 'still recent at the limit');
    now += 1;
    assert.equal(recent.has('a.scope'), false);
});

test('noting a name again starts its time anew', () => {
    let now = 0;
    const recent = new RecentNames(100, () => now);
    recent.note('a');
    now = 90;
    recent.note('a');
    now = 150;
    assert.equal(recent.has('a'), true);
});

test('old names are dropped when new ones are noted, so the map does not grow', () => {
    let now = 0;
    const recent = new RecentNames(100, () => now);
    for (let i = 0; i < 50; i++) {
        recent.note(`unit-${i}`);
        now += 10;
    }
    // Names noted more than 100 ms before the last note are gone.
    assert.ok(recent.size <= 11, `kept ${recent.size}`);
    assert.equal(recent.has('unit-49'), true);
    assert.equal(recent.has('unit-0'), false);
});
