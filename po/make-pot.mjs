// Regenerates po/confine.pot: `npm run pot` (needs gettext's xgettext; builds first).
//
// Strings come from the built JavaScript of the panel, the shell and the core
// (xgettext does not read TypeScript), from the schema, and from the labels and help texts of the
// property catalogue, which the panel passes through gettext at run time.

import {execFileSync} from 'node:child_process';
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {PROPERTIES} from '../src/core/properties.ts';

execFileSync('node', ['build.mjs'], {stdio: 'inherit'});

const scratch = mkdtempSync(join(tmpdir(), 'confine-pot-'));
// Named after where the strings live; xgettext finds it through -D.
const catalogue = 'src-core-properties.js';
const strings = PROPERTIES.flatMap(spec => [spec.label, spec.help]);
writeFileSync(join(scratch, catalogue), `${strings.map(text => `// Translators: src/core/properties.ts\n_(${JSON.stringify(text)});`).join('\n')}\n`);

// The panel, the shell's notifications and the core's messages (which both pass through their gettext).
const modules = dir => readdirSync(`dist/extension/${dir}`).filter(name => name.endsWith('.js')).sort().map(name => `dist/extension/${dir}/${name}`);
const code = ['dist/extension/prefs.js', ...modules('prefs'), ...modules('shell'), ...modules('core')];
const common = ['--from-code=UTF-8', '--package-name=confine', '--msgid-bugs-address=https://github.com/confine/confine/issues',
    '--add-comments=Translators:', '--sort-by-file', '-D', '.', '-D', scratch];
try {
    execFileSync('xgettext', [...common, '--language=JavaScript', '--keyword=_', '--keyword=ngettext:1,2',
        '-o', join(scratch, 'code.pot'), ...code, catalogue]);
    execFileSync('xgettext', [...common, '-o', join(scratch, 'schema.pot'), 'schemas/org.gnome.shell.extensions.confine.gschema.xml']);
    execFileSync('msgcat', ['--use-first', '-o', 'po/confine.pot', join(scratch, 'code.pot'), join(scratch, 'schema.pot')]);
} finally {
    rmSync(scratch, {recursive: true, force: true});
}
console.log('wrote po/confine.pot');
