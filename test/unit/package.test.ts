// The extension zip, as `gnome-extensions install` and the extension reviewers see it.
//
// build.mjs runs in a scratch copy of the sources, so this test checks a fresh build
// of the working tree without touching the dist/ other commands are using.

import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs';
import {dirname, join, posix} from 'node:path';
import {after, before, describe, test} from 'node:test';

import {REPO, scratchCopy} from './scratchCopy.js';

const UUID = 'confine@confine.github.io';
const SCHEMA = 'org.gnome.shell.extensions.confine.gschema.xml';

let scratch = '';
let zip = '';
let entries: string[] = [];

function entry(name: string): string {
    return execFileSync('unzip', ['-p', zip, name], {encoding: 'utf8'});
}

/** The .js files a source directory becomes, relative to the zip root. */
function builtFrom(sourceDir: string): string[] {
    const dir = join(REPO, 'src', sourceDir);
    if (!existsSync(dir))
        return [];
    return readdirSync(dir, {recursive: true, encoding: 'utf8'})
        .filter(name => name.endsWith('.ts') && !name.endsWith('.d.ts') && statSync(join(dir, name)).isFile())
        .map(name => posix.join(sourceDir, name.replace(/\.ts$/, '.js')));
}

before(() => {
    scratch = scratchCopy('confine-package-');
    execFileSync(process.execPath, ['build.mjs'], {cwd: scratch, stdio: 'pipe'});
    zip = join(scratch, 'dist', `${UUID}.shell-extension.zip`);
    entries = execFileSync('unzip', ['-Z1', zip], {encoding: 'utf8'}).split('\n').filter(name => name !== '');
});

after(() => {
    if (scratch !== '')
        rmSync(scratch, {recursive: true, force: true});
});

describe('the extension zip', () => {
    test('has extension.js, prefs.js, metadata.json and the schema at its root', () => {
        for (const name of ['extension.js', 'prefs.js', 'metadata.json', `schemas/${SCHEMA}`])
            assert.ok(entries.includes(name), `${name} missing from ${entries.join(', ')}`);
    });

    test('has one module for every source file of the core, the shell, the preferences and the shared settings reader', () => {
        const expected = [...builtFrom('core'), ...builtFrom('shell'), ...builtFrom('prefs'), ...builtFrom('settings')];
        assert.ok(expected.includes('core/validation.js') && expected.includes('core/launchPlan.js'));
        for (const name of expected)
            assert.ok(entries.includes(name), `${name} missing`);
    });

    test('ships no TypeScript, sources, tests, node_modules, command line or source maps', () => {
        const files = entries.filter(name => !name.endsWith('/'));
        const allowed = /^(extension\.js|prefs\.js|metadata\.json|stylesheet\.css|(core|shell|prefs|settings)\/[\w/.-]+\.js|schemas\/[\w.]+\.gschema\.xml|locale\/[\w@-]+\/LC_MESSAGES\/confine\.mo)$/;
        for (const name of files) {
            assert.match(name, allowed, `unexpected file in the zip: ${name}`);
            assert.doesNotMatch(name, /\.ts$|node_modules|(^|\/)tests?\/|^cli\/|^dist\/|\.map$|\.\./, name);
        }
    });

    test('ships readable modules that import only files it contains or GNOME\'s gi:// and resource:// modules', () => {
        for (const name of entries.filter(file => file.endsWith('.js'))) {
            const text = entry(name);
            assert.doesNotMatch(text, /sourceMappingURL/, name);
            assert.ok(text.split('\n').every(line => line.length < 400), `${name} looks minified`);
            for (const [, specifier] of text.matchAll(/(?:^|\n)\s*(?:(?:import|export)\s[^;'"()=]*?from\s*|import\s*)["']([^"']+)["']/g)) {
                if (/^(gi|resource):\/\//.test(specifier))
                    continue;
                assert.match(specifier, /^\.\.?\//, `${name} imports the bare module ${specifier}`);
                const target = posix.normalize(posix.join(posix.dirname(name), specifier));
                assert.ok(entries.includes(target), `${name} imports ${specifier}, which is not in the zip`);
            }
        }
    });

    test('carries metadata.json with the identity the shell and extensions.gnome.org need', () => {
        const metadata = JSON.parse(entry('metadata.json'));
        assert.deepEqual(metadata, JSON.parse(readFileSync(join(REPO, 'metadata.json'), 'utf8')));
        assert.equal(metadata.uuid, UUID);
        assert.equal(metadata.name, 'Confine');
        assert.equal(metadata['settings-schema'], 'org.gnome.shell.extensions.confine');
        assert.equal(metadata['gettext-domain'], 'confine');
        assert.equal(typeof metadata.description, 'string');
        assert.ok(Array.isArray(metadata['shell-version']) && metadata['shell-version'].length > 0, 'shell-version is not a list');
        for (const version of metadata['shell-version'])
            assert.match(version, /^\d+$/, `shell-version ${JSON.stringify(version)} is not a major version string`);
    });

    test('carries the schema as XML only: the installing side compiles it', () => {
        assert.ok(!entries.includes('schemas/gschemas.compiled'));
    });

    test('ships JavaScript that reads like the source: comments kept, no bundler helpers or escaped typography', () => {
        const launcher = entry('shell/launcher.js');
        assert.match(launcher, /^\/\/ Redirects app launches into confined units\.\n/);
        assert.match(launcher, /^import \{InjectionManager, gettext as _\} from /m, 'braces as GNOME writes them');
        assert.match(launcher, /\n\n {4}destroy\(\) \{\n/, 'blank lines between members kept');
        assert.match(entry('shell/confinedLaunch.js'), /\} catch \(error\) \{/);
        assert.match(entry('shell/confinedLaunch.js'), /outlives disable\(\) on purpose/);
        for (const name of entries.filter(file => file.endsWith('.js'))) {
            const text = entry(name);
            assert.doesNotMatch(text, /__PURE__|\b__name\(|__publicField|__privateGet|\\u20[0-9a-f]{2}|\\u00[a-f][0-9a-f]/i, name);
            assert.doesNotMatch(text, /@confine-blank@|\{ \}|^\s*(catch|finally)\b|\n\n\n/m, name);
            for (const line of text.split('\n'))
                assert.match(line, /^( {4})*(\S|  ?\*|$)/, `${name}: not GNOME's 4-space indentation: ${line}`);
        }
    });

    test('carries the schema exactly as written', () => {
        assert.equal(entry(`schemas/${SCHEMA}`), readFileSync(join(REPO, 'schemas', SCHEMA), 'utf8'));
    });
});

describe('the command line build', () => {
    test('is one executable gjs program outside the zip', () => {
        const cli = join(scratch, 'dist', 'cli', 'confine');
        assert.equal(statSync(cli).mode & 0o777, 0o755);
        // sh starts gjs on the file with "--" before the arguments, which gjs would otherwise
        // read as its own options too (test/gjs/cli.test.js).
        assert.ok(readFileSync(cli, 'utf8').startsWith('#!/bin/sh\n\':\' //; exec gjs -m "$0" -- "$@"\n'));
        assert.deepEqual(readdirSync(dirname(cli)), ['confine']);
    });
});
