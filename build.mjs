// Builds the extension into dist/extension, the `confine` command into dist/cli,
// and packs dist/confine@confine.github.io.shell-extension.zip.
// With --install (npm run deploy) it then installs both for the current desktop user.
//
// Extension reviewers read the shipped JavaScript, so the extension is emitted by the
// TypeScript compiler, file by file: it strips the types and keeps everything else,
// comments included, in GNOME's 4-space indentation. Only the command line, which is
// not reviewed and installs as one file, is bundled by esbuild.

import {execFileSync} from 'node:child_process';
import {accessSync, constants, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, chmodSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join, relative, resolve} from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';

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

/**
 * tsc drops blank lines but keeps comments: each blank line between two tokens
 * becomes a marker comment before emitting and a blank line again after it.
 * Blank lines inside a string or template literal are left as they are, and so are
 * those before the first statement: tsc keeps a file's header comment only when a
 * blank line detaches it from that statement (which may be an import it drops).
 */
const BLANK_MARK = '//@confine-blank@';

function markBlankLines(fileName, text) {
    const literals = [];
    const visit = node => {
        if (ts.isStringLiteralLike(node) || ts.isTemplateLiteral(node))
            literals.push([node.getStart(source), node.end]);
        else
            ts.forEachChild(node, visit);
    };
    const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
    visit(source);
    const firstStatement = source.statements[0]?.getStart(source) ?? text.length;
    let offset = 0;
    return text.split('\n').map(line => {
        const start = offset;
        offset += line.length + 1;
        const inLiteral = literals.some(([from, to]) => from < start && start < to);
        return line.trim() === '' && !inLiteral && start > firstStatement ? BLANK_MARK : line;
    }).join('\n');
}

function restoreBlankLines(fileName, text) {
    const lines = [];
    const emitted = text.split('\n');
    // The header comment, then one blank line, as in the source.
    const header = emitted.findIndex(line => line.trim() === BLANK_MARK || !/^\s*(\/\/|\/\*|\*)/.test(line));
    if (header > 0 && emitted[header] !== '')
        emitted.splice(header, 0, '');
    for (const line of emitted) {
        const blank = line.trim() === BLANK_MARK;
        const previous = lines.at(-1);
        // One blank line at most, never right after an opening brace or before a closing one.
        if (blank && (previous === undefined || previous === '' || /[{([]$/.test(previous)))
            continue;
        if (!blank && previous === '' && /^\s*[})\]]/.test(line))
            lines.pop();
        // GNOME's `} else {`, `} catch (error) {` and `} finally {` on one line, as in the source.
        if (/^\s*(else|catch|finally)\b/.test(line) && lines.at(-1)?.trim() === '}') {
            lines[lines.length - 1] += ` ${line.trim()}`;
            continue;
        }
        lines.push(blank ? '' : line);
    }
    const result = lines.join('\n');
    if (result.includes(BLANK_MARK))
        throw new Error(`${fileName}: a blank-line marker survived the emit`);
    return result;
}

/**
 * GNOME's (and the source's) braces: {a, b} and () => {}, not tsc's { a, b, } and { }. Found
 * with the parser, so that braces in strings, templates and regular expressions stay.
 */
function tightenBraces(fileName, text) {
    const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
    // Ranges to delete: the space after `{`, and the space (with a trailing comma) before `}`.
    const deletions = [];
    const visit = node => {
        if (ts.isObjectLiteralExpression(node) || ts.isObjectBindingPattern(node) ||
            ts.isNamedImports(node) || ts.isNamedExports(node)) {
            const start = node.getStart(source);
            const inner = text.slice(start, node.end);
            if (/^\{ \S/.test(inner))
                deletions.push([start + 1, start + 2]);
            // Only where `}` follows the last entry on its line: indentation stays.
            const closing = /\S(,? )\}$/.exec(inner);
            if (closing && !inner.slice(closing.index).includes('\n'))
                deletions.push([start + closing.index + 1, node.end - 1]);
        } else if (ts.isBlock(node) && text.slice(node.getStart(source), node.end) === '{ }') {
            deletions.push([node.end - 2, node.end - 1]);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    let result = text;
    for (const [from, to] of deletions.sort((a, b) => b[0] - a[0]))
        result = result.slice(0, from) + result.slice(to);
    return result;
}

function emitExtension() {
    const parsed = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {
        noEmit: false,
        outDir: EXTENSION_DIR,
        rootDir: 'src',
        removeComments: false,
        newLine: ts.NewLineKind.LineFeed,
    }, {...ts.sys, onUnRecoverableConfigFileDiagnostic: diagnostic => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    }});
    const cli = resolve('src', 'cli');
    const rootNames = parsed.fileNames.filter(name => !resolve(name).startsWith(`${cli}/`));
    const host = ts.createCompilerHost(parsed.options);
    const readSource = host.getSourceFile;
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
        const path = resolve(fileName);
        if (!path.startsWith(`${resolve('src')}/`) || path.endsWith('.d.ts'))
            return readSource.call(host, fileName, languageVersion, ...rest);
        return ts.createSourceFile(fileName, markBlankLines(fileName, readFileSync(path, 'utf8')), languageVersion);
    };
    host.writeFile = (fileName, text) => {
        mkdirSync(dirname(fileName), {recursive: true});
        const written = tightenBraces(fileName, restoreBlankLines(fileName, text));
        // The layout steps change whitespace and trailing commas only: what tsc emitted, markers aside, must remain.
        const code = layout => layout.split('\n').filter(line => line.trim() !== BLANK_MARK).join('\n')
            .replace(/\s+/g, '').replace(/,\}/g, '}');
        if (code(written) !== code(text))
            throw new Error(`${fileName}: laying out the emitted code changed more than whitespace`);
        writeFileSync(fileName, written);
    };
    // Type errors are npm run typecheck's business; here only what keeps a file from emitting counts.
    const result = ts.createProgram({rootNames, options: parsed.options, host}).emit();
    if (result.emitSkipped || result.diagnostics.length > 0)
        throw new Error(ts.formatDiagnostics(result.diagnostics, host));
    const emitted = filesUnder(EXTENSION_DIR, path => path.endsWith('.js')).map(path => relative(EXTENSION_DIR, path));
    if (emitted.some(name => name.startsWith('cli/')))
        throw new Error('the extension imports the command line, which is not shipped');
}

rmSync(DIST, {recursive: true, force: true});
mkdirSync(EXTENSION_DIR, {recursive: true});

// The extension: every module under src/ except the command line, file by file.
emitExtension();

// The command line is one self-contained gjs program; it is installed to ~/.local/bin,
// not shipped in the extension zip.
//
// Its first two lines are sh as well as JavaScript (a #! line, then a string and a
// comment), so that gjs gets "--" between its own options and the program's arguments:
// gjs reads every argument after the file name as one of its own options too, and keeps
// `--profile FILE` (confine's `--profile P`) from that reading, which starts its profiler
// ("Gjs-Message: Profiler started", "... stopped" on the terminal) and writes a capture
// to the file P in the current directory. main.ts drops that "--" again.
const CLI_LAUNCHER = '#!/bin/sh\n\':\' //; exec gjs -m "$0" -- "$@"';
await esbuild.build({
    format: 'esm',
    target: 'firefox115',
    platform: 'neutral',
    minify: false,
    legalComments: 'inline',
    logLevel: 'warning',
    entryPoints: [join('src', 'cli', 'main.ts')],
    outfile: join(CLI_DIR, 'confine'),
    bundle: true,
    external: ['gi://*', 'resource://*', 'system', 'gettext', 'cairo'],
    banner: {js: CLI_LAUNCHER},
});
chmodSync(join(CLI_DIR, 'confine'), 0o755);

// Each process may only reach its own toolkit: checked on the output, which is what ships.
const FORBIDDEN = [
    {where: /^core\//, what: /from\s+["'](gi|resource):\/\//, why: 'the core imports no gi:// or resource:// module'},
    {
        where: /^settings\//,
        what: /from\s+["'](gi:\/\/(Gtk|Gdk|Adw|Clutter|Meta|St|Shell|Mtk)\b|resource:\/\/)/,
        why: 'the settings reader is shared by the shell, the preferences and the command line: Gio only',
    },
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
// The zip ships the XML only: `gnome-extensions install` and extensions.gnome.org compile
// it on the user's machine (a compiled file depends on its byte order). Compiled here
// too, outside the zip, so that --strict fails the build on any schema warning and the
// tests under gjs (test/gjs/run.sh) have a schema to read.
const COMPILED_SCHEMA_DIR = join(DIST, 'schemas');
mkdirSync(COMPILED_SCHEMA_DIR, {recursive: true});
execFileSync('glib-compile-schemas', ['--strict', '--targetdir', COMPILED_SCHEMA_DIR, schemaDir], {stdio: 'inherit'});
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
// Under sudo (sudo npm run test:all) dist/ goes back to the user who ran sudo, or their
// next `npm run deploy` could not replace it.
if (process.getuid() === 0 && /^[1-9]\d*$/.test(process.env.SUDO_UID ?? '') && /^\d+$/.test(process.env.SUDO_GID ?? ''))
    execFileSync('chown', ['-R', `${process.env.SUDO_UID}:${process.env.SUDO_GID}`, DIST]);
console.log(`built ${ZIP} and ${join(CLI_DIR, 'confine')}`);

if (process.argv.includes('--install'))
    installForUser();

function isExecutable(path) {
    try {
        accessSync(path, constants.X_OK);
        return statSync(path).isFile();
    } catch {
        return false;
    }
}

function findCommand(name) {
    return (process.env.PATH ?? '').split(':').some(dir => dir !== '' && isExecutable(join(dir, name)));
}

function refuseInstall(message) {
    console.error(`npm run deploy: ${message}`);
    process.exit(1);
}

/** gsettings prints a string list as ['a', 'b'], or @as [] when empty. */
function parseStringList(text) {
    return [...text.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map(match => match[1].replace(/\\(.)/g, '$1'));
}

function formatStringList(items) {
    return `[${items.map(item => `'${item.replace(/[\\']/g, '\\$&')}'`).join(', ')}]`;
}

/** What `gnome-extensions enable` does when no shell answers: the uuid goes into the shell's settings. */
function enableInShellSettings(uuid) {
    const read = key => parseStringList(execFileSync('gsettings', ['get', 'org.gnome.shell', key], {encoding: 'utf8'}));
    const write = (key, list) => execFileSync('gsettings', ['set', 'org.gnome.shell', key, formatStringList(list)]);
    const enabled = read('enabled-extensions');
    if (!enabled.includes(uuid))
        write('enabled-extensions', [...enabled, uuid]);
    const disabled = read('disabled-extensions');
    if (disabled.includes(uuid))
        write('disabled-extensions', disabled.filter(item => item !== uuid));
}

function installForUser() {
    const {uuid} = metadata;
    // Extensions and ~/.local/bin are per user: as root they would land in root's home.
    if (process.getuid() === 0)
        refuseInstall('run it as the desktop user who will use Confine, not as root or with sudo.');
    if (!findCommand('gnome-extensions')) {
        refuseInstall('gnome-extensions was not found. It comes with GNOME Shell (Debian and Ubuntu: package gnome-shell); ' +
            'install Confine from inside a GNOME session.');
    }
    try {
        execFileSync('gnome-extensions', ['install', '--force', resolve(ZIP)], {stdio: 'inherit'});
    } catch {
        refuseInstall(`gnome-extensions could not install ${ZIP} (its message is above).`);
    }
    console.log(`installed ${uuid} into ~/.local/share/gnome-shell/extensions/${uuid}`);

    let needsLogin = false;
    try {
        execFileSync('gnome-extensions', ['enable', uuid], {stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8'});
        console.log(`enabled ${uuid}`);
    } catch (error) {
        // A running shell only knows the extensions it found at login, so it refuses a new one.
        // Listing it in enabled-extensions makes the next login load it.
        console.log(`GNOME Shell did not enable it yet (${String(error.stderr ?? '').trim() || 'no answer'}).`);
        if (!findCommand('gsettings'))
            refuseInstall('gsettings was not found either (package libglib2.0-bin); enable Confine in the Extensions app after logging in again.');
        try {
            enableInShellSettings(uuid);
        } catch (settingsError) {
            refuseInstall(`gsettings could not add Confine to org.gnome.shell enabled-extensions (${String(settingsError.stderr ?? '').trim()}); ` +
                'enable it in the Extensions app after logging in again.');
        }
        needsLogin = true;
    }

    const bin = join(homedir(), '.local', 'bin');
    const command = join(bin, 'confine');
    mkdirSync(bin, {recursive: true});
    // Replaced by rename, so a `confine` that is running keeps its old file.
    cpSync(join(CLI_DIR, 'confine'), `${command}.new`);
    chmodSync(`${command}.new`, 0o755);
    renameSync(`${command}.new`, command);
    console.log(`installed the confine command as ${command}`);
    // Where bash-completion looks for a user's own completions.
    const completions = join(process.env.BASH_COMPLETION_USER_DIR ||
        join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'bash-completion'), 'completions');
    mkdirSync(completions, {recursive: true});
    cpSync(join('src', 'cli', 'confine.bash-completion'), join(completions, 'confine'));
    console.log(`installed bash completion for confine as ${join(completions, 'confine')}`);
    if (!(process.env.PATH ?? '').split(':').includes(bin))
        console.log(`${bin} is not in your PATH: add it (for example in ~/.profile) to type "confine" alone.`);
    if (needsLogin) {
        console.log(`${uuid} is now in your enabled extensions. GNOME Shell loads a newly installed extension at login: ` +
            'on Wayland log out and back in once; on X11 you can instead press Alt+F2, type r and press Enter.');
    }
}
