// Which profile an app gets, and the reason given for it.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {NO_CONFINEMENT, findAssignmentKey, type ProfileSettings} from '../../src/core/profileSettings.js';
import {resolveProfile} from '../../src/core/resolution.js';
import {profileOf} from './fixtures.js';

const PROFILES = {
    relaxed: {name: 'Relaxed', MemoryMax: '70%'},
    strict: {name: 'Strict', MemoryMax: '70%', CPUQuota: '100%', NoNewPrivileges: true, PrivateTmp: true},
    broken: {name: 'Broken', MemoryMax: '1G -p User=root', Nice: 5},
};

function settings(assignments: Record<string, string>, defaultProfile = ''): ProfileSettings {
    return {profiles: PROFILES, assignments, defaultProfile};
}

describe('resolveProfile', () => {
    test('uses the app\'s assignment', () => {
        assert.deepEqual(resolveProfile('firefox-esr.desktop', settings({'firefox-esr.desktop': 'strict'}, 'relaxed')), {
            kind: 'confined', source: 'assignment', profile: profileOf(PROFILES.strict, 'strict'),
            explanation: 'firefox-esr.desktop uses its assigned profile "Strict".',
        });
    });

    test('falls back to the default profile', () => {
        assert.deepEqual(resolveProfile('org.gnome.gedit.desktop', settings({'firefox-esr.desktop': 'strict'}, 'relaxed')), {
            kind: 'confined', source: 'default', profile: profileOf(PROFILES.relaxed, 'relaxed'),
            explanation: 'org.gnome.gedit.desktop uses the default profile "Relaxed".',
        });
    });

    test('leaves an app unconfined without assignment or default', () => {
        assert.deepEqual(resolveProfile('org.gnome.gedit.desktop', settings({'firefox-esr.desktop': 'strict'})), {
            kind: 'unconfined', explanation: 'org.gnome.gedit.desktop has no profile and there is no default profile.',
        });
    });

    test('an explicit \'\' assignment means unconfined, whatever the default', () => {
        assert.equal(NO_CONFINEMENT, '');
        assert.deepEqual(resolveProfile('firefox-esr.desktop', settings({'firefox-esr.desktop': ''}, 'strict')), {
            kind: 'unconfined', explanation: 'firefox-esr.desktop is set to run without confinement.',
        });
    });

    test('reports an assigned profile that does not exist', () => {
        assert.deepEqual(resolveProfile('firefox-esr.desktop', settings({'firefox-esr.desktop': 'gone'}, 'relaxed')), {
            kind: 'missing', source: 'assignment', profileId: 'gone',
            explanation: 'firefox-esr.desktop uses its assigned profile "gone", which does not exist.',
        });
    });

    test('reports a default profile that does not exist', () => {
        assert.deepEqual(resolveProfile('gedit.desktop', settings({}, 'gone')), {
            kind: 'missing', source: 'default', profileId: 'gone',
            explanation: 'gedit.desktop uses the default profile "gone", which does not exist.',
        });
    });

    test('reports an invalid profile with its validation errors, never a partial profile', () => {
        assert.deepEqual(resolveProfile('gedit.desktop', settings({'gedit.desktop': 'broken'}, 'relaxed')), {
            kind: 'invalid', source: 'assignment', profileId: 'broken',
            errors: [
                {property: 'MemoryMax', message: 'MemoryMax: "1G -p User=root" is not a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity".'},
                {property: 'Nice', message: '"Nice" is not a property Confine supports.'},
            ],
            explanation: 'gedit.desktop uses its assigned profile "broken", which is invalid.',
        });
        const viaDefault = resolveProfile('gedit.desktop', settings({}, 'broken'));
        assert.equal(viaDefault.kind, 'invalid');
        assert.equal(viaDefault.kind === 'invalid' && viaDefault.source, 'default');
    });

    test('finds an assignment stored with ".desktop" from the bare id', () => {
        const resolution = resolveProfile('firefox-esr', settings({'firefox-esr.desktop': 'strict'}, 'relaxed'));
        assert.equal(resolution.kind, 'confined');
        assert.equal(resolution.kind === 'confined' && resolution.profile.id, 'strict');
        assert.equal(resolution.explanation, 'firefox-esr uses its assigned profile "Strict".');
    });

    test('prefers the exact key over the one with ".desktop" added', () => {
        const resolution = resolveProfile('firefox-esr', settings({'firefox-esr': 'relaxed', 'firefox-esr.desktop': 'strict'}));
        assert.equal(resolution.kind === 'confined' && resolution.profile.id, 'relaxed');
    });

    test('does not find profiles or assignments through the prototype chain', () => {
        assert.deepEqual(resolveProfile('toString', settings({})), {
            kind: 'unconfined', explanation: 'toString has no profile and there is no default profile.',
        });
        const resolution = resolveProfile('x.desktop', settings({'x.desktop': 'constructor'}));
        assert.equal(resolution.kind, 'missing');
        assert.equal(resolution.kind === 'missing' && resolution.profileId, 'constructor');
    });
});

describe('findAssignmentKey', () => {
    test('tries the id, then the id with ".desktop"', () => {
        const assignments = {'firefox-esr.desktop': 'strict', 'gedit': 'relaxed'};
        assert.equal(findAssignmentKey('firefox-esr.desktop', assignments), 'firefox-esr.desktop');
        assert.equal(findAssignmentKey('firefox-esr', assignments), 'firefox-esr.desktop');
        assert.equal(findAssignmentKey('gedit', assignments), 'gedit');
        assert.equal(findAssignmentKey('gedit.desktop', assignments), null);
        assert.equal(findAssignmentKey('firefox', assignments), null);
        assert.equal(findAssignmentKey('hasOwnProperty', assignments), null);
    });
});
