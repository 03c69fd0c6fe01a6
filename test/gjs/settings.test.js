// Settings values as GSettings really delivers them: GVariants of any type inside
// the a{sv} of a profile, unpacked by gjs, then judged by the core. Runs with
// GSETTINGS_BACKEND=memory and the schema the build compiled (see run.sh).

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

import {resolveProfile} from '../../dist/extension/core/resolution.js';
import {summarizeErrors, validateProfile} from '../../dist/extension/core/validation.js';
import {readProfileSettings, writeProfileSettings} from '../../dist/extension/settings/profileStore.js';
import {parseDump} from '../../dist/extension/settings/storedValues.js';
import {assertDeepEqual, assertEqual, assertTrue, run, test} from './harness.js';

const SCHEMA_ID = 'org.gnome.shell.extensions.confine';

function freshSettings() {
    const settings = new Gio.Settings({schema_id: SCHEMA_ID});
    for (const key of settings.settings_schema.list_keys())
        settings.reset(key);
    return settings;
}

/** Stores one profile whose properties are the given GVariants and reads it back. */
function roundTrip(properties) {
    const settings = freshSettings();
    settings.set_value('profiles', new GLib.Variant('a{sa{sv}}', {probe: properties}));
    return settings.get_value('profiles').recursiveUnpack().probe;
}

function validated(properties) {
    return validateProfile('probe', roundTrip(properties));
}

/** Profile.properties is a Map; compare it as entries. */
function summary(check) {
    if (!check.ok)
        return {errors: check.errors};
    return {id: check.profile.id, name: check.profile.name, properties: [...check.profile.properties]};
}

test('the schema defaults are the ssc modes and validate as they are', () => {
    const settings = freshSettings();
    const profiles = settings.get_value('profiles').recursiveUnpack();
    assertDeepEqual(Object.keys(profiles).sort(), ['relaxed', 'strict'], 'default profile ids');
    assertDeepEqual(summary(validateProfile('relaxed', profiles.relaxed)),
        {id: 'relaxed', name: 'Relaxed', properties: [['MemoryMax', '70%']]}, 'relaxed');
    assertDeepEqual(summary(validateProfile('strict', profiles.strict)), {
        id: 'strict', name: 'Strict',
        properties: [['MemoryMax', '70%'], ['CPUQuota', '100%'], ['NoNewPrivileges', 'yes'], ['PrivateTmp', 'yes']],
    }, 'strict');
    assertDeepEqual(settings.get_value('app-profiles').recursiveUnpack(), {}, 'app-profiles');
    assertEqual(settings.get_string('default-profile'), '', 'default-profile');
    assertEqual(settings.get_string('on-failure'), 'launch-unconfined', 'on-failure');
});

test('integers of any GVariant width and decimal strings are accepted for weights and task counts', () => {
    for (const type of ['y', 'n', 'q', 'i', 'u', 'x', 't']) {
        assertDeepEqual(summary(validated({CPUWeight: new GLib.Variant(type, 50), TasksMax: new GLib.Variant(type, 100)})),
            {id: 'probe', name: 'probe', properties: [['CPUWeight', '50'], ['TasksMax', '100']]}, `type ${type}`);
    }
    assertDeepEqual(summary(validated({IOWeight: new GLib.Variant('s', '10000')})),
        {id: 'probe', name: 'probe', properties: [['IOWeight', '10000']]}, 'string weight');
});

test('a value of the wrong GVariant type is rejected with a message naming the property', () => {
    const cases = [
        [{PrivateTmp: new GLib.Variant('s', 'true')}, 'PrivateTmp', 'PrivateTmp must be a true/false value, not text "true".'],
        [{NoNewPrivileges: new GLib.Variant('i', 1)}, 'NoNewPrivileges', 'NoNewPrivileges must be a true/false value, not a number 1.'],
        [{MemoryMax: new GLib.Variant('i', 4)}, 'MemoryMax',
            'MemoryMax must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not a number.'],
        [{MemoryMax: new GLib.Variant('b', true)}, 'MemoryMax',
            'MemoryMax must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not a true/false value.'],
        [{MemoryMax: new GLib.Variant('as', ['4G'])}, 'MemoryMax',
            'MemoryMax must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not a list.'],
        [{MemoryMax: new GLib.Variant('a{sv}', {value: new GLib.Variant('s', '4G')})}, 'MemoryMax',
            'MemoryMax must be text holding a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity", not a dictionary.'],
        [{CPUQuota: new GLib.Variant('d', 150)}, 'CPUQuota',
            'CPUQuota: 150 is not a CPU percentage above 0% (100% is one full CPU, 200% two).'],
        [{CPUWeight: new GLib.Variant('d', 1.5)}, 'CPUWeight', 'CPUWeight: 1.5 is not a whole number from 1 to 10000 (the default is 100).'],
        [{CPUWeight: new GLib.Variant('i', -5)}, 'CPUWeight', 'CPUWeight: -5 is not a whole number from 1 to 10000 (the default is 100).'],
        [{TasksMax: new GLib.Variant('(s)', ['10'])}, 'TasksMax',
            'TasksMax: a list is not a number of tasks of 1 or more, a percentage (like 10%) or "infinity".'],
        [{AllowedCPUs: new GLib.Variant('ai', [0, 1])}, 'AllowedCPUs',
            'AllowedCPUs: a list is not a list of CPU numbers and ranges such as 0-3,6 (CPUs 0 to 8191).'],
        [{name: new GLib.Variant('b', true)}, 'name', 'The profile name must be text, not a true/false value.'],
    ];
    for (const [properties, property, message] of cases)
        assertDeepEqual(summary(validated(properties)), {errors: [{property, message}]}, property);
    const bytes = validated({MemoryMax: new GLib.Variant('ay', [0x34, 0x47])});
    assertTrue(!bytes.ok && bytes.errors.length === 1 && bytes.errors[0].property === 'MemoryMax', 'a byte array was accepted');
});

test('hostile strings and unknown properties stored in settings are rejected', () => {
    const check = validated({
        MemoryMax: new GLib.Variant('s', '1G -p User=root'),
        CPUQuota: new GLib.Variant('s', '70%;rm -rf ~'),
        TasksMax: new GLib.Variant('s', '-5'),
        MemoryHigh: new GLib.Variant('s', '99999999999999999999T'),
        MemorySwapMax: new GLib.Variant('s', ''),
        User: new GLib.Variant('s', 'root'),
        ExecStartPre: new GLib.Variant('s', '/bin/sh -c id'),
    });
    assertTrue(!check.ok, 'the hostile profile was accepted');
    assertDeepEqual(check.errors.map(error => error.property).sort(),
        ['CPUQuota', 'ExecStartPre', 'MemoryHigh', 'MemoryMax', 'MemorySwapMax', 'TasksMax', 'User'], 'properties at fault');
});

test('resolution works on the values GSettings returns', () => {
    const settings = freshSettings();
    settings.set_value('app-profiles', new GLib.Variant('a{ss}', {'firefox-esr.desktop': 'strict', 'org.gnome.gedit.desktop': ''}));
    settings.set_string('default-profile', 'relaxed');
    const current = {
        profiles: settings.get_value('profiles').recursiveUnpack(),
        assignments: settings.get_value('app-profiles').recursiveUnpack(),
        defaultProfile: settings.get_string('default-profile'),
    };
    const firefox = resolveProfile('firefox-esr', current);
    assertEqual(firefox.kind, 'confined', 'firefox kind');
    assertEqual(firefox.profile.id, 'strict', 'firefox profile');
    assertEqual(firefox.source, 'assignment', 'firefox source');
    assertDeepEqual(resolveProfile('org.gnome.gedit.desktop', current),
        {kind: 'unconfined', explanation: 'org.gnome.gedit.desktop is set to run without confinement.'}, 'gedit');
    const other = resolveProfile('org.gnome.Calculator.desktop', current);
    assertEqual(other.kind === 'confined' && `${other.source}:${other.profile.id}`, 'default:relaxed', 'calculator');
});

test('a "__proto__" key in a stored profile is refused, not dropped', () => {
    const settings = freshSettings();
    settings.set_value('profiles', GLib.Variant.parse(new GLib.VariantType('a{sa{sv}}'),
        "{'sneaky': {'name': <'Sneaky'>, '__proto__': <'x'>, 'MemoryMax': <'1G'>}}", null, null));
    settings.set_value('app-profiles', new GLib.Variant('a{ss}', {'a.desktop': 'sneaky'}));
    const current = readProfileSettings(settings);
    assertDeepEqual(Object.keys(current.profiles.sneaky), ['name', '__proto__', 'MemoryMax'], 'keys as stored');
    const resolution = resolveProfile('a.desktop', current);
    assertEqual(resolution.kind, 'invalid', 'the profile is invalid');
    assertDeepEqual(resolution.errors.map(error => error.property), ['__proto__'], 'the key at fault');
});

// Issue 12, item 7: unpacking 20,000 keys cost the shell hundreds of ms per launch.
test('a profile with 20,000 unknown keys is refused unread, in one short message', () => {
    const settings = freshSettings();
    const huge = {name: new GLib.Variant('s', 'Huge')};
    for (let i = 0; i < 20000; i++)
        huge[`Unknown${i}`] = new GLib.Variant('s', 'x');
    const many = {name: new GLib.Variant('s', 'Many')};
    for (let i = 0; i < 40; i++)
        many[`Unknown${i}`] = new GLib.Variant('s', 'x');
    settings.set_value('profiles', new GLib.Variant('a{sa{sv}}', {huge, many}));
    settings.set_value('app-profiles', new GLib.Variant('a{ss}', {'a.desktop': 'huge', 'b.desktop': 'many'}));
    const started = GLib.get_monotonic_time();
    const current = readProfileSettings(settings);
    const resolution = resolveProfile('a.desktop', current);
    const elapsedMs = (GLib.get_monotonic_time() - started) / 1000;
    // Printed, not asserted: a time limit in a test fails on a busy machine (25.9 ms once,
    // while two GNOME Shells ran beside it). "Unread" is what the message below proves.
    print(`# read and resolved in ${elapsedMs.toFixed(1)} ms`);
    assertEqual(resolution.kind, 'invalid', 'the profile is invalid');
    assertEqual(summarizeErrors(resolution.errors), 'Profile "huge" has 20001 keys; a profile has at most 64, so it was not read.');
    const many40 = resolveProfile('b.desktop', current);
    assertEqual(many40.errors.length, 40, 'a profile under the bound is read and judged key by key');
    const summary40 = summarizeErrors(many40.errors);
    assertTrue(summary40.endsWith('And 37 more.') && summary40.length < 400, `short: ${summary40}`);
});

test('the writer stores an edit and keeps the GVariant of every value the edit carried over', () => {
    const settings = freshSettings();
    settings.set_value('profiles', GLib.Variant.parse(new GLib.VariantType('a{sa{sv}}'),
        "{'mine': {'name': <'Mine'>, 'CPUWeight': <50>, 'TasksMax': <uint64 100>}, 'other': {'name': <'Other'>, 'IOWeight': <int16 7>}}",
        null, null));
    const current = readProfileSettings(settings);
    const profiles = {...current.profiles, mine: {...current.profiles.mine, MemoryMax: '1G'}, copy: {...current.profiles.other, name: 'Copy'}};
    assertDeepEqual(writeProfileSettings(settings, {profiles}, {copy: 'other'}), {ok: true}, 'written');
    assertEqual(settings.get_value('profiles').print(true),
        "{'mine': {'name': <'Mine'>, 'CPUWeight': <50>, 'TasksMax': <uint64 100>, 'MemoryMax': <'1G'>}, " +
        "'other': {'name': <'Other'>, 'IOWeight': <int16 7>}, 'copy': {'name': <'Copy'>, 'IOWeight': <int16 7>}}", 'stored');
    assertEqual(settings.get_value('app-profiles').n_children(), 0, 'a part not given is not written');
});

test('the writer keeps a "__proto__" key, in a profile it edits and in one it leaves alone', () => {
    const settings = freshSettings();
    settings.set_value('profiles', GLib.Variant.parse(new GLib.VariantType('a{sa{sv}}'),
        "{'sneaky': {'name': <'Sneaky'>, '__proto__': <'x'>}, 'edited': {'name': <'Edited'>, '__proto__': <'y'>}}", null, null));
    const current = readProfileSettings(settings);
    const edited = Object.fromEntries([...Object.entries(current.profiles.edited), ['MemoryMax', '1G']]);
    assertDeepEqual(writeProfileSettings(settings, {profiles: {sneaky: current.profiles.sneaky, edited}}), {ok: true}, 'written');
    assertEqual(settings.get_value('profiles').print(true),
        "{'sneaky': {'name': <'Sneaky'>, '__proto__': <'x'>}, 'edited': {'name': <'Edited'>, '__proto__': <'y'>, 'MemoryMax': <'1G'>}}", 'stored');
});

test('the writer stores several parts at once, and a profile too large to read stays as it is', () => {
    const settings = freshSettings();
    const huge = {name: new GLib.Variant('s', 'Huge')};
    for (let i = 0; i < 100; i++)
        huge[`Unknown${i}`] = new GLib.Variant('s', 'x');
    settings.set_value('profiles', new GLib.Variant('a{sa{sv}}', {huge, small: {name: new GLib.Variant('s', 'Small')}}));
    const current = readProfileSettings(settings);
    const written = writeProfileSettings(settings, {
        profiles: {...current.profiles, small: {name: 'Smaller'}},
        assignments: {'a.desktop': 'small', 'b.desktop': ''},
        defaultProfile: 'small',
    });
    assertDeepEqual(written, {ok: true}, 'written');
    const stored = settings.get_value('profiles').recursiveUnpack();
    assertEqual(Object.keys(stored.huge).length, 101, 'the large profile kept every key');
    assertEqual(stored.small.name, 'Smaller', 'the edited profile');
    assertDeepEqual(readProfileSettings(settings).assignments, {'a.desktop': 'small', 'b.desktop': ''}, 'assignments');
    assertEqual(settings.get_string('default-profile'), 'small', 'default');
});

test('dconf dump output is read with each value\'s stored type', () => {
    const values = parseDump([
        '[/]',
        "on-failure='Refuse'",
        "profiles={'relaxed': {'name': 'Mine', 'MemoryMax': '1G'}}",
        'app-profiles=@a{ss} {}',
        'default-profile=int32 3',
        '',
        '[sub]',
        "other='x'",
        '',
    ].join('\n'));
    assertDeepEqual([...values.keys()].sort(), ['app-profiles', 'default-profile', 'on-failure', 'profiles'], 'keys');
    assertDeepEqual(values.get('on-failure'), {type: 's', text: "'Refuse'", string: 'Refuse'}, 'on-failure');
    assertEqual(values.get('profiles').type, 'a{sa{ss}}', 'profiles type');
    assertEqual(values.get('app-profiles').type, 'a{ss}', 'app-profiles type');
    assertEqual(values.get('default-profile').type, 'i', 'default-profile type');
    assertEqual(parseDump('').size, 0, 'nothing stored');
});

run('settings');
