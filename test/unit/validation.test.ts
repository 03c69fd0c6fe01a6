// Whole profiles through validateProfile: normalization, every error reported in
// plain language naming its property, profile ids and names, and the way back to
// the settings dictionary.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {
    OversizedProfile, checkProfileId, checkValue, describeValue, fitsInScope, profileLabel, profileToDictionary,
    validateProfile, type Profile, type ProfileCheck,
} from '../../src/core/validation.js';
import {profileOf} from './fixtures.js';

function errorsOf(check: ProfileCheck): {property: string | null; message: string}[] {
    assert.equal(check.ok, false, 'the profile was accepted');
    return check.ok ? [] : check.errors;
}

describe('validateProfile', () => {
    test('normalizes values and orders properties as the catalogue does', () => {
        const check = validateProfile('strict', {
            PrivateTmp: true, CPUQuota: '0150%', name: 'Strict', MemoryMax: '4g', NoNewPrivileges: true,
            CPUWeight: 50, TasksMax: '512',
        });
        assert.deepEqual(check, {
            ok: true,
            profile: {
                id: 'strict', name: 'Strict',
                properties: new Map([
                    ['MemoryMax', '4G'], ['CPUQuota', '150%'], ['CPUWeight', '50'], ['TasksMax', '512'],
                    ['NoNewPrivileges', 'yes'], ['PrivateTmp', 'yes'],
                ]),
            },
        });
    });

    test('accepts the two profiles of the schema default', () => {
        assert.deepEqual(validateProfile('relaxed', {name: 'Relaxed', MemoryMax: '70%'}), {
            ok: true, profile: {id: 'relaxed', name: 'Relaxed', properties: new Map([['MemoryMax', '70%']])},
        });
        const strict = validateProfile('strict', {
            name: 'Strict', MemoryMax: '70%', CPUQuota: '100%', NoNewPrivileges: true, PrivateTmp: true,
        });
        assert.ok(strict.ok);
        assert.deepEqual([...strict.profile.properties], [
            ['MemoryMax', '70%'], ['CPUQuota', '100%'], ['NoNewPrivileges', 'yes'], ['PrivateTmp', 'yes'],
        ]);
    });

    test('accepts a profile that only has a name, and uses the id when the name is missing', () => {
        assert.deepEqual(validateProfile('empty', {name: 'Nothing'}),
            {ok: true, profile: {id: 'empty', name: 'Nothing', properties: new Map()}});
        assert.deepEqual(validateProfile('unnamed', {MemoryMax: '1G'}),
            {ok: true, profile: {id: 'unnamed', name: 'unnamed', properties: new Map([['MemoryMax', '1G']])}});
    });

    test('trims the name', () => {
        const check = validateProfile('web', {name: '  Web browsers  '});
        assert.ok(check.ok);
        assert.equal(check.profile.name, 'Web browsers');
    });

    test('reports every bad value, each naming its property, in dictionary order', () => {
        assert.deepEqual(errorsOf(validateProfile('bad', {
            name: 'Bad',
            MemoryMax: '1G -p User=root',
            CPUQuota: '70%;rm -rf ~',
            TasksMax: '-5',
            MemoryHigh: '99999999999999999999T',
            MemorySwapMax: '',
            NoNewPrivileges: 'true',
            CPUWeight: 'heavy',
            User: 'root',
        })), [
            {property: 'MemoryMax', message: 'MemoryMax: "1G -p User=root" is not a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity".'},
            {property: 'CPUQuota', message: 'CPUQuota: "70%;rm -rf ~" is not a CPU percentage above 0% (100% is one full CPU, 200% two).'},
            {property: 'TasksMax', message: 'TasksMax: "-5" is not a number of tasks of 1 or more, a percentage (like 10%) or "infinity".'},
            {property: 'MemoryHigh', message: 'MemoryHigh: "99999999999999999999T" is larger than any machine’s memory; use "infinity" for no limit.'},
            {property: 'MemorySwapMax', message: 'MemorySwapMax: "" is not a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity".'},
            {property: 'NoNewPrivileges', message: 'NoNewPrivileges must be a true/false value, not text "true".'},
            {property: 'CPUWeight', message: 'CPUWeight: "heavy" is not a whole number from 1 to 10000 (the default is 100).'},
            {property: 'User', message: '"User" is not a property Confine supports.'},
        ]);
    });

    test('refuses unknown properties instead of passing them through', () => {
        for (const key of ['User', 'ExecStart', 'memorymax', 'Memory Max', 'MemoryMax ', '-p', '__proto__', 'constructor', '']) {
            const errors = errorsOf(validateProfile('p', {[key]: '1G'}));
            assert.deepEqual(errors, [{property: key, message: `${JSON.stringify(key)} is not a property Confine supports.`}]);
        }
        // A JSON import can carry an own "__proto__" key; it must not vanish or be merged.
        assert.deepEqual(errorsOf(validateProfile('p', JSON.parse('{"__proto__": {"MemoryMax": "1G"}}'))),
            [{property: '__proto__', message: '"__proto__" is not a property Confine supports.'}]);
    });

    test('explains wrong value types in plain words', () => {
        const cases: [string, unknown, string][] = [
            ['MemoryMax', 4096, 'MemoryMax must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not a number.'],
            ['MemoryMax', true, 'MemoryMax must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not a true/false value.'],
            ['MemoryMax', ['1G'], 'MemoryMax must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not a list.'],
            ['MemoryMax', {}, 'MemoryMax must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not a dictionary.'],
            ['MemoryMax', null, 'MemoryMax must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not nothing.'],
            ['PrivateTmp', 1, 'PrivateTmp must be a true/false value, not a number 1.'],
            ['PrivateTmp', 'yes', 'PrivateTmp must be a true/false value, not text "yes".'],
            ['CPUQuota', 50, 'CPUQuota: 50 is not a CPU percentage above 0% (100% is one full CPU, 200% two).'],
            ['CPUWeight', 1.5, 'CPUWeight: 1.5 is not a whole number from 1 to 10000 (the default is 100).'],
            ['AllowedCPUs', [0, 1], 'AllowedCPUs: a list is not a list of CPU numbers and ranges such as 0-3,6 (CPUs 0 to 8191).'],
            ['ProtectHome', 'Read-Only', 'ProtectHome: "Read-Only" is not one of no, yes, read-only, tmpfs.'],
            ['ProtectSystem', 2, 'ProtectSystem: 2 is not one of no, yes, full, strict.'],
        ];
        for (const [property, raw, message] of cases)
            assert.deepEqual(errorsOf(validateProfile('p', {[property]: raw})), [{property, message}]);
    });

    test('refuses a profile that is not a dictionary', () => {
        for (const [raw, what] of [['MemoryMax=1G', 'text'], [['MemoryMax', '1G'], 'a list'], [null, 'nothing'],
            [undefined, 'nothing'], [true, 'a true/false value'], [7, 'a number']] as const) {
            assert.deepEqual(errorsOf(validateProfile('work', raw)),
                [{property: null, message: `Profile "work" must be a dictionary of properties, not ${what}.`}]);
        }
    });

    test('checks the name', () => {
        const cases: [unknown, string][] = [
            ['', 'The profile name is empty.'],
            ['   ', 'The profile name is empty.'],
            [42, 'The profile name must be text, not a number.'],
            [false, 'The profile name must be text, not a true/false value.'],
            [['Work'], 'The profile name must be text, not a list.'],
            ['x'.repeat(65), 'The profile name is longer than 64 characters.'],
            ['Work\nUser=root', 'The profile name contains control characters.'],
            ['Tab\there', 'The profile name contains control characters.'],
            ['Bell\u0007', 'The profile name contains control characters.'],
            ['Del\u007f', 'The profile name contains control characters.'],
        ];
        for (const [name, message] of cases)
            assert.deepEqual(errorsOf(validateProfile('p', {name})), [{property: 'name', message}], JSON.stringify(name));
        assert.ok(validateProfile('p', {name: 'x'.repeat(64)}).ok);
        assert.ok(validateProfile('p', {name: 'Navigateurs «web» — $HOME; 100%'}).ok);
    });

    test('reports a bad id together with bad values', () => {
        assert.deepEqual(errorsOf(validateProfile('-p', {name: '', MemoryMax: 'lots'})), [
            {property: null, message: '"-p" is not a valid profile id: use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit.'},
            {property: 'name', message: 'The profile name is empty.'},
            {property: 'MemoryMax', message: 'MemoryMax: "lots" is not a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity".'},
        ]);
    });
});

describe('profile ids', () => {
    test('accepts letters, digits, "-" and "_", starting with a letter or digit, up to 64', () => {
        for (const id of ['strict', 'relaxed', 'Web', 'web-browsers', 'build_jobs', '2cpus', 'a', 'x'.repeat(64), 'A-1_b'])
            assert.equal(checkProfileId(id), null, id);
    });

    test('refuses anything else', () => {
        for (const id of ['', '-p', '_hidden', 'x'.repeat(65), 'web browsers', 'a.b', 'a/b', 'a;b', '$HOME', 'naïve',
            'strict\n', '\nstrict', 'a=b', "it's", 'a"b']) {
            assert.equal(checkProfileId(id),
                `${describeValue(id)} is not a valid profile id: use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit.`,
                JSON.stringify(id));
        }
    });
});

describe('describeValue', () => {
    test('quotes text, shortens long text and names other types', () => {
        assert.equal(describeValue('70%;rm -rf ~'), '"70%;rm -rf ~"');
        assert.equal(describeValue('a\nb'), '"a\\nb"');
        assert.equal(describeValue('y'.repeat(41)), `"${'y'.repeat(40)}…"`);
        assert.equal(describeValue(12n), '12');
        assert.equal(describeValue(null), 'nothing');
        assert.equal(describeValue(undefined), 'nothing');
        assert.equal(describeValue([1]), 'a list');
        assert.equal(describeValue({a: 1}), 'a dictionary');
        assert.equal(describeValue(true), 'true');
    });

    test('keeps messages about huge values short', () => {
        const check = checkValue('MemoryMax', '9'.repeat(10000));
        assert.equal(check.ok, false);
        assert.ok(!check.ok && check.message.length < 200, 'message not bounded');
    });
});

describe('fitsInScope', () => {
    test('is true when every property is a resource property', () => {
        assert.equal(fitsInScope(profileOf({MemoryMax: '1G', CPUQuota: '50%', TasksMax: 10, AllowedCPUs: '0-1'})), true);
        assert.equal(fitsInScope(profileOf({})), true);
    });

    test('is false as soon as one sandbox option is set, even to "no"', () => {
        for (const [property, value] of [['NoNewPrivileges', true], ['PrivateTmp', false], ['PrivateNetwork', true],
            ['ProtectHome', 'read-only'], ['ProtectSystem', 'no']] as const)
            assert.equal(fitsInScope(profileOf({MemoryMax: '1G', [property]: value})), false, property);
    });

    test('is false for a property the catalogue does not know', () => {
        const forged: Profile = {id: 'x', name: 'x', properties: new Map([['User', 'root']])};
        assert.equal(fitsInScope(forged), false);
    });
});

describe('profileToDictionary', () => {
    test('stores booleans as booleans and everything else as normalized text', () => {
        const profile = profileOf({
            name: 'Mixed', MemoryMax: '2g', CPUWeight: 200, NoNewPrivileges: true, PrivateNetwork: false,
            ProtectHome: true, ProtectSystem: 'strict',
        });
        assert.deepEqual(profileToDictionary(profile), {
            name: 'Mixed', MemoryMax: '2G', CPUWeight: '200', NoNewPrivileges: true, PrivateNetwork: false,
            ProtectHome: 'yes', ProtectSystem: 'strict',
        });
    });

    test('gives back a dictionary that validates to the same profile', () => {
        const profile = profileOf({
            name: 'Everything', MemoryMax: '70%', MemoryHigh: '3.5G', MemorySwapMax: '0', CPUQuota: '250%',
            CPUWeight: '10', AllowedCPUs: '0-3,6', IOWeight: 10000, TasksMax: 'infinity', NoNewPrivileges: true,
            PrivateTmp: true, PrivateNetwork: false, ProtectHome: 'tmpfs', ProtectSystem: 'full',
        });
        assert.deepEqual(validateProfile(profile.id, profileToDictionary(profile)), {ok: true, profile});
    });
});

describe('profileLabel', () => {
    test('names a profile by its label, else by its id', () => {
        assert.equal(profileLabel('work', {name: ' Work ', MemoryMax: 'lots'}), 'Work');
        assert.equal(profileLabel('work', {MemoryMax: '1G'}), 'work');
        for (const name of ['', 7, 'a\u0001b', 'x'.repeat(65)])
            assert.equal(profileLabel('work', {name}), 'work', JSON.stringify(name));
        for (const raw of ['text', null, [], new OversizedProfile(20000)])
            assert.equal(profileLabel('work', raw), 'work');
        const check = validateProfile('work', {name: 'Work'});
        assert.ok(check.ok && check.profile.name === profileLabel('work', {name: 'Work'}), 'the same as a valid profile\'s name');
    });
});
