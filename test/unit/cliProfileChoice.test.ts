import {strict as assert} from 'node:assert';
import {test} from 'node:test';

import {ConfineError, EXIT} from '../../src/cli/exitStatus.js';
import {chooseProfile} from '../../src/cli/profileChoice.js';
import type {ProfileSettings} from '../../src/core/profileSettings.js';

const PROFILES = {
    relaxed: {name: 'Relaxed', MemoryMax: '70%'},
    strict: {name: 'Strict', MemoryMax: '70%', CPUQuota: '100%', NoNewPrivileges: true, PrivateTmp: true},
    broken: {name: 'Broken', PrivateTmp: 'true', CPUQuota: 'lots'},
};

function settings(overrides: Partial<ProfileSettings> = {}): ProfileSettings {
    return {profiles: PROFILES, assignments: {}, defaultProfile: '', ...overrides};
}

function failure(fn: () => unknown): ConfineError {
    try {
        fn();
    } catch (error) {
        assert.ok(error instanceof ConfineError);
        return error;
    }
    assert.fail('expected a ConfineError');
}

test('--profile picks that profile, validated', () => {
    const choice = chooseProfile({profile: 'strict', app: null}, settings());
    assert.equal(choice.profile.id, 'strict');
    assert.equal(choice.profile.properties.get('NoNewPrivileges'), 'yes');
});

test('an unknown profile lists the known ones', () => {
    const error = failure(() => chooseProfile({profile: 'nope', app: null}, settings()));
    assert.equal(error.status, EXIT.UNKNOWN_PROFILE);
    assert.equal(error.message, 'there is no profile "nope"; known profiles: broken, relaxed, strict');
});

test('an invalid profile gives every validation message on one line', () => {
    const error = failure(() => chooseProfile({profile: 'broken', app: null}, settings()));
    assert.equal(error.status, EXIT.INVALID_PROFILE);
    assert.match(error.message, /^profile "broken" is invalid: /);
    assert.match(error.message, /PrivateTmp must be a true\/false value, not text "true"/);
    assert.match(error.message, /CPUQuota: "lots" is not a CPU percentage/);
    assert.doesNotMatch(error.message, /\n/);
});

test('without --profile, the default profile; without one, a refusal', () => {
    assert.equal(chooseProfile({profile: null, app: null}, settings({defaultProfile: 'relaxed'})).profile.id, 'relaxed');
    const none = failure(() => chooseProfile({profile: null, app: null}, settings()));
    assert.equal(none.status, EXIT.NO_PROFILE);
    assert.match(none.message, /no default profile/);
    const missing = failure(() => chooseProfile({profile: null, app: null}, settings({defaultProfile: 'gone'})));
    assert.equal(missing.status, EXIT.UNKNOWN_PROFILE);
    assert.match(missing.message, /"gone", the default profile/);
});

test('--app follows the app\'s assignment like the extension', () => {
    const assigned = settings({assignments: {'org.gnome.Console.desktop': 'strict'}, defaultProfile: 'relaxed'});
    assert.equal(chooseProfile({profile: null, app: 'org.gnome.Console'}, assigned).profile.id, 'strict');
    assert.equal(chooseProfile({profile: null, app: 'other.desktop'}, assigned).profile.id, 'relaxed');

    const unconfined = failure(() => chooseProfile({profile: null, app: 'a.desktop'}, settings({assignments: {'a.desktop': ''}})));
    assert.equal(unconfined.status, EXIT.NO_PROFILE);
    const dangling = failure(() => chooseProfile({profile: null, app: 'a.desktop'}, settings({assignments: {'a.desktop': 'gone'}})));
    assert.equal(dangling.status, EXIT.UNKNOWN_PROFILE);
    assert.match(dangling.message, /"gone", assigned to a\.desktop/);
    const invalid = failure(() => chooseProfile({profile: null, app: 'a.desktop'}, settings({assignments: {'a.desktop': 'broken'}})));
    assert.equal(invalid.status, EXIT.INVALID_PROFILE);
});
