import {strict as assert} from 'node:assert';
import {test} from 'node:test';

import {
    DOCUMENT_FORMAT, exportSettings, parseSettings, serializeSettings,
} from '../../src/core/importExport.js';
import type {ProfileSettings} from '../../src/core/profileSettings.js';

const SET: ProfileSettings = {
    profiles: {
        relaxed: {name: 'Relaxed', MemoryMax: '70%'},
        strict: {name: 'Strict', MemoryMax: '70%', CPUQuota: '100%', NoNewPrivileges: true, CPUWeight: 50n},
    },
    assignments: {'firefox-esr.desktop': 'strict', 'x.desktop': ''},
    defaultProfile: 'relaxed',
};

function documentWith(changes: Record<string, unknown>): string {
    return JSON.stringify({...exportSettings(SET), ...changes});
}

test('an export imports back to the same profiles and assignments', () => {
    const text = serializeSettings(SET);
    assert.equal(JSON.parse(text).format, DOCUMENT_FORMAT);
    const result = parseSettings(text);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.settings.profiles, {
        relaxed: {name: 'Relaxed', MemoryMax: '70%'},
        strict: {name: 'Strict', MemoryMax: '70%', CPUQuota: '100%', CPUWeight: '50', NoNewPrivileges: true},
    });
    assert.deepEqual(result.settings.assignments, SET.assignments);
    assert.equal(result.settings.defaultProfile, 'relaxed');
});

test('text that is not JSON or not ours is refused as a whole', () => {
    const notJson = parseSettings('{"profiles":');
    assert.equal(notJson.ok, false);
    assert.equal(!notJson.ok && notJson.problems[0].part, 'file');
    const foreign = parseSettings('{"profiles": {}}');
    assert.equal(!foreign.ok && foreign.problems[0].part, 'format');
    const list = parseSettings('[]');
    assert.equal(!list.ok && list.problems[0].part, 'file');
});

test('every invalid part is reported with where it is', () => {
    const result = parseSettings(documentWith({
        'profiles': {
            good: {name: 'Good', MemoryMax: '2G'},
            bad: {name: 'Bad', MemoryMax: '2 GB', PrivateTmp: 'yes'},
            'bad id!': {name: 'X'},
        },
        'app-profiles': {'a.desktop': 'good', 'b.desktop': 'missing', 'c.desktop': 3},
        'default-profile': 'gone',
    }));
    assert.equal(result.ok, false);
    const parts = !result.ok ? result.problems.map(problem => problem.part) : [];
    assert.deepEqual(parts, [
        'profiles.bad', 'profiles.bad', 'profiles.bad id!',
        'app-profiles.b.desktop', 'app-profiles.c.desktop', 'default-profile',
    ]);
    const messages = !result.ok ? result.problems.map(problem => problem.message).join('\n') : '';
    assert.match(messages, /MemoryMax: "2 GB"/);
    assert.match(messages, /PrivateTmp must be a true\/false value/);
    assert.match(messages, /"missing", which is not a profile in this file/);
});

test('an assignment may refer to a profile that is itself invalid only with that profile reported', () => {
    const result = parseSettings(documentWith({
        'profiles': {bad: {MemoryMax: 'lots'}},
        'app-profiles': {'a.desktop': 'bad'},
        'default-profile': '',
    }));
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems.map(problem => problem.part), ['profiles.bad']);
});

test('a wrong version, missing profiles and bad desktop ids are refused', () => {
    const result = parseSettings(JSON.stringify({
        'format': DOCUMENT_FORMAT, 'version': 2, 'app-profiles': {'': 'x', 'a/b.desktop': ''},
    }));
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems.map(problem => problem.part),
        ['version', 'profiles', 'app-profiles.', 'app-profiles.a/b.desktop']);
});

test('assignments and default are optional', () => {
    const result = parseSettings(JSON.stringify({format: DOCUMENT_FORMAT, version: 1, profiles: {}}));
    assert.ok(result.ok);
    assert.deepEqual(result.settings.assignments, {});
    assert.equal(result.settings.defaultProfile, '');
});
