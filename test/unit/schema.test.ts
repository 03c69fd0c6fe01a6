// src/settings/schema.ts against the schema's XML, and the rule that it is the only
// place that spells a key: every other module names a key through its constant.

import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {describe, test} from 'node:test';

import {FAILURE_POLICIES, SCHEMA_ID, STORED_TYPES} from '../../src/settings/schema.js';
import {REPO} from './scratchCopy.js';

const XML = readFileSync(join(REPO, 'schemas', `${SCHEMA_ID}.gschema.xml`), 'utf8');

/** Key name → its GVariant type as stored ('s' for an enum, which is stored as its nick). */
function schemaKeys(): Map<string, string> {
    const keys = new Map<string, string>();
    for (const [, attributes] of XML.matchAll(/<key\s+([^>]*)>/g)) {
        const name = /name="([^"]+)"/.exec(attributes)![1];
        const type = /type="([^"]+)"/.exec(attributes)?.[1] ?? (/enum="/.test(attributes) ? 's' : '?');
        keys.set(name, type);
    }
    return keys;
}

/** Every .ts file under `dir`, as a path relative to the repository. */
function sources(dir: string): string[] {
    return readdirSync(join(REPO, dir), {withFileTypes: true, recursive: true})
        .filter(entry => entry.isFile() && entry.name.endsWith('.ts'))
        .map(entry => relative(REPO, join(entry.parentPath, entry.name)));
}

/**
 * Words that are a key's name but mean something else where they appear: the
 * `confine profiles` command and the preferences' Profiles page.
 */
const NOT_A_KEY: readonly (readonly [string, string])[] = [
    ['src/cli/invocation.ts', 'profiles'],
    ['src/cli/main.ts', 'profiles'],
    ['src/prefs/profilesPage.ts', 'profiles'],
];

/** Lines of code (not comments) where `text` spells `key` as a string of its own: 'key', "key", `key` or changed::key. */
function spellings(text: string, key: string): string[] {
    const pattern = new RegExp(`(['"\`]|::)${key.replace(/-/g, '\\-')}(?![\\w-])`);
    return text.split('\n').map(line => line.trim())
        .filter(line => !/^(\/\/|\/\*|\*)/.test(line) && pattern.test(line));
}

describe('settings/schema.ts', () => {
    test('knows exactly the keys of the XML, each with its stored type', () => {
        assert.match(XML, new RegExp(`<schema id="${SCHEMA_ID.replace(/\./g, '\\.')}"`));
        assert.deepEqual(new Map(Object.entries(STORED_TYPES)), schemaKeys());
    });

    test('knows the values of the on-failure enum, in the order of the XML', () => {
        const nicks = [...XML.matchAll(/<value nick="([^"]+)"/g)].map(match => match[1]);
        assert.deepEqual(FAILURE_POLICIES, nicks);
    });

    test('is the only module that spells a key', () => {
        const found: string[] = [];
        for (const file of sources('src').filter(path => !path.startsWith('src/settings/'))) {
            const text = readFileSync(join(REPO, file), 'utf8');
            for (const key of schemaKeys().keys()) {
                if (NOT_A_KEY.some(([path, word]) => path === file && word === key))
                    continue;
                found.push(...spellings(text, key).map(line => `${file}: ${line}`));
            }
        }
        assert.deepEqual(found, [], 'use the constants of src/settings/schema.ts');
    });

    test('the check finds a key spelled in any of the ways code spells one', () => {
        for (const line of ["get_value('app-profiles')", 'x = "default-profile";', 'connect(`changed::on-failure`)', "'changed::profiles'"])
            assert.equal(spellings(line, line.match(/app-profiles|default-profile|on-failure|profiles/)![0]).length, 1, line);
        for (const line of ["'app-profiles-other'", 'the app-profiles key', "'profiles-page'", "get_value('app-profiles2')", "// 'app-profiles'"])
            assert.deepEqual(spellings(line, 'app-profiles').concat(spellings(line, 'profiles')), [], line);
    });
});
