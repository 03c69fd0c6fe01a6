// Every `gsettings ... set` example of docs/configuration-and-properties.md, applied to real GSettings (in
// memory) with the extension's schema: the value must parse, fit the key, and the
// profiles and assignments it leaves behind must pass the core.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

import {resolveProfile} from '../../dist/extension/core/resolution.js';
import {validateProfile} from '../../dist/extension/core/validation.js';
import {assertDeepEqual, assertEqual, assertTrue, run, test} from './harness.js';

const SCHEMA_ID = 'org.gnome.shell.extensions.confine';
const [, readmeBytes] = GLib.file_get_contents('docs/configuration-and-properties.md');
const README = new TextDecoder().decode(readmeBytes);

/** Each example as [key, value text], in the page's order. */
function examples() {
    return README.split('\n')
        .filter(line => line.startsWith('gsettings ') && line.includes(` set ${SCHEMA_ID} `))
        .map(line => {
            const [ok, argv] = GLib.shell_parse_argv(line);
            assertTrue(ok, `cannot parse: ${line}`);
            const at = argv.indexOf('set');
            assertDeepEqual(argv.slice(0, 3), ['gsettings', '--schemadir', '$S'], 'gsettings options');
            assertEqual(argv.length, at + 4, `arguments of ${line}`);
            return [argv[at + 2], argv[at + 3]];
        });
}

/** gsettings parses the text as a GVariant, and takes it as a plain string when that fails for a string key. */
function parseAsGsettingsDoes(type, text) {
    try {
        return GLib.Variant.parse(type, text, null, null);
    } catch (error) {
        if (type.equal(new GLib.VariantType('s')))
            return new GLib.Variant('s', text);
        throw error;
    }
}

test('the configuration page shows gsettings examples for the main keys', () => {
    assertDeepEqual([...new Set(examples().map(([key]) => key))].sort(),
        ['app-profiles', 'default-profile', 'on-failure', 'profiles'], 'keys with examples');
});

test('every example is accepted by GSettings and leaves a valid configuration', () => {
    const settings = new Gio.Settings({schema_id: SCHEMA_ID});
    const schema = settings.settings_schema;
    for (const [key, text] of examples()) {
        const schemaKey = schema.get_key(key);
        const value = parseAsGsettingsDoes(schemaKey.get_value_type(), text);
        assertTrue(schemaKey.range_check(value), `${key}: ${text} is outside the key's range`);
        assertTrue(settings.set_value(key, value), `GSettings refused ${key} = ${text}`);

        const profiles = settings.get_value('profiles').recursiveUnpack();
        for (const [id, dictionary] of Object.entries(profiles)) {
            const check = validateProfile(id, dictionary);
            assertTrue(check.ok, `after ${key}: profile ${id} is invalid: ${JSON.stringify(check.errors)}`);
        }
        const current = {
            profiles,
            assignments: settings.get_value('app-profiles').recursiveUnpack(),
            defaultProfile: settings.get_string('default-profile'),
        };
        for (const desktopId of [...Object.keys(current.assignments), 'any-other-app.desktop']) {
            const resolution = resolveProfile(desktopId, current);
            assertTrue(resolution.kind !== 'invalid', `after ${key}: ${resolution.explanation}`);
        }
    }
    const builds = settings.get_value('profiles').recursiveUnpack().builds;
    assertDeepEqual(validateProfile('builds', builds).profile.properties.get('CPUQuota'), '300%', 'builds profile applied');
});

run('readme');
