// Unit names back to the app they run: the shapes of systemd's desktop-environment
// convention, the escaping, and names that are not apps.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {appOfUnit, appUnitOf, unescapeUnitSegment, unitObjectPath} from '../../src/core/appUnit.js';
import {unitName} from '../../src/core/unitName.js';

describe('appUnitOf', () => {
    test('reads the desktop id, the launcher and whether Confine started it', () => {
        const cases: [string, string, string | null, boolean, 'scope' | 'service'][] = [
            ['app-confine-org.gnome.TextEditor-k3j4h5g6f7d8.scope', 'org.gnome.TextEditor.desktop', 'confine', true, 'scope'],
            ['app-confine-org.gnome.Calculator@0a1b2c3d4e5f.service', 'org.gnome.Calculator.desktop', 'confine', true, 'service'],
            ['app-gnome-org.gnome.TextEditor-4242.scope', 'org.gnome.TextEditor.desktop', 'gnome', false, 'scope'],
            ['app-flatpak-org.mozilla.firefox-123456.scope', 'org.mozilla.firefox.desktop', 'flatpak', false, 'scope'],
            ['app-org.gnome.Terminal@a1b2.service', 'org.gnome.Terminal.desktop', null, false, 'service'],
            ['app-org.gnome.Terminal-77.scope', 'org.gnome.Terminal.desktop', null, false, 'scope'],
            ['app-gnome-firefox\\x2desr-2211.scope', 'firefox-esr.desktop', 'gnome', false, 'scope'],
            ['app-confine-firefox\\x2desr@abc123.service', 'firefox-esr.desktop', 'confine', true, 'service'],
            ['app-gnome-xdg\\x2duser\\x2ddirs@autostart.service', 'xdg-user-dirs.desktop', 'gnome', false, 'service'],
        ];
        for (const [name, desktopId, launcher, confined, type] of cases)
            assert.deepEqual(appUnitOf(name), {desktopId, launcher, confined, type}, name);
    });

    test('undoes the escaping of every unit name Confine makes', () => {
        for (const desktopId of ['firefox-esr.desktop', 'my app.desktop', 'café-ü.desktop', 'a@b.desktop', 'x/y.desktop']) {
            for (const type of ['scope', 'service'] as const) {
                const name = unitName(type, desktopId, 'abc123');
                assert.deepEqual(appUnitOf(name), {desktopId, launcher: 'confine', confined: true, type}, name);
            }
        }
    });

    test('names that are not app units give null', () => {
        for (const name of [
            'app.slice', 'app-org.gnome.Terminal.slice', 'app-dbus\\x2d:1.2\\x2dorg.gnome.Shell.slice',
            'gnome-shell-headless.service', 'dbus.service', 'session.slice', 'run-u12.service', 'run-r3c.scope',
            'dbus-:1.2-org.freedesktop.portal.Desktop@0.service', 'app-.scope', 'app--1.scope', 'app-x.scope',
            'app-confine-_-abc.scope', 'app-gnome-\\xff-12.scope', 'app-x-y-z-1.scope', 'app-a@b@c.service',
            'app-org.gnome.Terminal.socket', '',
        ])
            assert.equal(appUnitOf(name), null, name);
    });
});

describe('appOfUnit', () => {
    test('maps the units of every launcher to the desktop id', () => {
        const cases: [string, string, boolean][] = [
            ['app-gnome-org.gnome.TextEditor-4242.scope', 'org.gnome.TextEditor.desktop', false],
            ['app-gnome-firefox\\x2desr-2211.scope', 'firefox-esr.desktop', false],
            ['app-gnome-caf\\xc3\\xa9\\x20app-7.scope', 'café app.desktop', false],
            ['app-flatpak-org.mozilla.firefox-123456.scope', 'org.mozilla.firefox.desktop', false],
            ['app-flatpak-com.example.My_App-9.scope', 'com.example.My_App.desktop', false],
            ['app-org.kde.dolphin@a1b2c3.service', 'org.kde.dolphin.desktop', false],
            ['app-gnome-xdg\\x2duser\\x2ddirs@autostart.service', 'xdg-user-dirs.desktop', false],
            ['app-org.gnome.Terminal-77.scope', 'org.gnome.Terminal.desktop', false],
            ['app-confine-org.gnome.Calculator@0a1b2c3d4e5f.service', 'org.gnome.Calculator.desktop', true],
            ['app-confine-firefox\\x2desr-k3j4h5g6f7d8.scope', 'firefox-esr.desktop', true],
        ];
        for (const [name, desktopId, confined] of cases)
            assert.deepEqual(appOfUnit(name), {desktopId, confined, busName: false}, name);
    });

    test('maps D-Bus activation services to the bus name, marked as only a candidate app id', () => {
        const cases: [string, string][] = [
            ['dbus-:1.2-org.gnome.Calculator@0.service', 'org.gnome.Calculator.desktop'],
            ['dbus-:1.17-org.gnome.TextEditor@12.service', 'org.gnome.TextEditor.desktop'],
            ['dbus-:1.2-org.freedesktop.portal.Desktop@0.service', 'org.freedesktop.portal.Desktop.desktop'],
            ['dbus-:1.2-com.example.My\\x2dApp@3.service', 'com.example.My-App.desktop'],
            ['app-dbus\\x2d:1.2\\x2dorg.gnome.Calculator@0.service', 'org.gnome.Calculator.desktop'],
        ];
        for (const [name, desktopId] of cases)
            assert.deepEqual(appOfUnit(name), {desktopId, confined: false, busName: true}, name);
    });

    test('gives null for what is no app', () => {
        for (const name of [
            'app.slice', 'app-dbus\\x2d:1.2\\x2dorg.gnome.Calculator.slice', 'dbus.service', 'dbus.socket',
            'gnome-shell-headless.service', 'run-u12.service', 'run-r3c.scope', 'vte-spawn-0f1e2d.scope',
            'session-3.scope', 'user@1000.service', 'dbus-:1.2-notabusname@0.service', 'dbus-1.2-org.x.y@0.service',
            'dbus-:1.2-org.gnome.Calculator.service', 'app-dbus\\x2d:1.2\\x2dnodots@0.service', 'app--1.scope',
            'app-gnome-\\xff-12.scope', 'app-confine-_-abc.scope', '',
        ])
            assert.equal(appOfUnit(name), null, name);
    });
});

describe('unescapeUnitSegment', () => {
    test('turns \\xNN back into bytes and refuses what is not UTF-8', () => {
        assert.equal(unescapeUnitSegment('caf\\xc3\\xa9\\x2d1'), 'café-1');
        assert.equal(unescapeUnitSegment('plain.id'), 'plain.id');
        assert.equal(unescapeUnitSegment('\\xc3'), null);
    });
});

describe('unitObjectPath', () => {
    test('escapes like systemd: every byte but letters (and digits after the first) as _xx', () => {
        assert.equal(unitObjectPath('app-confine-org.gnome.TextEditor-k3j4.scope'),
            '/org/freedesktop/systemd1/unit/app_2dconfine_2dorg_2egnome_2eTextEditor_2dk3j4_2escope');
        assert.equal(unitObjectPath('app-confine-firefox\\x2desr@ab1.service'),
            '/org/freedesktop/systemd1/unit/app_2dconfine_2dfirefox_5cx2desr_40ab1_2eservice');
        assert.equal(unitObjectPath('1x'), '/org/freedesktop/systemd1/unit/_31x');
    });
});
