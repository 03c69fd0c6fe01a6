// Issue 12, item 5: a unit that ends right after its start is reported with why.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {earlyEndReason, earlyExitMessage, endOfWaitStatus, journalTail} from '../../src/core/earlyExit.js';

describe('early exits', () => {
    test('wait statuses become exit statuses and signals', () => {
        assert.deepEqual(endOfWaitStatus(0), {code: 1, status: 0});
        assert.deepEqual(endOfWaitStatus(3 << 8), {code: 1, status: 3});
        assert.deepEqual(endOfWaitStatus(9), {code: 2, status: 9});
        assert.deepEqual(endOfWaitStatus(0x80 | 11), {code: 3, status: 11});
    });

    test('a clean end is no failure; anything else says why', () => {
        assert.equal(earlyEndReason({code: 1, status: 0, result: 'success'}), null);
        assert.equal(earlyEndReason({code: 1, status: 0}), null);
        assert.equal(earlyEndReason({}), null);
        assert.equal(earlyEndReason({code: 1, status: 3, result: 'exit-code'}), 'it exited with status 3');
        assert.equal(earlyEndReason({code: 2, status: 15, result: 'signal'}), 'it was killed by SIGTERM');
        assert.equal(earlyEndReason({code: 3, status: 11}), 'it was killed by SIGSEGV (core dumped)');
        assert.equal(earlyEndReason({code: 2, status: 40}), 'it was killed by signal 40');
        assert.equal(earlyEndReason({result: 'timeout'}), 'it ended with result “timeout”');
    });

    test('an end by the limits (the OOM killer at MemoryMax) is no failed launch', () => {
        assert.equal(earlyEndReason({result: 'oom-kill'}), null);
        assert.equal(earlyEndReason({code: 2, status: 9, result: 'oom-kill'}), null);
        // A scope's app killed at its limit: the wait status is all there is.
        assert.equal(earlyEndReason(endOfWaitStatus(9)), null);
    });

    test('the journal tail is short and free of control characters', () => {
        const text = `${Array.from({length: 20}, (_, i) => `line ${i}`).join('\n')}\n\u001b[31mred\u0007\n${'x'.repeat(900)}\n`;
        const tail = journalTail(text);
        assert.equal(tail.length, 5);
        assert.deepEqual(tail.slice(0, 4), ['line 17', 'line 18', 'line 19', '[31mred']);
        assert.equal(tail[4].length, 200);
        assert.equal(earlyExitMessage('u.service', 'it exited with status 3', []),
            'u.service stopped within 5 s of its start: it exited with status 3.');
        assert.match(earlyExitMessage('u.service', 'r', ['a', 'b']), /Its last words:\na\nb$/);
    });
});
