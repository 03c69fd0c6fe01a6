// The README and the pages of docs/ against what they document: the property
// catalogue, the schema's keys, the scripts behind the quick start, and the command
// CI runs. (test/gjs/readme.test.js checks the gsettings examples under real GSettings.)

import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, test} from 'node:test';

import {PROPERTIES} from '../../src/core/properties.js';
import {REPO} from './scratchCopy.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const CONFIGURATION = readFileSync(join(REPO, 'docs', 'configuration-and-properties.md'), 'utf8');
const PAGES = ['configuration-and-properties.md', 'command-line.md', 'preferences.md', 'fleet.md', 'development.md'];

/** The body of a `## Heading` or `### Heading` section, up to the next heading of any level. */
function section(heading: string, text = README): string {
    const start = text.indexOf(`\n${heading}\n`);
    assert.notEqual(start, -1, `no "${heading}" section`);
    const body = text.slice(start + heading.length + 2);
    const end = body.search(/^#{1,3} /m);
    return end === -1 ? body : body.slice(0, end);
}

/** The rows of the first Markdown table in `text`, as trimmed cells, without header and rule. */
function tableRows(text: string): string[][] {
    const lines = text.split('\n').filter(line => line.startsWith('|'));
    assert.ok(lines.length > 2, 'no table found');
    return lines.slice(2).map(line => line.slice(1, -1).split('|').map(cell => cell.trim()));
}

function unquote(cell: string): string {
    return cell.replace(/^`(.*)`$/, '$1');
}

describe('README', () => {
    test('lists exactly the catalogue\'s properties, in its order, with their facts', () => {
        const rows = tableRows(section('## Profile properties', CONFIGURATION));
        assert.deepEqual(rows.map(([name]) => unquote(name)), PROPERTIES.map(spec => spec.name));
        for (const [i, spec] of PROPERTIES.entries()) {
            const [, label, value, runsAs, controller, since, help] = rows[i];
            assert.equal(label, spec.label, `${spec.name} label`);
            assert.equal(runsAs, spec.scope ? 'scope' : 'service', `${spec.name} runs as`);
            assert.equal(controller, spec.controller ?? '–', `${spec.name} controller`);
            assert.equal(since, `${spec.since}`, `${spec.name} since`);
            assert.equal(help, spec.help, `${spec.name} help`);
            for (const allowed of spec.values ?? [])
                assert.ok(value.includes(`\`${allowed}\``), `${spec.name} value ${allowed} not listed`);
        }
    });

    test('documents every settings key of the schema, and no other', () => {
        const schema = readFileSync(join(REPO, 'schemas', 'org.gnome.shell.extensions.confine.gschema.xml'), 'utf8');
        const keys = [...schema.matchAll(/<key name="([^"]+)"/g)].map(match => match[1]);
        assert.ok(keys.includes('profiles') && keys.includes('on-failure'));
        assert.deepEqual(tableRows(section('## Settings keys', CONFIGURATION)).map(([key]) => unquote(key)), keys);
    });

    test('has a quick start of exactly two commands, backed by the scripts', () => {
        const blocks = [...section('## Quick start').matchAll(/```sh\n([\s\S]*?)```/g)].map(match => match[1]);
        assert.deepEqual(blocks, ['npm ci && npm run deploy\nsudo npm run test:all\n']);
        const {scripts} = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
        assert.equal(scripts.deploy, 'node build.mjs --install');
        assert.equal(scripts['test:all'], 'npm test && npm run test:e2e && npm run test:vm');
        assert.equal(scripts.test, 'npm run lint && npm run typecheck && npm run test:gjs && npm run test:unit');
    });

    test('opens with a screenshot, then the quick start and how it works', () => {
        const [screenshot] = README.match(/!\[[^\]]*\]\(([^)]+\.png)\)/) ?? [];
        assert.ok(screenshot && README.indexOf(screenshot) < README.indexOf('## Quick start'), 'no screenshot on top');
        const [, path] = screenshot.match(/\(([^)]+)\)/) ?? [];
        assert.ok(existsSync(join(REPO, path)), `${path} is missing`);
        assert.ok(section('## How it works').trim().split('\n').length <= 15, 'How it works is more than a few lines');
    });

    test('links every page of docs/, and each page and its relative links exist', () => {
        for (const page of PAGES) {
            assert.ok(README.includes(`](docs/${page})`), `README does not link docs/${page}`);
            const text = readFileSync(join(REPO, 'docs', page), 'utf8');
            assert.match(text, /^# \S/, `docs/${page} has no title`);
            for (const [, target] of text.matchAll(/\]\(((?!https?:|#)[^)#\s]+)(?:#[^)]*)?\)/g))
                assert.ok(existsSync(join(REPO, 'docs', target)), `docs/${page} links the missing ${target}`);
        }
    });

    test('names the same test command that CI runs last', () => {
        const ci = readFileSync(join(REPO, '.ci', 'run'), 'utf8').trimEnd().split('\n');
        assert.equal(ci.at(-1), 'npm run test:all');
    });
});
