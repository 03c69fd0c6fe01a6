// Desktop ids: the one place that adds, drops and checks ".desktop".

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {appIdOfDesktopId, canonicalDesktopId, desktopIdOfAppId, isDesktopId} from '../../src/core/desktopId.js';

describe('appIdOfDesktopId', () => {
    test('drops a trailing ".desktop" only', () => {
        assert.equal(appIdOfDesktopId('firefox-esr.desktop'), 'firefox-esr');
        assert.equal(appIdOfDesktopId('org.gnome.Terminal.desktop'), 'org.gnome.Terminal');
        assert.equal(appIdOfDesktopId('plain'), 'plain');
        assert.equal(appIdOfDesktopId('a.desktop.desktop'), 'a.desktop');
        assert.equal(appIdOfDesktopId('x.desktop.bak'), 'x.desktop.bak');
        assert.equal(appIdOfDesktopId('.desktop'), '');
    });
});

describe('canonicalDesktopId', () => {
    test('adds ".desktop" where it is missing, and nothing else', () => {
        assert.equal(canonicalDesktopId('firefox-esr'), 'firefox-esr.desktop');
        assert.equal(canonicalDesktopId('firefox-esr.desktop'), 'firefox-esr.desktop');
        assert.equal(canonicalDesktopId('x.desktop.bak'), 'x.desktop.bak.desktop');
    });

    test('is the inverse of appIdOfDesktopId for desktop ids', () => {
        for (const id of ['firefox-esr.desktop', 'a.desktop.desktop', 'org.gnome.Terminal.desktop'])
            assert.equal(desktopIdOfAppId(appIdOfDesktopId(id)), id);
    });
});

describe('isDesktopId', () => {
    test('refuses what cannot name a desktop file', () => {
        assert.equal(isDesktopId('firefox-esr.desktop'), true);
        assert.equal(isDesktopId(''), false);
        assert.equal(isDesktopId('a/b.desktop'), false);
        assert.equal(isDesktopId('a\nb.desktop'), false);
        assert.equal(isDesktopId('a\u007f.desktop'), false);
        assert.equal(isDesktopId(`${'a'.repeat(247)}.desktop`), true);
        assert.equal(isDesktopId(`${'a'.repeat(248)}.desktop`), false);
    });
});
