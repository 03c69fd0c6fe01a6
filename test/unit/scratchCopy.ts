// A scratch copy of what build.mjs reads, so tests can build and install without
// touching the dist/ that other commands in the checkout are using.

import {cpSync, existsSync, mkdtempSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

const BUILD_INPUTS = ['build.mjs', 'metadata.json', 'tsconfig.json', 'package.json', 'src', 'schemas', 'po', 'stylesheet.css'];

/** A new temporary directory holding the build inputs, with node_modules linked in. */
export function scratchCopy(prefix: string): string {
    const scratch = mkdtempSync(join(tmpdir(), prefix));
    for (const name of BUILD_INPUTS) {
        if (existsSync(join(REPO, name)))
            cpSync(join(REPO, name), join(scratch, name), {recursive: true});
    }
    symlinkSync(join(REPO, 'node_modules'), join(scratch, 'node_modules'));
    return scratch;
}
