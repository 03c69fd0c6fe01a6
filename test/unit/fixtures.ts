// Shared test data: valid profiles built through the real validation.

import {validateProfile, type Profile} from '../../src/core/validation.js';

/** A validated profile from a settings dictionary; throws if the fixture itself is invalid. */
export function profileOf(dictionary: Record<string, unknown>, id = 'test'): Profile {
    const check = validateProfile(id, dictionary);
    if (!check.ok)
        throw new Error(`fixture profile ${id} is invalid: ${check.errors.map(error => error.message).join(' ')}`);
    return check.profile;
}
