// Issue 13: what a failed launch turns into, composed in one place: the on-failure
// policy's choice and the notification's words.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {
    LaunchFailure, STARTED, errorMessage, failureNotice, jobOutcome, notStarted, type LaunchFailureReport,
} from '../../src/core/launchFailure.js';

const mark = (message: string): string => `«${message}»`;

function report(extra: Partial<LaunchFailureReport> = {}): LaunchFailureReport {
    return {app: 'Calculator', profile: 'E2E limits', reason: 'systemd-run is not installed', cause: 'systemd',
        policy: 'refuse', policyProblem: null, ...extra};
}

describe('launch outcomes', () => {
    test('only a start job that is "done" started the unit', () => {
        assert.deepEqual(jobOutcome('u.scope', 'done'), STARTED);
        for (const result of ['failed', 'canceled', 'timeout', 'dependency', 'skipped', '']) {
            const outcome = jobOutcome('u.scope', result);
            assert.equal(outcome.started, false, result);
            assert.ok(!outcome.started && outcome.reason.includes('u.scope') && outcome.reason.includes(`“${result}”`));
        }
        assert.deepEqual(notStarted('why'), {started: false, reason: 'why'});
        const marked = jobOutcome('u.scope', 'failed', mark);
        assert.ok(!marked.started && /^«.*»$/.test(marked.reason));
    });

    test('errorMessage reads the message of anything thrown', () => {
        assert.equal(errorMessage(new LaunchFailure('no')), 'no');
        assert.equal(errorMessage({message: 'a GLib.Error'}), 'a GLib.Error');
        assert.equal(errorMessage('text'), 'text');
        assert.equal(errorMessage(null), 'null');
        assert.ok(new LaunchFailure('x') instanceof Error);
    });
});

describe('failureNotice', () => {
    test('refuse: not started, the app never starts unconfined, and how to allow that', () => {
        const notice = failureNotice(report());
        assert.deepEqual(notice, {
            title: 'Calculator was not started',
            body: 'Profile “E2E limits”: systemd-run is not installed\n' +
                'Check that systemd-run is installed and that “systemctl --user status” works. ' +
                'Or set “If confinement fails” to launch unconfined.',
            startUnconfined: false,
        });
    });

    test('launch-unconfined: started without its limits, which the body says', () => {
        const notice = failureNotice(report({policy: 'launch-unconfined', cause: 'profile', reason: 'MemoryMax: lots is not a size'}));
        assert.equal(notice.title, 'Calculator was started without confinement');
        assert.equal(notice.body, 'Profile “E2E limits”: MemoryMax: lots is not a size\n' +
            'It runs without the limits of its profile. Fix the profile in Confine’s preferences.');
        assert.equal(notice.startUnconfined, true);
    });

    test('each cause has its advice; settings problems carry their own', () => {
        const advice = (cause: LaunchFailureReport['cause']) => failureNotice(report({cause, policy: 'launch-unconfined'})).body.split('\n')[1];
        assert.match(advice('early-exit'), /an option of its profile keeps it from running/);
        assert.match(advice('profile'), /Fix the profile/);
        assert.match(advice('systemd'), /systemctl --user status/);
        assert.equal(advice('settings'), 'It runs without the limits of its profile.');
        assert.equal(failureNotice(report({cause: 'settings'})).body.split('\n')[1], 'Or set “If confinement fails” to launch unconfined.');
    });

    test('a foreign on-failure value replaces the advice, and no profile means no profile line', () => {
        const notice = failureNotice(report({profile: null, policyProblem: 'The setting on-failure is \'Refuse\' …'}));
        assert.equal(notice.body, 'systemd-run is not installed\nThe setting on-failure is \'Refuse\' …');
        assert.equal(notice.startUnconfined, false);
    });

    test('every word of the notice is translated', () => {
        for (const policy of ['refuse', 'launch-unconfined'] as const) {
            for (const cause of ['settings', 'profile', 'systemd', 'early-exit'] as const) {
                const notice = failureNotice(report({policy, cause}), mark);
                assert.match(notice.title, /^«.*»$/);
                const [head, advice] = notice.body.split('\n');
                assert.match(head, /^«Profile “E2E limits”: systemd-run is not installed»$/);
                assert.match(advice, /^«.*»$/, `${policy} ${cause}`);
            }
        }
    });
});
