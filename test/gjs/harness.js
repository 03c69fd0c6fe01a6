// A minimal test runner for gjs: tests run in order, each failure is printed with
// its message, and the last line ("RESULT passed=N failed=N") is read by run.sh.

import GLib from 'gi://GLib';
import System from 'system';

const tests = [];

export function test(name, body) {
    tests.push({name, body});
}

function show(value) {
    if (typeof value === 'string')
        return JSON.stringify(value);
    if (value instanceof Uint8Array)
        return `bytes[${[...value].join(',')}]`;
    return JSON.stringify(value, (_key, item) => typeof item === 'bigint' ? `${item}n` : item);
}

export function assertEqual(actual, expected, what = 'value') {
    if (actual !== expected)
        throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Deep equality for plain data (arrays, objects, strings, numbers, booleans). */
export function assertDeepEqual(actual, expected, what = 'value') {
    const left = show(actual);
    const right = show(expected);
    if (left !== right)
        throw new Error(`${what}:\n  expected ${right}\n  got      ${left}`);
}

export function assertTrue(condition, what) {
    if (!condition)
        throw new Error(what);
}

/**
 * Runs every registered test, awaiting those that return a promise (with a main loop
 * running, so that Gio's asynchronous calls complete), and exits non-zero when one failed.
 */
export function run(file) {
    const loop = new GLib.MainLoop(null, false);
    let passed = 0;
    let failed = 0;
    const all = async () => {
        for (const {name, body} of tests) {
            try {
                await body();
                passed++;
                print(`ok - ${file}: ${name}`);
            } catch (error) {
                failed++;
                print(`not ok - ${file}: ${name}`);
                for (const line of `${error.message}\n${error.stack ?? ''}`.trimEnd().split('\n'))
                    print(`#   ${line}`);
            }
        }
    };
    all().finally(() => loop.quit());
    loop.run();
    print(`RESULT passed=${passed} failed=${failed}`);
    System.exit(failed === 0 ? 0 : 1);
}
