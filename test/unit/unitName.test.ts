// Unit names: systemd's desktop-environment convention, gnome-desktop's escaping,
// and the 255-character limit.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {
    LAUNCHER, RANDOM_LENGTH, UNIT_NAME_MAX, escapeAppId, isConfineUnit, jobRemovedRule, randomSuffix, unitName,
    unitObjectPath,
} from '../../src/core/unitName.js';

/** What systemd's unit_name_is_valid() accepts for our two shapes. */
const VALID_UNIT = /^app-confine-[A-Za-z0-9:_.\\-]+(-[A-Za-z0-9]+\.scope|@[A-Za-z0-9]+\.service)$/;

/** The app id segment of a name, unescaped back to bytes. */
function unescapedId(name: string): Uint8Array {
    const segment = /^app-confine-(.*)(?:-[A-Za-z0-9]+\.scope|@[A-Za-z0-9]+\.service)$/.exec(name)?.[1];
    assert.ok(segment !== undefined, `not one of our unit names: ${name}`);
    const bytes: number[] = [];
    for (const [, plain, hex] of segment.matchAll(/([A-Za-z0-9:_.])|\\x([0-9a-f]{2})|(.)/gs)) {
        assert.ok(plain !== undefined || hex !== undefined, `stray character in ${JSON.stringify(segment)}`);
        bytes.push(plain !== undefined ? plain.charCodeAt(0) : parseInt(hex, 16));
    }
    return Uint8Array.from(bytes);
}

/** A small deterministic generator (mulberry32), so failures reproduce. */
function seededRandom(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

describe('escapeAppId', () => {
    test('keeps [A-Za-z0-9:_.] and writes every other byte as lowercase \\xNN', () => {
        const cases: [string, string][] = [
            ['org.gnome.Terminal', 'org.gnome.Terminal'],
            ['firefox-esr', 'firefox\\x2desr'],
            ['my app', 'my\\x20app'],
            ['it\'s "x"', 'it\\x27s\\x20\\x22x\\x22'],
            ['$HOME;rm', '\\x24HOME\\x3brm'],
            ['a\nb\tc\0', 'a\\x0ab\\x09c\\x00'],
            ['back\\slash/at@', 'back\\x5cslash\\x2fat\\x40'],
            ['café', 'caf\\xc3\\xa9'],
            ['😀', '\\xf0\\x9f\\x98\\x80'],
            ['a:b_c.d', 'a:b_c.d'],
            ['`id`%U*?~', '\\x60id\\x60\\x25U\\x2a\\x3f\\x7e'],
            ['', ''],
        ];
        for (const [id, escaped] of cases)
            assert.equal(escapeAppId(id), escaped, JSON.stringify(id));
    });
});

describe('unitName', () => {
    test('follows app-<launcher>-<id>-<random>.scope and app-<launcher>-<id>@<random>.service', () => {
        assert.equal(LAUNCHER, 'confine');
        assert.equal(unitName('scope', 'firefox-esr.desktop', 'abc123'), 'app-confine-firefox\\x2desr-abc123.scope');
        assert.equal(unitName('service', 'firefox-esr.desktop', 'abc123'), 'app-confine-firefox\\x2desr@abc123.service');
        assert.equal(unitName('scope', 'org.gnome.Terminal.desktop', 'Z9'), 'app-confine-org.gnome.Terminal-Z9.scope');
        assert.equal(unitName('scope', 'my app.desktop', 'x'), 'app-confine-my\\x20app-x.scope');
        assert.equal(unitName('service', 'x;y$(id)\n.desktop', 'r'), 'app-confine-x\\x3by\\x24\\x28id\\x29\\x0a@r.service');
    });

    test('keeps the id segment non-empty', () => {
        assert.equal(unitName('scope', '', 'abc'), 'app-confine-_-abc.scope');
        assert.equal(unitName('service', '.desktop', 'abc'), 'app-confine-_@abc.service');
    });

    test('cuts long ids to exactly 255 characters', () => {
        const suffix = 'a1b2c3d4e5f6';
        const scope = unitName('scope', `${'a'.repeat(300)}.desktop`, suffix);
        assert.equal(scope, `app-confine-${'a'.repeat(224)}-${suffix}.scope`);
        assert.equal(scope.length, UNIT_NAME_MAX);
        const service = unitName('service', 'b'.repeat(1000), suffix);
        assert.equal(service, `app-confine-${'b'.repeat(222)}@${suffix}.service`);
        assert.equal(service.length, UNIT_NAME_MAX);
        assert.equal(unitName('scope', 'c'.repeat(224), suffix).length, 255);
        assert.equal(unitName('scope', 'c'.repeat(223), suffix).length, 254);
    });

    test('never splits a \\xNN sequence when cutting', () => {
        // 'a\x2d' is 5 characters: 44 of them fill 220 of the 224 places, the 45th 'a' one more,
        // and its \x2d would cross the limit.
        const name = unitName('scope', 'a-'.repeat(200), 'a1b2c3d4e5f6');
        assert.equal(name, `app-confine-${'a\\x2d'.repeat(44)}a-a1b2c3d4e5f6.scope`);
        for (let shift = 0; shift < 4; shift++) {
            const shifted = unitName('scope', `${'x'.repeat(shift)}${'-'.repeat(100)}`, 'a1b2c3d4e5f6');
            assert.match(shifted, /^app-confine-x{0,3}(\\x2d)+-a1b2c3d4e5f6\.scope$/);
            assert.ok(shifted.length <= 255 && shifted.length > 250, `${shifted.length}`);
        }
    });

    test('never leaves half of a UTF-8 character when cutting', () => {
        const name = unitName('scope', 'é'.repeat(300), 'a1b2c3d4e5f6');
        assert.equal(name, `app-confine-${'\\xc3\\xa9'.repeat(28)}-a1b2c3d4e5f6.scope`);
        const emoji = unitName('service', `z${'😀'.repeat(100)}`, 'a1b2c3d4e5f6');
        assert.equal(emoji, `app-confine-z${'\\xf0\\x9f\\x98\\x80'.repeat(13)}@a1b2c3d4e5f6.service`);
    });

    test('gives a valid, unambiguous name for any id (seeded fuzz)', () => {
        const alphabet = ['a', 'Z', '0', '-', '.', '_', ':', ' ', '\'', '"', '$', ';', '\\', '\n', '%', '@', '/',
            'é', 'ß', '中', '😀', '\u0000', '\u007f', '\u200b'];
        const random = seededRandom(2);
        const decoder = new TextDecoder('utf-8', {fatal: true});
        for (let i = 0; i < 2000; i++) {
            const length = Math.floor(random() * 320);
            let id = '';
            for (let j = 0; j < length; j++)
                id += alphabet[Math.floor(random() * alphabet.length)];
            const type = random() < 0.5 ? 'scope' : 'service';
            const suffix = randomSuffix(random);
            const name = unitName(type, id, suffix);
            assert.ok(name.length <= UNIT_NAME_MAX, `${name.length} > 255 for ${JSON.stringify(id)}`);
            assert.match(name, VALID_UNIT);
            assert.ok(name.endsWith(type === 'scope' ? `-${suffix}.scope` : `@${suffix}.service`));
            assert.ok(isConfineUnit(name), name);
            const bytes = new TextEncoder().encode(id);
            const kept = unescapedId(name);
            if (id === '') {
                assert.deepEqual(kept, Uint8Array.from([0x5f]));
                continue;
            }
            // The unescaped segment is a prefix of the id that still decodes as text.
            assert.deepEqual(kept, bytes.subarray(0, kept.length), JSON.stringify(id));
            assert.ok(id.startsWith(decoder.decode(kept)), JSON.stringify(id));
            if (escapeAppId(id).length <= UNIT_NAME_MAX - 12 - (type === 'scope' ? 19 : 21))
                assert.equal(kept.length, bytes.length, 'cut although it fitted');
        }
    });

    test('refuses a suffix that is not 1 to 64 letters and digits', () => {
        for (const suffix of ['', 'ab-c', 'a.scope', 'a b', 'é', '../x', 'a'.repeat(65)])
            assert.throws(() => unitName('scope', 'x', suffix), /unit suffix must be 1 to 64 letters or digits/, suffix);
        assert.equal(unitName('scope', 'x', 'A'.repeat(64)).length, 'app-confine-x-'.length + 64 + '.scope'.length);
    });
});

describe('randomSuffix', () => {
    test('maps the random source onto lowercase letters and digits', () => {
        assert.equal(RANDOM_LENGTH, 12);
        assert.equal(randomSuffix(() => 0), 'aaaaaaaaaaaa');
        assert.equal(randomSuffix(() => 0.9999999), '999999999999');
        assert.equal(randomSuffix(() => 1), 'aaaaaaaaaaaa');
        const steps = [0, 25 / 36, 26 / 36, 35 / 36];
        let i = 0;
        assert.equal(randomSuffix(() => steps[i++ % steps.length], 8), 'az09az09');
        assert.equal(randomSuffix(() => 0.5, 3), 'sss');
    });

    test('is alphanumeric and 12 long with Math.random', () => {
        for (let i = 0; i < 100; i++)
            assert.match(randomSuffix(Math.random), /^[a-z0-9]{12}$/);
    });
});

describe('isConfineUnit', () => {
    test('recognizes our scopes and services only', () => {
        assert.equal(isConfineUnit('app-confine-firefox\\x2desr-abc123.scope'), true);
        assert.equal(isConfineUnit('app-confine-firefox\\x2desr@abc123.service'), true);
        assert.equal(isConfineUnit('app-gnome-firefox\\x2desr-4242.scope'), false);
        assert.equal(isConfineUnit('app-confine-x-.scope'), false);
        assert.equal(isConfineUnit('app-confine-x@.service'), false);
        assert.equal(isConfineUnit('app-confine-x@abc.scope'), false);
        assert.equal(isConfineUnit('session-2.scope'), false);
        assert.equal(isConfineUnit('app-confine--abc.scope'), false);
    });
});

// Issue 12, item 5: the early-exit watch listens on the unit's object path before it exists.
describe('unitObjectPath', () => {
    test('escapes as systemd\'s bus_label_escape does', () => {
        assert.equal(unitObjectPath('dbus.service'), '/org/freedesktop/systemd1/unit/dbus_2eservice');
        assert.equal(unitObjectPath('app-confine-a\\x2db@x1.service'),
            '/org/freedesktop/systemd1/unit/app_2dconfine_2da_5cx2db_40x1_2eservice');
        assert.equal(unitObjectPath('1x9.scope'), '/org/freedesktop/systemd1/unit/_31x9_2escope');
        assert.equal(unitObjectPath('é'), '/org/freedesktop/systemd1/unit/_c3_a9');
    });
});

describe('jobRemovedRule', () => {
    const all = "type='signal',sender='org.freedesktop.systemd1',path='/org/freedesktop/systemd1'," +
        "interface='org.freedesktop.systemd1.Manager',member='JobRemoved'";

    test('every unit: no argument match', () => {
        assert.equal(jobRemovedRule(null), all);
    });

    test('one unit: its name as the third argument, escapes written as they are', () => {
        const name = unitName('scope', 'org.gnome.Text-Editor.desktop', 'abc123');
        assert.equal(name, 'app-confine-org.gnome.Text\\x2dEditor-abc123.scope');
        assert.equal(jobRemovedRule(name), `${all},arg2='app-confine-org.gnome.Text\\x2dEditor-abc123.scope'`);
        assert.equal(jobRemovedRule('app-confine-x@a1.service'), `${all},arg2='app-confine-x@a1.service'`);
    });

    test('anything that is not a unit name gets no rule', () => {
        for (const bad of ["a',arg3='b", 'a b', '', 'x'.repeat(UNIT_NAME_MAX + 1), 'a\nb'.replace('\\n', '\n')])
            assert.throws(() => jobRemovedRule(bad), /not a unit name/);
    });
});
