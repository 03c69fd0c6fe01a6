// A small test runner for gjs: named tests, assertions, and a main loop that keeps
// turning while a test waits, so widgets really get realized, mapped and drawn.

import GLib from 'gi://GLib';

const tests = [];

export function test(name, fn) {
    tests.push({name, fn});
}

export class AssertionError extends Error {}

function show(value) {
    try {
        return JSON.stringify(value, (_key, item) => typeof item === 'bigint' ? `${item}n` : item);
    } catch {
        return String(value);
    }
}

export const assert = {
    ok(value, message = 'expected a true value') {
        if (!value)
            throw new AssertionError(message);
    },
    equal(actual, expected, message = '') {
        if (actual !== expected)
            throw new AssertionError(`${message}${message ? ': ' : ''}expected ${show(expected)}, got ${show(actual)}`);
    },
    deepEqual(actual, expected, message = '') {
        if (show(actual) !== show(expected))
            throw new AssertionError(`${message}${message ? ': ' : ''}expected ${show(expected)}, got ${show(actual)}`);
    },
    match(text, pattern, message = '') {
        if (typeof text !== 'string' || !pattern.test(text))
            throw new AssertionError(`${message}${message ? ': ' : ''}${show(text)} does not match ${pattern}`);
    },
    notMatch(text, pattern, message = '') {
        if (typeof text === 'string' && pattern.test(text))
            throw new AssertionError(`${message}${message ? ': ' : ''}${show(text)} matches ${pattern}`);
    },
};

/** Runs the default main context for `ms` milliseconds. */
export function wait(ms) {
    return new Promise(resolve => {
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}

/** Turns the main loop until `predicate()` is true; throws after `timeoutMs`. */
export async function waitUntil(predicate, what, timeoutMs = 5000) {
    const deadline = GLib.get_monotonic_time() + timeoutMs * 1000;
    while (!predicate()) {
        if (GLib.get_monotonic_time() > deadline)
            throw new AssertionError(`timed out waiting for ${what}`);
        await wait(20);
    }
}

/** Runs the tests whose name contains `filter`; prints TAP and returns the failure count. */
export async function run(filter = '') {
    const selected = tests.filter(item => item.name.includes(filter));
    print(`1..${selected.length}`);
    let failed = 0;
    for (const [index, item] of selected.entries()) {
        const started = GLib.get_monotonic_time();
        try {
            await item.fn();
            print(`ok ${index + 1} - ${item.name} (${Math.round((GLib.get_monotonic_time() - started) / 1000)} ms)`);
        } catch (error) {
            failed++;
            print(`not ok ${index + 1} - ${item.name}`);
            for (const line of `${error}\n${error?.stack ?? ''}`.trimEnd().split('\n'))
                print(`  # ${line}`);
        }
    }
    print(`# ${selected.length - failed} passed, ${failed} failed`);
    return failed;
}
