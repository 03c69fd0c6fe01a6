// Regenerates po/confine.pot: `npm run pot` (needs gettext's xgettext; builds first).
//
// Strings come from the built preferences JavaScript (xgettext does not read
// TypeScript), from the schema, and from the labels and help texts of the
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

const prefs = ['dist/extension/prefs.js',
    ...readdirSync('dist/extension/prefs').filter(name => name.endsWith('.js')).sort().map(name => `dist/extension/prefs/${name}`)];
const common = ['--from-code=UTF-8', '--package-name=confine', '--msgid-bugs-address=https://github.com/confine/confine/issues',
    '--add-comments=Translators:', '--sort-by-file', '-D', '.', '-D', scratch];
try {
    execFileSync('xgettext', [...common, '--language=JavaScript', '--keyword=_', '--keyword=ngettext:1,2',
        '-o', join(scratch, 'code.pot'), ...prefs, catalogue]);
    execFileSync('xgettext', [...common, '-o', join(scratch, 'schema.pot'), 'schemas/org.gnome.shell.extensions.confine.gschema.xml']);
    execFileSync('msgcat', ['--use-first', '-o', 'po/confine.pot', join(scratch, 'code.pot'), join(scratch, 'schema.pot')]);
} finally {
    rmSync(scratch, {recursive: true, force: true});
}
console.log('wrote po/confine.pot');
