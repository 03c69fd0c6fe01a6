// Limit events from cgroup counters: each kind reported once per launch, MemoryHigh
// only when the throttling goes on, and the notification naming app, profile and limit.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {LimitEvents, SUSTAINED_MS, THROTTLE_GAP_MS, YOUNG_UNIT_MS, limitNotice, parseEventCounts} from '../../src/core/limitEvents.js';

const memory = (counts: Record<string, number>) => new Map(Object.entries({low: 0, high: 0, max: 0, oom: 0, oom_kill: 0, ...counts}));

describe('parseEventCounts', () => {
    test('reads memory.events and pids.events', () => {
        assert.deepEqual([...parseEventCounts('low 0\nhigh 12\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n')],
            [['low', 0], ['high', 12], ['max', 3], ['oom', 1], ['oom_kill', 1], ['oom_group_kill', 0]]);
        assert.deepEqual([...parseEventCounts('max 1\n')], [['max', 1]]);
        assert.deepEqual([...parseEventCounts('garbage\nmax x\n\n')], []);
    });
});

describe('LimitEvents', () => {
    test('the first reading is the baseline; an oom_kill rise after it is reported once', () => {
        const events = new LimitEvents();
        assert.deepEqual(events.memoryEvents(memory({oom_kill: 2}), 0), []);
        assert.deepEqual(events.memoryEvents(memory({oom_kill: 2, max: 5}), 100), []);
        assert.deepEqual(events.memoryEvents(memory({oom_kill: 3, oom: 3}), 200), ['oom-kill']);
        assert.deepEqual(events.memoryEvents(memory({oom_kill: 4, oom: 4}), 300), []);
    });

    test('a unit ending in oom-kill counts only after it was seen at its MemoryMax, and not twice', () => {
        const oomd = new LimitEvents();
        oomd.memoryEvents(memory({}), 0);
        oomd.memoryEvents(memory({high: 4}), 10);
        assert.deepEqual(oomd.unitResult('oom-kill', 0), [], 'a kill without reaching MemoryMax is systemd-oomd\'s');

        const kernel = new LimitEvents();
        kernel.memoryEvents(memory({}), 0);
        kernel.memoryEvents(memory({max: 40}), 10);
        assert.deepEqual(kernel.unitResult('success', 0), []);
        assert.deepEqual(kernel.unitResult('oom-kill', 0), ['oom-kill']);

        const both = new LimitEvents();
        both.memoryEvents(memory({}), 0);
        assert.deepEqual(both.memoryEvents(memory({max: 40, oom: 1, oom_kill: 1}), 10), ['oom-kill']);
        assert.deepEqual(both.unitResult('oom-kill', 0), [], 'reported once');
    });

    test('a fresh unit counts from 0: an event before the first reading is reported', () => {
        const events = new LimitEvents({fresh: true});
        assert.deepEqual(events.memoryEvents(memory({max: 9, oom: 1, oom_kill: 1}), 0), ['oom-kill']);
        assert.deepEqual(new LimitEvents({fresh: true}).pidsEvents(new Map([['max', 1]])), ['tasks-max']);
    });

    test('a fresh unit killed before its counters were read, or young, counts as a kill at its limit; an older one needs MemoryMax seen', () => {
        assert.deepEqual(new LimitEvents({fresh: true, startMs: 0}).unitResult('oom-kill', 60_000), ['oom-kill']);
        assert.deepEqual(new LimitEvents().unitResult('oom-kill', 1000), [], 'a unit found running, never read');
        const bomb = new LimitEvents({fresh: true, startMs: 5000});
        bomb.memoryEvents(memory({}), 5500);
        assert.deepEqual(bomb.unitResult('oom-kill', 7000), ['oom-kill'],
            'read once below its limit, killed 2 s after its start: the kernel at MemoryMax (VM 80)');
        const old = new LimitEvents({fresh: true, startMs: 0});
        old.memoryEvents(memory({}), 500);
        assert.deepEqual(old.unitResult('oom-kill', YOUNG_UNIT_MS), [], 'read, never at MemoryMax, old enough: systemd-oomd');
    });

    test('MemoryHigh throttling is reported once it lasted SUSTAINED_MS, once', () => {
        const events = new LimitEvents();
        events.memoryEvents(memory({}), 0);
        let now = 1000;
        let high = 0;
        const found: string[][] = [];
        for (; now <= 1000 + SUSTAINED_MS + 2000; now += 800)
            found.push(events.memoryEvents(memory({high: ++high}), now));
        const reportedAt = found.findIndex(kinds => kinds.length > 0);
        assert.deepEqual(found[reportedAt], ['memory-high']);
        assert.ok(reportedAt * 800 >= SUSTAINED_MS, `reported after ${reportedAt * 800} ms`);
        assert.deepEqual(found.slice(reportedAt + 1).flat(), []);
    });

    test('short bursts of throttling with long pauses are not sustained', () => {
        const events = new LimitEvents();
        events.memoryEvents(memory({}), 0);
        let high = 0;
        for (let burst = 0; burst < 5; burst++) {
            const start = burst * (THROTTLE_GAP_MS + 5000);
            assert.deepEqual(events.memoryEvents(memory({high: ++high}), start), []);
            assert.deepEqual(events.memoryEvents(memory({high: ++high}), start + SUSTAINED_MS / 2), []);
        }
    });

    test('a refused fork (pids.events max) is reported once', () => {
        const events = new LimitEvents();
        assert.deepEqual(events.pidsEvents(new Map([['max', 0]])), []);
        assert.deepEqual(events.pidsEvents(new Map([['max', 0]])), []);
        assert.deepEqual(events.pidsEvents(new Map([['max', 1]])), ['tasks-max']);
        assert.deepEqual(events.pidsEvents(new Map([['max', 9]])), []);
    });
});

describe('limitNotice', () => {
    test('names the app, the profile and the limit', () => {
        for (const kind of ['oom-kill', 'memory-high', 'tasks-max'] as const) {
            const {title, body} = limitNotice(kind, 'Text Editor', 'Strict', '200 MiB');
            assert.match(title, /^Text Editor /);
            assert.match(body, /Text Editor/);
            assert.match(body, /“Strict”/);
            assert.match(body, /(MemoryMax|MemoryHigh|TasksMax) 200 MiB/);
        }
        assert.match(limitNotice('tasks-max', 'A', 'P', null).body, /\(TasksMax\)/);
    });
});
