// Values GSettings would replace by the schema default: found, and failing closed.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {failurePolicy, foreignValues, foreignValuesFor, type StoredValue} from '../../src/core/storedValues.js';

const text = (value: string): StoredValue => ({type: 's', text: `'${value}'`, string: value});

describe('failurePolicy', () => {
    test('follows a known value', () => {
        assert.equal(failurePolicy('refuse', text('refuse')), 'refuse');
        assert.equal(failurePolicy('launch-unconfined', text('launch-unconfined')), 'launch-unconfined');
        assert.equal(failurePolicy('launch-unconfined', undefined), 'launch-unconfined');
    });

    test('refuses for a value that is not a nick, whatever GSettings reads', () => {
        assert.equal(failurePolicy('launch-unconfined', text('Refuse')), 'refuse');
        assert.equal(failurePolicy('launch-unconfined', text('')), 'refuse');
    });

    test('refuses for a value of another type', () => {
        assert.equal(failurePolicy('launch-unconfined', {type: 'i', text: 'int32 0'}), 'refuse');
    });

    test('refuses when GSettings itself reads something unknown', () => {
        assert.equal(failurePolicy('', undefined), 'refuse');
    });
});

describe('foreignValues', () => {
    test('finds nothing in well-typed values', () => {
        const stored = new Map([
            ['profiles', {type: 'a{sa{sv}}', text: "{'a': {'name': <'A'>}}"}],
            ['on-failure', text('refuse')],
            ['app-profiles', {type: 'a{ss}', text: '@a{ss} {}'}],
        ]);
        assert.deepEqual(foreignValues(stored), []);
    });

    test('names the key, the stored type and the expected one for profiles without variants', () => {
        const stored = new Map([['profiles', {type: 'a{sa{ss}}', text: "{'relaxed': {'name': 'Mine'}}"}]]);
        const [problem, ...rest] = foreignValues(stored);
        assert.deepEqual(rest, []);
        assert.equal(problem.key, 'profiles');
        assert.match(problem.message, /profiles holds .* of type a\{sa\{ss\}\}, not a\{sa\{sv\}\}/);
        assert.match(problem.message, /gsettings reset org\.gnome\.shell\.extensions\.confine profiles/);
    });

    test('names a misspelled on-failure', () => {
        const [problem] = foreignValues(new Map([['on-failure', text('Refuse')]]));
        assert.match(problem.message, /on-failure is 'Refuse', which is not one of launch-unconfined, refuse/);
    });

    test('looks only at the keys asked for, in their order', () => {
        const stored = new Map([
            ['on-failure', text('Refuse')],
            ['default-profile', {type: 'i', text: 'int32 1'}],
            ['app-profiles', {type: 'a{sv}', text: "{'x.desktop': <'a'>}"}],
        ]);
        assert.deepEqual(foreignValues(stored, ['profiles', 'app-profiles', 'default-profile']).map(problem => problem.key),
            ['app-profiles', 'default-profile']);
    });

    test('ignores keys it does not know and keeps messages short and on one line', () => {
        const long = `{'a': {'name': '${'x'.repeat(500)}\n'}}`;
        const stored = new Map([['other', {type: 'i', text: '1'}], ['profiles', {type: 'a{sa{ss}}', text: long}]]);
        const [problem] = foreignValues(stored);
        assert.ok(problem.message.length < 500);
        assert.doesNotMatch(problem.message, /\n/);
    });
});

describe('foreignValuesFor', () => {
    // What GSettings reads when the stored profiles are not a{sa{sv}}: its built-in ones.
    const BUILT_IN = {relaxed: {name: 'Relaxed', MemoryMax: '70%'}};
    const settings = (assignments: Record<string, string>, defaultProfile = '') =>
        ({profiles: BUILT_IN, assignments, defaultProfile});
    const withoutVariants = new Map([['profiles', {type: 'a{sa{ss}}', text: "{'relaxed': {'name': 'Mine'}}"}]]);
    const keys = (problems: {key: string}[]) => problems.map(problem => problem.key);

    test('a launch that needs a profile cannot use built-in profiles that replaced the stored ones', () => {
        assert.deepEqual(keys(foreignValuesFor('a.desktop', settings({'a.desktop': 'relaxed'}), withoutVariants)), ['profiles']);
        assert.deepEqual(keys(foreignValuesFor('a.desktop', settings({}, 'relaxed'), withoutVariants)), ['profiles']);
        assert.deepEqual(keys(foreignValuesFor('a.desktop', settings({'a.desktop': 'mine'}), withoutVariants)), ['profiles']);
    });

    test('a launch without a profile does not need them', () => {
        assert.deepEqual(foreignValuesFor('a.desktop', settings({'a.desktop': ''}, 'relaxed'), withoutVariants), []);
        assert.deepEqual(foreignValuesFor('b.desktop', settings({'a.desktop': 'relaxed'}), withoutVariants), []);
    });

    test('foreign assignments concern every app', () => {
        const stored = new Map([['app-profiles', {type: 'a{sv}', text: "{'a.desktop': <'relaxed'>}"}]]);
        assert.deepEqual(keys(foreignValuesFor('b.desktop', settings({}), stored)), ['app-profiles']);
    });

    test('a foreign default concerns only apps without an assignment', () => {
        const stored = new Map([['default-profile', {type: 'i', text: 'int32 1'}]]);
        assert.deepEqual(keys(foreignValuesFor('b.desktop', settings({}), stored)), ['default-profile']);
        assert.deepEqual(foreignValuesFor('a.desktop', settings({'a.desktop': 'relaxed'}), stored), []);
    });

    test('well-typed values concern nobody', () => {
        const stored = new Map([['profiles', {type: 'a{sa{sv}}', text: "{'relaxed': {'name': <'R'>}}"}]]);
        assert.deepEqual(foreignValuesFor('a.desktop', settings({'a.desktop': 'relaxed'}), stored), []);
    });
});
