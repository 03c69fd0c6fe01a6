// Builds the extension into dist/extension, the `confine` command into dist/cli,
// and packs dist/confine@confine.github.io.shell-extension.zip.
//
// tsc only type-checks (npm run typecheck); esbuild emits one readable ES module per
// source file, because extension reviewers read the shipped JavaScript.

import {execFileSync} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, chmodSync} from 'node:fs';
import {join, relative} from 'node:path';
import * as esbuild from 'esbuild';

const metadata = JSON.parse(readFileSync('metadata.json', 'utf8'));
const DIST = 'dist';
const EXTENSION_DIR = join(DIST, 'extension');
const CLI_DIR = join(DIST, 'cli');
const ZIP = join(DIST, `${metadata.uuid}.shell-extension.zip`);

function filesUnder(dir, predicate) {
    return readdirSync(dir).flatMap(name => {
        const path = join(dir, name);
        if (statSync(path).isDirectory())
            return filesUnder(path, predicate);
        return predicate(path) ? [path] : [];
    });
}

const common = {
    format: 'esm',
    target: 'firefox115',
    platform: 'neutral',
    minify: false,
    legalComments: 'inline',
    logLevel: 'warning',
};

rmSync(DIST, {recursive: true, force: true});
mkdirSync(EXTENSION_DIR, {recursive: true});

// The extension: every module under src/ except the command line, file by file.
await esbuild.build({
    ...common,
    // Declaration files (.d.ts) only feed the type checker; they would build to empty modules.
    entryPoints: filesUnder('src', path => path.endsWith('.ts') && !path.endsWith('.d.ts') && !path.startsWith(join('src', 'cli'))),
    outdir: EXTENSION_DIR,
    outbase: 'src',
    bundle: false,
});

// The command line is one self-contained gjs program; it is installed to ~/.local/bin,
// not shipped in the extension zip.
await esbuild.build({
    ...common,
    entryPoints: [join('src', 'cli', 'main.ts')],
    outfile: join(CLI_DIR, 'confine'),
    bundle: true,
    external: ['gi://*', 'resource://*', 'system', 'gettext', 'cairo'],
    banner: {js: '#!/usr/bin/env -S gjs -m'},
});
chmodSync(join(CLI_DIR, 'confine'), 0o755);

// Each process may only reach its own toolkit: checked on the output, which is what ships.
const FORBIDDEN = [
    {where: /^core\//, what: /from\s+["'](gi|resource):\/\//, why: 'the core imports no gi:// or resource:// module'},
    {where: /^(shell\/|extension\.js$)/, what: /from\s+["']gi:\/\/(Gtk|Gdk|Adw)\b/, why: 'shell code never imports Gtk/Gdk/Adw'},
    {
        where: /^(prefs\/|prefs\.js$)/,
        what: /from\s+["'](gi:\/\/(Clutter|Meta|St|Shell|Mtk)\b|resource:\/\/\/org\/gnome\/shell\/)/,
        why: 'preferences code never imports Clutter/Meta/St/Shell',
    },
];
for (const file of filesUnder(EXTENSION_DIR, path => path.endsWith('.js'))) {
    const name = relative(EXTENSION_DIR, file);
    const text = readFileSync(file, 'utf8');
    for (const rule of FORBIDDEN) {
        if (rule.where.test(name) && rule.what.test(text))
            throw new Error(`${name}: ${rule.why}`);
    }
}

cpSync('metadata.json', join(EXTENSION_DIR, 'metadata.json'));
const schemaDir = join(EXTENSION_DIR, 'schemas');
mkdirSync(schemaDir, {recursive: true});
for (const schema of filesUnder('schemas', path => path.endsWith('.gschema.xml')))
    cpSync(schema, join(schemaDir, relative('schemas', schema)));
// --strict fails the build on any schema warning; the compiled file lets the
// extension load on shells that do not compile schemas themselves.
execFileSync('glib-compile-schemas', ['--strict', schemaDir], {stdio: 'inherit'});
if (existsSync('stylesheet.css'))
    cpSync('stylesheet.css', join(EXTENSION_DIR, 'stylesheet.css'));

// Translations: po/LANG.po → locale/LANG/LC_MESSAGES/confine.mo (needs gettext's msgfmt).
if (existsSync('po')) {
    for (const po of filesUnder('po', path => path.endsWith('.po'))) {
        const language = relative('po', po).replace(/\.po$/, '');
        const target = join(EXTENSION_DIR, 'locale', language, 'LC_MESSAGES');
        mkdirSync(target, {recursive: true});
        execFileSync('msgfmt', ['--check', '-o', join(target, `${metadata['gettext-domain']}.mo`), po], {stdio: 'inherit'});
    }
}

execFileSync('zip', ['-q', '-r', '-X', relative(EXTENSION_DIR, ZIP), '.'], {cwd: EXTENSION_DIR, stdio: 'inherit'});
console.log(`built ${ZIP} and ${join(CLI_DIR, 'confine')}`);
