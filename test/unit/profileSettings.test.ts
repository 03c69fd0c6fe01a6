import {strict as assert} from 'node:assert';
import {test} from 'node:test';

import {
    addProfile, appsUsingProfile, checkProfileName, deleteProfile, duplicateProfile, findAssignmentKey, newProfileId,
    profileName, renameProfile, uniqueName, withAssignment, type ProfileSettings,
} from '../../src/core/profileSettings.js';
import {OversizedProfile, PROFILE_ID_PATTERN} from '../../src/core/validation.js';

const SET: ProfileSettings = {
    profiles: {
        relaxed: {name: 'Relaxed', MemoryMax: '70%'},
        strict: {name: 'Strict', MemoryMax: '70%', CPUQuota: '100%', NoNewPrivileges: true},
    },
    assignments: {'firefox-esr.desktop': 'strict', 'org.gnome.TextEditor.desktop': 'relaxed', 'top.desktop': 'strict', 'x.desktop': ''},
    defaultProfile: 'relaxed',
};

test('new profile ids come from the name and never collide', () => {
    assert.equal(newProfileId('Web browsers', []), 'web-browsers');
    assert.equal(newProfileId('Strict', ['strict']), 'strict-2');
    assert.equal(newProfileId('Strict', ['strict', 'strict-2']), 'strict-3');
    assert.equal(newProfileId('Ünïcode  & spaces!', []), 'unicode-spaces');
    assert.equal(newProfileId('日本語', []), 'profile');
    assert.equal(newProfileId('日本語', ['profile']), 'profile-2');
    const long = newProfileId('a'.repeat(200), []);
    assert.ok(PROFILE_ID_PATTERN.test(long), long);
    assert.ok(PROFILE_ID_PATTERN.test(newProfileId('a'.repeat(200), [long])));
});

test('uniqueName numbers names that are taken', () => {
    assert.equal(uniqueName('Strict (copy)', ['Strict']), 'Strict (copy)');
    assert.equal(uniqueName('Strict (copy)', ['Strict (copy)', 'Strict (copy) 2']), 'Strict (copy) 3');
});

test('profileName falls back to the id when the name is unusable', () => {
    assert.equal(profileName('strict', {name: ' Strict '}), 'Strict');
    assert.equal(profileName('odd', {name: 7}), 'odd');
    assert.equal(profileName('odd', 'not a dictionary'), 'odd');
});

test('apps using a profile are listed sorted', () => {
    assert.deepEqual(appsUsingProfile('strict', SET.assignments), ['firefox-esr.desktop', 'top.desktop']);
    assert.deepEqual(appsUsingProfile('', SET.assignments), ['x.desktop']);
    assert.deepEqual(appsUsingProfile('none', SET.assignments), []);
});

test('profile names are checked by the core validation', () => {
    assert.equal(checkProfileName('Games'), null);
    assert.match(checkProfileName('   ') ?? '', /empty/);
    assert.match(checkProfileName('x'.repeat(65)) ?? '', /longer than 64/);
    assert.match(checkProfileName('a\nb') ?? '', /control characters/);
});

test('addProfile adds an empty profile under a fresh id', () => {
    const added = addProfile(SET, ' Games ');
    assert.ok(added.ok);
    assert.equal(added.id, 'games');
    assert.deepEqual(added.set.profiles.games, {name: 'Games'});
    assert.deepEqual(added.set.profiles.strict, SET.profiles.strict);
    assert.equal(addProfile(SET, '').ok, false);
});

test('duplicateProfile copies every property under a new id and name', () => {
    const copy = duplicateProfile(SET, 'strict', 'Strict (copy)');
    assert.ok(copy.ok);
    assert.equal(copy.id, 'strict-copy');
    assert.deepEqual(copy.set.profiles['strict-copy'],
        {name: 'Strict (copy)', MemoryMax: '70%', CPUQuota: '100%', NoNewPrivileges: true});
    assert.deepEqual(copy.set.assignments, SET.assignments);
    assert.equal(duplicateProfile(SET, 'missing', 'X').ok, false);
});

test('renameProfile keeps the id and the properties', () => {
    const renamed = renameProfile(SET, 'strict', 'Locked down');
    assert.ok(renamed.ok);
    assert.deepEqual(renamed.set.profiles.strict, {...SET.profiles.strict, name: 'Locked down'});
    const bad = renameProfile(SET, 'strict', '');
    assert.equal(bad.ok, false);
});

test('deleting a used profile removes its assignments so the apps follow the default', () => {
    const deletion = deleteProfile(SET, 'strict');
    assert.deepEqual(deletion.reassigned, ['firefox-esr.desktop', 'top.desktop']);
    assert.equal(deletion.defaultCleared, false);
    assert.deepEqual(Object.keys(deletion.set.profiles), ['relaxed']);
    assert.deepEqual(deletion.set.assignments, {'org.gnome.TextEditor.desktop': 'relaxed', 'x.desktop': ''});
    assert.equal(deletion.set.defaultProfile, 'relaxed');
});

test('deleting the default profile leaves no default', () => {
    const deletion = deleteProfile(SET, 'relaxed');
    assert.equal(deletion.defaultCleared, true);
    assert.equal(deletion.set.defaultProfile, '');
    assert.deepEqual(deletion.reassigned, ['org.gnome.TextEditor.desktop']);
});

test('withAssignment sets, pins to no confinement, or removes an assignment', () => {
    assert.equal(withAssignment(SET.assignments, 'new.desktop', 'strict')['new.desktop'], 'strict');
    assert.equal(withAssignment(SET.assignments, 'new.desktop', '')['new.desktop'], '');
    assert.equal(Object.hasOwn(withAssignment(SET.assignments, 'x.desktop', null), 'x.desktop'), false);
    assert.deepEqual(withAssignment({}, 'c.desktop', ''), {'c.desktop': ''});
});

test('withAssignment stores the app under the desktop id the shell asks for, and drops its other spelling', () => {
    assert.deepEqual(withAssignment({'a.desktop': 'x', 'firefox-esr': 'relaxed'}, 'firefox-esr', 'strict'),
        {'a.desktop': 'x', 'firefox-esr.desktop': 'strict'});
    assert.deepEqual(withAssignment({'a.desktop': 'x', 'firefox-esr': 'relaxed'}, 'firefox-esr.desktop', 'strict'),
        {'a.desktop': 'x', 'firefox-esr.desktop': 'strict'});
    assert.deepEqual(withAssignment({'a.desktop': 'x', 'b.desktop': '', 'b': 'strict'}, 'b', null), {'a.desktop': 'x'});
    // The edit and the lookup agree: what was just assigned is what the shell finds.
    const assignments = withAssignment({'gedit': 'relaxed'}, 'gedit.desktop', 'strict');
    assert.equal(findAssignmentKey('gedit.desktop', assignments), 'gedit.desktop');
    assert.equal(assignments[findAssignmentKey('gedit', assignments)!], 'strict');
});

test('a profile too large to be read is neither copied nor renamed', () => {
    const set = {...SET, profiles: {...SET.profiles, huge: new OversizedProfile(100)}};
    for (const edit of [duplicateProfile(set, 'huge', 'Copy'), renameProfile(set, 'huge', 'Other')]) {
        assert.equal(edit.ok, false);
        assert.match(!edit.ok ? edit.message : '', /has 100 keys; a profile has at most 64/);
    }
});
