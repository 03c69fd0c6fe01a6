// Every message the user reads from the core's validation, profile resolution and
// stored-value checks, and every notification of the shell, goes through gettext.
//
// The core gets a marking translator: a message that is not marked from end to end
// was built, at least in part, from English the translator never saw.

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import ts from 'typescript';

import {earlyEndReason, earlyExitMessage} from '../../src/core/earlyExit.js';
import {desktopLaunchProblem} from '../../src/core/launchPlan.js';
import {memoryWarnings} from '../../src/core/memoryWarning.js';
import {PROPERTIES} from '../../src/core/properties.js';
import {resolveProfile} from '../../src/core/resolution.js';
import {foreignValues, foreignValuesFor, type StoredValue} from '../../src/core/storedValues.js';
import {fill, untranslated} from '../../src/core/translate.js';
import {checkProfileId, checkValue, describeValue, validateProfile} from '../../src/core/validation.js';
import {REPO} from './scratchCopy.js';

const mark = (message: string): string => `«${message}»`;

function assertMarked(message: string): void {
    assert.match(message, /^«[^]*»$/, `not translated: ${message}`);
}

/** Values no property accepts, of every JavaScript type GVariant unpacks to. */
const WRONG_VALUES: unknown[] = ['', 'nonsense', '0', '0%', '101%', '99999999999999999999T', true, 0, -1, 20000, 1n, null, [], {}];

describe('the core with a translator', () => {
    test('marks every property value error, with the type and value words inside translated too', () => {
        let seen = 0;
        for (const spec of PROPERTIES) {
            for (const raw of WRONG_VALUES) {
                const check = checkValue(spec.name, raw, mark);
                if (check.ok)
                    continue;
                assertMarked(check.message);
                seen++;
            }
        }
        assert.ok(seen > PROPERTIES.length * 5, `only ${seen} errors seen`);
        const wrongType = checkValue('MemoryMax', true, mark);
        assert.ok(!wrongType.ok && wrongType.message.includes('«a true/false value»'), JSON.stringify(wrongType));
        const list = checkValue('NoNewPrivileges', [], mark);
        assert.ok(!list.ok && list.message.includes('«a list»'), JSON.stringify(list));
        assertMarked(describeValue(null, mark));
        assertMarked(describeValue({}, mark));
    });

    test('marks unknown properties, profile ids, names and whole-profile errors', () => {
        const unknown = checkValue('MemoryMaximum', '1G', mark);
        assert.ok(!unknown.ok);
        assertMarked(unknown.message);
        assertMarked(checkProfileId('no spaces', mark) ?? '');
        for (const name of [7, '', ' ', 'x'.repeat(65), 'a\u0001b']) {
            const check = validateProfile('p', {name}, mark);
            assert.ok(!check.ok);
            check.errors.forEach(error => assertMarked(error.message));
        }
        const notADictionary = validateProfile('bad id', 'text', mark);
        assert.ok(!notADictionary.ok && notADictionary.errors.length === 2);
        notADictionary.errors.forEach(error => assertMarked(error.message));
    });

    test('marks every explanation of a profile resolution and its errors', () => {
        const profiles = {good: {name: 'Good', MemoryMax: '1G'}, bad: {MemoryMax: 'lots'}};
        const cases: {assignments: Record<string, string>; defaultProfile: string}[] = [
            {assignments: {'a.desktop': ''}, defaultProfile: ''},
            {assignments: {}, defaultProfile: ''},
            {assignments: {'a.desktop': 'good'}, defaultProfile: ''},
            {assignments: {}, defaultProfile: 'good'},
            {assignments: {'a.desktop': 'missing'}, defaultProfile: ''},
            {assignments: {}, defaultProfile: 'missing'},
            {assignments: {'a.desktop': 'bad'}, defaultProfile: ''},
            {assignments: {}, defaultProfile: 'bad'},
        ];
        for (const settings of cases) {
            const resolution = resolveProfile('a.desktop', {profiles, ...settings}, mark);
            assertMarked(resolution.explanation);
            if (resolution.kind === 'invalid')
                resolution.errors.forEach(error => assertMarked(error.message));
        }
    });

    test('marks every message about stored values GSettings cannot use', () => {
        const stored = new Map<string, StoredValue>([
            ['profiles', {type: 'a{sa{ss}}', text: "{'p': {'MemoryMax': '1G'}}"}],
            ['app-profiles', {type: 'a{sv}', text: '{}'}],
            ['default-profile', {type: 'i', text: '1'}],
            ['on-failure', {type: 's', text: "'Refuse'", string: 'Refuse'}],
        ]);
        const messages = foreignValues(stored, undefined, mark);
        assert.equal(messages.length, 4);
        messages.forEach(value => assertMarked(value.message));
        const forApp = foreignValuesFor('a.desktop', {profiles: {}, assignments: {}, defaultProfile: ''}, stored, mark);
        assert.equal(forApp.length, 1);
        assertMarked(forApp[0].message);
    });

    test('marks the reasons and messages of early exits and desktop-launch problems', () => {
        for (const end of [{code: 1, status: 3}, {code: 2, status: 15}, {code: 3, status: 11}, {result: 'timeout'}])
            assertMarked(earlyEndReason(end, mark) ?? '');
        assertMarked(earlyExitMessage('u.service', 'r', [], mark));
        assert.match(earlyExitMessage('u.service', 'r', ['line'], mark), /^«.*» «Its last words:\nline»$/);
        const hidden = validateProfile('hidden', {ProtectHome: 'yes'});
        assert.ok(hidden.ok);
        assertMarked(desktopLaunchProblem(hidden.profile, mark) ?? '');
    });

    test('marks the profile editor\'s warning about apps above a new MemoryMax', () => {
        const warnings = memoryWarnings('1M', null, [{app: 'Calculator', bytes: 2 ** 30}], mark);
        assert.equal(warnings.length, 1);
        warnings.forEach(assertMarked);
    });

    test('keeps the English without a translator', () => {
        const check = checkValue('CPUWeight', 0);
        assert.ok(!check.ok);
        assert.equal(check.message, 'CPUWeight: 0 is not a whole number from 1 to 10000 (the default is 100).');
        assert.equal(untranslated('x'), 'x');
    });

    test('fills named placeholders in any order, once', () => {
        assert.equal(fill('{b} before {a}', {a: 'A', b: '{a}'}), '{a} before A');
        assert.equal(fill('{unknown} stays', {}), '{unknown} stays');
    });
});

/** Sentence-like literals (two words or more) of a module that are not the argument of `_()`. */
function untranslatedSentences(path: string): string[] {
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const isCall = (node: ts.Node, name: RegExp): boolean =>
        ts.isCallExpression(node) && name.test(node.expression.getText(source));
    const visit = (node: ts.Node): void => {
        // Logs are for developers and stay in English, as GNOME Shell's own do.
        if (ts.isImportDeclaration(node) || isCall(node, /^console\./) || ts.isTypeNode(node))
            return;
        if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) {
            const text = node.getText(source);
            const parent = node.parent;
            const translated = ts.isCallExpression(parent) && parent.expression.getText(source) === '_';
            if (/[A-Za-z]{2,} [A-Za-z]{2,}/.test(text) && !translated)
                found.push(text);
            return;
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

describe('the shell\'s notifications', () => {
    test('are composed only of translated messages', () => {
        // src/shell/desktopEntry.ts names key-file groups ("Desktop Entry"); test/gjs checks its messages.
        for (const module of ['src/shell/launcher.ts', 'src/shell/notifier.ts', 'src/shell/confinedLaunch.ts',
            'src/shell/runtimeFiles.ts', 'src/core/launchFailure.ts', 'src/core/earlyExit.ts', 'src/shell/runningApps.ts',
            'src/shell/limitWatch.ts', 'src/shell/confinement.ts', 'src/core/limitEvents.ts', 'src/core/appUsage.ts'])
            assert.deepEqual(untranslatedSentences(join(REPO, module)), [], module);
    });

    test('and the preferences\' lines about running apps are too', () => {
        for (const module of ['src/core/memoryWarning.ts', 'src/prefs/appRow.ts', 'src/prefs/applicationsPage.ts',
            'src/prefs/profileEditor.ts', 'src/prefs/runningUnits.ts'])
            assert.deepEqual(untranslatedSentences(join(REPO, module)), [], module);
    });

    test('find the untranslated sentence a module would have', () => {
        const scratch = join(REPO, 'test', 'unit', 'translation.test.ts');
        assert.ok(untranslatedSentences(scratch).length > 0);
    });
});
