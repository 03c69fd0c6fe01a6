// Apps started without Confine: who started them, whether their process may be moved
// into a unit of its own, and the notification.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {adoptable, originOf, otherLaunchNotice} from '../../src/core/otherLaunch.js';

describe('originOf', () => {
    test('reads who started an app from the unit that holds it', () => {
        const cases: [string, string][] = [
            ['app-gnome-org.gnome.TextEditor-4242.scope', 'gnome'],
            ['app-flatpak-org.mozilla.firefox-12.scope', 'flatpak'],
            ['dbus-:1.2-org.gnome.Calculator@0.service', 'dbus'],
            ['app-dbus\\x2d:1.2\\x2dorg.gnome.Calculator@0.service', 'dbus'],
            ['dbus.service', 'dbus'],
            ['dbus-broker.service', 'dbus'],
            ['vte-spawn-5b9f0c.scope', 'terminal'],
            ['run-u7.scope', 'other'],
            ['app-org.kde.dolphin@a1.service', 'other'],
        ];
        for (const [unit, origin] of cases)
            assert.equal(originOf(unit), origin, unit);
    });

    test('names the app whose unit holds another app it opened, not the launcher of the opener', () => {
        const names: Record<string, string> = {'org.gnome.TextEditor.desktop': 'Text Editor'};
        const nameOf = (id: string) => names[id] ?? `? ${id}`;
        const calculator = 'org.gnome.Calculator.desktop';
        assert.deepEqual(originOf('app-gnome-org.gnome.TextEditor-4242.scope', calculator, nameOf), {opener: 'Text Editor'});
        assert.deepEqual(originOf('app-confine-org.gnome.TextEditor-ab12.scope', calculator, nameOf), {opener: 'Text Editor'});
        assert.deepEqual(originOf('app-org.kde.dolphin@a1.service', calculator), {opener: 'org.kde.dolphin'}, 'the bare id without a name');
        // The app's own unit names its launcher; a bus-activated name is the bus's doing.
        assert.equal(originOf('app-gnome-org.gnome.Calculator-4242.scope', calculator, nameOf), 'gnome');
        assert.equal(originOf('dbus-:1.2-org.gnome.TextEditor@0.service', calculator, nameOf), 'dbus');
        assert.equal(originOf('vte-spawn-5b9f0c.scope', calculator, nameOf), 'terminal');
    });
});

describe('adoptable', () => {
    const APP = 'org.gnome.Calculator.desktop';

    test('another app\'s unit, the bus daemon\'s service and scopes of no app may give up an app\'s process', () => {
        for (const unit of [
            'dbus.service', 'dbus-broker.service', 'vte-spawn-5b9f0c.scope',
            'app-gnome-org.gnome.Nautilus-4242.scope', 'app-org.kde.dolphin@a1.service',
        ])
            assert.equal(adoptable(unit, APP, 'gnome-shell-headless.service'), true, unit);
    });

    test('the app\'s own units, services of their own, sessions and the shell keep theirs', () => {
        for (const unit of [
            'app-gnome-org.gnome.Calculator-4242.scope', 'app-confine-org.gnome.Calculator-abc.scope',
            'dbus-:1.2-org.gnome.Calculator@0.service', 'foo.service', 'org.gnome.Shell@wayland.service', 'session-2.scope',
            'init.scope',
            // A desktop action of another entry that runs the calculator, confined on purpose (e2e 40);
            // a user's own systemd-run scope.
            'app-confine-org.gnome.Nautilus-abc.scope', 'app-confine-confine\\x2de2e\\x2dactions-abc.scope', 'run-u7.scope',
        ])
            assert.equal(adoptable(unit, APP, 'org.gnome.Shell@wayland.service'), false, unit);
        assert.equal(adoptable('shell-scope.scope', APP, 'shell-scope.scope'), false, 'never the shell\'s own unit');
    });
});

describe('otherLaunchNotice', () => {
    test('names the origin, the applied limits and what needs a launch through Confine', () => {
        assert.deepEqual(otherLaunchNotice('Text Editor', 'Strict', 'dbus', ['MemoryMax', 'CPUQuota'], ['NoNewPrivileges', 'PrivateTmp']), {
            title: 'Text Editor runs under profile “Strict”',
            body: 'Text Editor was started outside Confine by D-Bus activation. The limits of its profile “Strict” were applied: ' +
                'MemoryMax, CPUQuota. NoNewPrivileges, PrivateTmp could not be applied to the running app; they take effect ' +
                'when it is started through Confine.',
        });
    });

    test('says nothing of what failed when all was applied, and passes every text through the translation', () => {
        const notice = otherLaunchNotice('Calculator', 'Limits', 'gnome', ['MemoryMax'], []);
        assert.equal(notice.body, 'Calculator was started outside Confine by GNOME. The limits of its profile “Limits” were applied: MemoryMax.');
        const marked = otherLaunchNotice('Calculator', 'Limits', 'terminal', ['MemoryMax'], ['PrivateTmp'], text => `«${text}»`);
        assert.equal(marked.title, '«Calculator runs under profile “Limits”»');
        assert.equal(marked.body, '«Calculator was started outside Confine by «a terminal».» «The limits of its profile “Limits” were ' +
            'applied: MemoryMax.» «PrivateTmp could not be applied to the running app; they take effect when it is started through Confine.»');
    });

    test('names the app that opened it as it is', () => {
        const notice = otherLaunchNotice('Calculator', 'Limits', {opener: 'Text Editor'}, ['MemoryMax'], [], text => `«${text}»`);
        assert.equal(notice.body, '«Calculator was started outside Confine by Text Editor.» «The limits of its profile “Limits” were applied: MemoryMax.»');
    });
});
