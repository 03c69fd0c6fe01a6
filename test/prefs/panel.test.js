/* global TextDecoder, TextEncoder */
// The preferences panel under real Gtk/Adw: every test builds the pages for real,
// changes values through the widgets and checks what lands in GSettings.

import Adw from 'gi://Adw?version=1';
import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {extensionDir, first, openDialog} from './environment.js';
import {assert, test, wait, waitUntil} from './testing.js';

Gio._promisify(Gdk.Clipboard.prototype, 'read_text_async', 'read_text_finish');

const {fillPanel} = await import(`file://${extensionDir}/prefs/panel.js`);
const {readMachineInfo} = await import(`file://${extensionDir}/prefs/machineInfo.js`);
const {importSettingsFile, exportSettingsFile} = await import(`file://${extensionDir}/prefs/settingsFile.js`);

const gsettings = first.prefs.getSettings();
const GIB = 2 ** 30;
// '1': default-profile and profiles locked (50-prefs-panel); 'fleet': profiles and
// app-profiles locked with values from a system database (70-fleet-dconf).
const LOCK = GLib.getenv('CONFINE_PREFS_TEST_LOCKED');
const LOCKED = LOCK !== null;

/** A machine with 16 GiB, 4 CPUs, Debian's default delegation and user namespaces on. */
const MACHINE = {
    memTotal: 16 * GIB,
    cpus: 4,
    support: {controllers: new Set(['cpu', 'memory', 'pids']), unprivilegedUsernsClone: '1\n', maxUserNamespaces: '1000\n'},
};

function resetSettings() {
    for (const key of gsettings.settings_schema.list_keys())
        gsettings.reset(key);
}

function stored(key) {
    return gsettings.get_value(key);
}

function storedProfile(id) {
    return stored('profiles').deepUnpack()[id];
}

/** Opens a preferences window with the panel, shown on the display. */
async function openPanel(machine = MACHINE) {
    const window = new Adw.PreferencesWindow();
    const panel = fillPanel(window, gsettings, machine);
    window.present();
    await waitUntil(() => window.get_mapped(), 'the window to be mapped');
    return {window, panel};
}

async function withPanel(fn, machine = MACHINE) {
    if (!LOCKED)
        resetSettings();
    const {window, panel} = await openPanel(machine);
    try {
        await fn(panel, window);
    } finally {
        window.close();
        await wait(50);
    }
}

async function openEditor(panel, window, profileId) {
    const editor = await panel.profiles.openEditor(profileId);
    await waitUntil(() => editor.get_mapped(), `the editor of ${profileId} to show`);
    return editor;
}

function setProfiles(profiles) {
    gsettings.set_value('profiles', new GLib.Variant('a{sa{sv}}', profiles));
}

if (!LOCKED) {
    test('the Shell\'s prefs dialog loads the panel with its three pages', async () => {
        const {dialog, loadMs} = first;
        print(`# ExtensionPrefsDialog loaded the panel in ${loadMs.toFixed(1)} ms`);
        assert.equal(dialog.visible_page?.name, 'applications', 'first page');
        const names = [];
        for (let child = dialog.visible_page.get_parent().get_first_child(); child; child = child.get_next_sibling())
            names.push(child.name);
        assert.deepEqual(names, ['applications', 'profiles', 'general'], 'the pages');
        const again = await openDialog();
        assert.equal(again.dialog.visible_page?.name, 'applications');
        again.dialog.close();
    });

    test('sizes typed into an entry land normalized; invalid text never lands', () => withPanel(async (panel, window) => {
        const editor = await openEditor(panel, window, 'relaxed');
        const high = editor.editors.get('MemoryHigh');
        const row = high.row;
        const before = stored('profiles').print(true);

        high.entry.text = '2 GB';
        assert.ok(row.has_css_class('error') && high.entry.has_css_class('error'), 'error style while typing');
        assert.match(row.subtitle, /MemoryHigh: (&quot;|")2 GB(&quot;|") is not a size/, 'message under the row');
        assert.match(high.entry.tooltip_text, /is not a size/);
        await wait(500);
        high.entry.emit('activate');
        assert.equal(stored('profiles').print(true), before, 'invalid size not written, not even on Enter');

        high.entry.text = '2g';
        assert.ok(!row.has_css_class('error'), 'error style cleared as soon as it is valid');
        await waitUntil(() => storedProfile('relaxed').MemoryHigh !== undefined, 'the valid size to be saved after typing pauses');
        const value = storedProfile('relaxed').MemoryHigh;
        assert.equal(value.get_type_string(), 's');
        assert.equal(value.unpack(), '2G');
        assert.equal(high.entry.text, '2g', 'the field keeps what the user typed');
        assert.match(row.subtitle, /2\.0 GiB = 12\.5 % of 16\.0 GiB/);

        const max = editor.editors.get('MemoryMax');
        assert.equal(max.entry.text, '70%');
        assert.match(max.row.subtitle, /70 % ≈ 11\.2 GiB of 16\.0 GiB/);
        max.entry.text = '101%';
        await wait(500);
        max.entry.emit('activate');
        assert.equal(storedProfile('relaxed').MemoryMax.unpack(), '70%', '101% refused, 70% kept');
        assert.ok(max.unsetButton.get_visible(), 'a set value can be unset');
        max.entry.text = '50%';
        max.entry.emit('activate');
        assert.equal(storedProfile('relaxed').MemoryMax.unpack(), '50%', 'Enter saves at once');
        max.entry.text = '';
        max.entry.emit('activate');
        assert.ok(!('MemoryMax' in storedProfile('relaxed')), 'an empty field unsets');
        assert.ok(!max.unsetButton.get_visible());

        const tasks = editor.editors.get('TasksMax');
        tasks.entry.text = '0';
        tasks.entry.emit('activate');
        assert.ok(!('TasksMax' in storedProfile('relaxed')), 'TasksMax 0 refused');
        tasks.entry.text = '512';
        tasks.entry.emit('activate');
        assert.equal(storedProfile('relaxed').TasksMax.unpack(), '512');

        const cpus = editor.editors.get('AllowedCPUs');
        cpus.entry.text = '3-1';
        cpus.entry.emit('activate');
        assert.ok(!('AllowedCPUs' in storedProfile('relaxed')), 'reversed range refused');
        cpus.entry.text = '0-1,3';
        cpus.entry.emit('activate');
        assert.equal(storedProfile('relaxed').AllowedCPUs.unpack(), '0-1,3');
        assert.equal(storedProfile('relaxed').name.unpack(), 'Relaxed', 'name untouched');
    }));

    test('spin rows write CPUQuota and the weights; 0 unsets', () => withPanel(async (panel, window) => {
        const editor = await openEditor(panel, window, 'strict');
        const quota = editor.editors.get('CPUQuota').row;
        assert.equal(quota.value, 100, 'stored 100% shown');
        assert.equal(quota.adjustment.upper, 400, 'up to all 4 CPUs');
        assert.match(quota.subtitle, /1 of 4 CPUs/);
        quota.value = 150;
        assert.equal(storedProfile('strict').CPUQuota.unpack(), '150%');
        quota.value = 1000;
        assert.equal(quota.value, 400, 'the spin row stops at all CPUs');
        assert.equal(storedProfile('strict').CPUQuota.unpack(), '400%');
        quota.value = 0;
        assert.ok(!('CPUQuota' in storedProfile('strict')), 'CPUQuota unset');
        assert.equal(quota.text, 'Not set');

        const weight = editor.editors.get('CPUWeight').row;
        weight.value = 500;
        const variant = storedProfile('strict').CPUWeight;
        assert.equal(variant.get_type_string(), 's');
        assert.equal(variant.unpack(), '500');
        editor.editors.get('IOWeight').row.value = 20;
        assert.equal(storedProfile('strict').IOWeight.unpack(), '20');
    }));

    test('switches write booleans as b, choices write enum values as s, and both unset', () => withPanel(async (panel, window) => {
        const editor = await openEditor(panel, window, 'relaxed');
        const network = editor.editors.get('PrivateNetwork').row;
        assert.equal(network.active, false);
        network.active = true;
        const value = storedProfile('relaxed').PrivateNetwork;
        assert.equal(value.get_type_string(), 'b');
        assert.equal(value.unpack(), true);
        network.active = false;
        assert.ok(!('PrivateNetwork' in storedProfile('relaxed')), 'off unsets');

        const home = editor.editors.get('ProtectHome');
        home.row.selected = home.choices.indexOf('read-only');
        assert.equal(storedProfile('relaxed').ProtectHome.get_type_string(), 's');
        assert.equal(storedProfile('relaxed').ProtectHome.unpack(), 'read-only');
        home.row.selected = 0;
        assert.ok(!('ProtectHome' in storedProfile('relaxed')), '"Not set" unsets');

        const strictEditor = await openEditor(panel, window, 'strict');
        assert.equal(strictEditor.editors.get('NoNewPrivileges').row.active, true, 'stored true shown');
        assert.equal(strictEditor.editors.get('PrivateTmp').row.active, true);
    }));

    test('invalid values written by someone else load, show the problem and can be reset', () => withPanel(async (panel, window) => {
        setProfiles({
            odd: {
                name: new GLib.Variant('s', 'Odd'),
                MemoryMax: new GLib.Variant('s', 'lots'),
                CPUQuota: new GLib.Variant('s', 'fast'),
                PrivateTmp: new GLib.Variant('s', 'yes'),
                ProtectSystem: new GLib.Variant('s', 'very'),
                Nice: new GLib.Variant('i', 5),
                CPUWeight: new GLib.Variant('u', 300),
            },
        });
        await wait(50);
        const row = panel.profiles.rows.find(item => item.profileId === 'odd');
        assert.ok(row.has_css_class('error'), 'profile list marks it');
        assert.match(row.subtitle, /Invalid/);

        const editor = await openEditor(panel, window, 'odd');
        for (const name of ['MemoryMax', 'CPUQuota', 'PrivateTmp', 'ProtectSystem']) {
            const editorRow = editor.editors.get(name).row;
            assert.ok(editorRow.has_css_class('error'), `${name} shows an error`);
            assert.match(editorRow.subtitle, /The saved value is invalid/, `${name} says why`);
        }
        assert.equal(editor.editors.get('MemoryMax').entry.text, 'lots', 'the bad text is shown as it is');
        assert.equal(editor.editors.get('CPUWeight').row.value, 300, 'a valid uint32 weight loads');
        assert.match(editor.preview.label.label, /invalid/);
        assert.equal(editor.preview.copyButton.sensitive, false);

        const reset = editor.editors.get('MemoryMax').unsetButton;
        assert.ok(reset.get_visible(), 'the bad value can be reset');
        reset.emit('clicked');
        assert.ok(!('MemoryMax' in storedProfile('odd')), 'reset removes the bad value');
        assert.equal(storedProfile('odd').CPUWeight.get_type_string(), 'u', 'untouched values keep their GVariant type');
        assert.equal(storedProfile('odd').CPUQuota.unpack(), 'fast', 'other bad values are left alone');

        const unknown = editor.propertiesGroup;
        assert.ok(unknown.visible, 'unknown properties listed');
        let nice = null;
        const findUnknown = widget => {
            for (let child = widget.get_first_child(); child; child = child.get_next_sibling()) {
                if (child.property === 'Nice')
                    nice = child;
                findUnknown(child);
            }
        };
        findUnknown(unknown);
        assert.ok(nice !== null, 'a row for "Nice"');
        nice.removeButton.emit('clicked');
        assert.ok(!('Nice' in storedProfile('odd')), 'the unknown property is removed');

        for (const name of ['CPUQuota', 'PrivateTmp', 'ProtectSystem']) {
            const fix = editor.editors.get(name).unsetButton;
            assert.ok(fix.get_visible(), `${name} offers a reset`);
            fix.emit('clicked');
        }
        assert.deepEqual(Object.keys(storedProfile('odd')).sort(), ['CPUWeight', 'name']);
        await wait(20);
        assert.match(editor.preview.label.label, /^'systemd-run' '--user' '--scope'/, 'valid again: a command');
    }));

    test('the command line preview comes from the launch plan and follows every change', () => withPanel(async (panel, window) => {
        const editor = await openEditor(panel, window, 'relaxed');
        await editor.preview.versionRead;
        const label = () => editor.preview.label.label;
        // systemd-run's own version decides --expand-environment=no (254) and --service-type=exec (240).
        const [, versionText] = GLib.spawn_command_line_sync('systemd-run --version');
        const version = Number(/^systemd (\d+)/.exec(new TextDecoder().decode(versionText))?.[1] ?? 0);
        const expandOff = version >= 254 ? " '--expand-environment=no'" : '';
        const typeExec = version >= 240 ? " '--service-type=exec'" : '';
        assert.match(label(), new RegExp("^'systemd-run' '--user' '--scope' '--unit=app-confine-org\\.example\\.App-[a-z0-9]{12}\\.scope' " +
            `'--description=Example app \\(Confine profile Relaxed\\)' '--collect' '--quiet' '--property=MemoryMax=70%'${expandOff} '--' APP$`));
        editor.editors.get('PrivateTmp').row.active = true;
        await wait(20);
        // As the shell launches it: in the shell's directory (home), with the variables GLib sets while launching.
        assert.ok(label().startsWith(`'systemd-run' '--user' '--property=WorkingDirectory=-${GLib.get_home_dir()}' `), label());
        assert.ok(!label().includes('--same-dir'), 'no --same-dir');
        assert.match(label(), /'--setenv=XDG_ACTIVATION_TOKEN' '--setenv=DESKTOP_STARTUP_ID' '--setenv=GIO_LAUNCHED_DESKTOP_FILE'/,
            'a service gets the desktop environment');
        assert.match(label(), /'--unit=app-confine-org\.example\.App@[a-z0-9]{12}\.service'/);
        assert.ok(label().endsWith(`'--property=MemoryMax=70%' '--property=PrivateTmp=yes'${expandOff}${typeExec} '--' APP`), label());

        editor.preview.copyButton.emit('clicked');
        const copied = await editor.preview.get_clipboard().read_text_async(null);
        assert.equal(copied, label(), 'the copy button copies exactly the preview');
    }));

    // Issue 12: the editor's check runs the probe in a real unit of the user manager.
    test('"Check this profile" probes a unit and shows per property what took effect', () => withPanel(async (panel, window) => {
        const editor = await openEditor(panel, window, 'strict');
        assert.ok(editor.check.button.sensitive, 'a valid profile can be checked');
        editor.check.button.emit('clicked');
        await waitUntil(() => editor.check.rows.length > 0, 'the check to finish', 30000);
        const rows = Object.fromEntries(editor.check.rows.map(row => [row.title, row.subtitle]));
        print(`# check rows: ${JSON.stringify(rows)}`);
        assert.equal(rows['NoNewPrivileges = yes'], 'NoNewPrivs is 1');
        assert.equal(rows['PrivateTmp = yes'], 'a private /tmp');
        assert.match(rows['MemoryMax = 70%'], /^(enforced: memory\.max = \d+|recorded but not enforced here: .+)$/);
        gsettings.set_value('profiles', new GLib.Variant('a{sa{sv}}', {
            hidden: {name: new GLib.Variant('s', 'Hidden'), ProtectHome: new GLib.Variant('s', 'yes')},
            broken: {name: new GLib.Variant('s', 'Broken'), MemoryMax: new GLib.Variant('s', 'lots')},
        }));
        const hidden = await openEditor(panel, window, 'hidden');
        assert.match(hidden.preview.label.label, /ProtectHome=yes also hides \/run\/user/, 'the editor says why yes cannot work');
        const broken = await openEditor(panel, window, 'broken');
        assert.equal(broken.check.button.sensitive, false, 'an invalid profile cannot be checked');
    }));

    test('apps that use a profile are listed and used for the preview', () => withPanel(async (panel, window) => {
        const apps = panel.applications;
        apps.buildAll();
        const app = apps.rows[0];
        gsettings.set_value('app-profiles', new GLib.Variant('a{ss}', {[app.desktopId]: 'strict'}));
        const editor = await openEditor(panel, window, 'strict');
        let listed = false;
        const walk = widget => {
            for (let child = widget.get_first_child(); child; child = child.get_next_sibling()) {
                if (child.subtitle === app.desktopId)
                    listed = true;
                walk(child);
            }
        };
        walk(editor.usedBy);
        assert.ok(listed, `${app.desktopId} listed under "Used by"`);
        const appId = app.desktopId.replace(/\.desktop$/, '').replace(/[^A-Za-z0-9:_.]/g, c => `\\x${c.charCodeAt(0).toString(16)}`);
        assert.ok(editor.preview.label.label.includes(`--unit=app-confine-${appId}@`), 'the preview uses that app');
    }));

    test('choosing a profile for an app assigns it; Default removes it; No confinement stores ""', () => withPanel(async panel => {
        const apps = panel.applications;
        apps.buildAll();
        assert.ok(apps.rows.length > 0, 'installed apps are listed');
        assert.ok(apps.complete);
        const row = apps.rows[0];
        const choices = apps.choices;
        assert.equal(choices.model.get_string(0), 'Default (no confinement)');
        assert.equal(choices.model.get_string(1), 'No confinement');
        row.selected = choices.values.indexOf('strict');
        assert.deepEqual(stored('app-profiles').deepUnpack(), {[row.desktopId]: 'strict'});
        row.selected = 1;
        assert.deepEqual(stored('app-profiles').deepUnpack(), {[row.desktopId]: ''});
        row.selected = 0;
        assert.deepEqual(stored('app-profiles').deepUnpack(), {});

        gsettings.set_string('default-profile', 'relaxed');
        await wait(20);
        assert.equal(choices.model.get_string(0), 'Default (Relaxed)', 'the default is named');
        assert.deepEqual(stored('app-profiles').deepUnpack(), {}, 'renaming choices assigns nothing');
    }));

    test('apps are read after the first frame; rows past the first screenful are built while idle', async () => {
        resetSettings();
        const window = new Adw.PreferencesWindow();
        const panel = fillPanel(window, gsettings, MACHINE);
        window.present();
        const apps = panel.applications;
        try {
            assert.equal(apps.rows.length, 0, 'no app rows before the window has drawn');
            const {listInstalledApps} = await import(`file://${extensionDir}/prefs/installedApps.js`);
            const installed = listInstalledApps();
            assert.ok(installed.length > 30, `enough apps to need idle building (${installed.length})`);
            await waitUntil(() => apps.rows.length > 0, 'the first rows after the first frame');
            await waitUntil(() => apps.complete, 'every row to be built');
            assert.deepEqual(apps.rows.map(row => row.desktopId), installed.map(app => app.desktopId));
            const shown = [];
            for (let child = apps.rows[0].get_parent().get_first_child(); child; child = child.get_next_sibling())
                shown.push(child.desktopId);
            assert.deepEqual(shown, installed.map(app => app.desktopId), 'the group shows them in that order');
        } finally {
            window.close();
            await wait(50);
        }
    });

    test('search and "confined only" filter the apps', () => withPanel(async panel => {
        const apps = panel.applications;
        apps.buildAll();
        const target = apps.rows[Math.floor(apps.rows.length / 2)];
        apps.searchEntry.text = target.desktopId.replace(/\.desktop$/, '').toUpperCase();
        await waitUntil(() => apps.rows.filter(row => row.visible).length < apps.rows.length, 'the search to filter');
        assert.ok(target.visible, 'the searched app stays');
        assert.ok(apps.rows.filter(row => row.visible).every(row => row.searchText.includes(target.desktopId.replace(/\.desktop$/, '').toLowerCase())));
        apps.searchEntry.text = '';
        await waitUntil(() => apps.rows.every(row => row.visible), 'all apps to show again');

        gsettings.set_value('app-profiles', new GLib.Variant('a{ss}', {[target.desktopId]: 'strict'}));
        apps.confinedOnly.active = true;
        await wait(20);
        assert.deepEqual(apps.rows.filter(row => row.visible).map(row => row.desktopId), [target.desktopId]);
        gsettings.set_string('default-profile', 'relaxed');
        await wait(20);
        assert.equal(apps.rows.filter(row => row.visible).length, apps.rows.length, 'with a default profile every app is confined');
    }));

    test('an uninstalled app keeps its assignment, shown as not installed, until removed', () => withPanel(async panel => {
        const apps = panel.applications;
        await waitUntil(() => apps.complete, 'the apps to be read');
        gsettings.set_value('app-profiles', new GLib.Variant('a{ss}', {'gone.example.desktop': 'strict', 'ghost.desktop': 'nonexistent'}));
        await wait(20);
        assert.ok(apps.missingGroup.visible);
        const [ghost, gone] = apps.missingRows;
        assert.equal(gone.desktopId, 'gone.example.desktop');
        assert.match(gone.subtitle, /not installed/);
        assert.equal(apps.choices.values[gone.selected], 'strict');
        assert.match(ghost.subtitle, /which is not a profile/, 'an assignment to a missing profile is flagged');
        assert.ok(ghost.has_css_class('error'));
        gone.removeButton.emit('clicked');
        assert.deepEqual(stored('app-profiles').deepUnpack(), {'ghost.desktop': 'nonexistent'});
        await wait(20);
        assert.equal(apps.missingRows.length, 1);
    }));

    test('profiles can be added, renamed (only to valid names) and duplicated', () => withPanel(async (panel, window) => {
        const page = panel.profiles;
        assert.deepEqual(page.rows.map(row => row.profileId), ['relaxed', 'strict'], 'built-ins listed');
        const added = await page.addProfile();
        assert.equal(added.profileId, 'new-profile');
        assert.deepEqual(storedProfile('new-profile').name.unpack(), 'New profile');
        await waitUntil(() => added.get_mapped(), 'the new profile\'s editor');

        added.nameRow.text = '   ';
        added.nameRow.emit('apply');
        assert.ok(added.nameRow.has_css_class('error'), 'empty name flagged');
        assert.equal(storedProfile('new-profile').name.unpack(), 'New profile', 'empty name not written');
        added.nameRow.text = 'x'.repeat(65);
        added.nameRow.emit('apply');
        assert.equal(storedProfile('new-profile').name.unpack(), 'New profile', 'too long a name not written');
        added.nameRow.text = 'Games';
        assert.ok(!added.nameRow.has_css_class('error'));
        added.nameRow.emit('apply');
        assert.equal(storedProfile('new-profile').name.unpack(), 'Games');
        assert.equal(added.title, 'Games');
        window.pop_subpage();

        const copy = await page.duplicateProfile('strict');
        assert.equal(copy.profileId, 'strict-copy');
        const original = storedProfile('strict');
        const duplicate = storedProfile('strict-copy');
        assert.equal(duplicate.name.unpack(), 'Strict (copy)');
        for (const key of Object.keys(original).filter(name => name !== 'name'))
            assert.ok(original[key].equal(duplicate[key]), `${key} copied with its type`);
        await wait(20);
        assert.deepEqual(page.rows.map(row => row.profileId), ['new-profile', 'relaxed', 'strict', 'strict-copy']);
    }));

    test('deleting a used profile asks, names its apps, and they fall back to the default', () => withPanel(async (panel, window) => {
        const apps = panel.applications;
        apps.buildAll();
        const [first, second, third] = apps.rows;
        gsettings.set_value('app-profiles', new GLib.Variant('a{ss}', {
            [first.desktopId]: 'strict', [second.desktopId]: 'strict', [third.desktopId]: 'relaxed',
        }));
        await wait(20);
        const dialog = panel.profiles.requestDelete('strict');
        await waitUntil(() => window.visible_dialog === dialog, 'the question to show');
        const firstName = GLib.markup_escape_text(first.title, -1);
        assert.ok(dialog.body.includes(first.title) || dialog.body.includes(firstName), 'names the first app');
        assert.ok(dialog.body.includes(second.title), 'names the second app');
        assert.ok(!dialog.body.includes(third.title), 'not an app of another profile');
        dialog.emit('response', 'cancel');
        dialog.close();
        assert.ok(storedProfile('strict') !== undefined, 'cancel keeps it');

        const again = panel.profiles.requestDelete('strict');
        again.emit('response', 'delete');
        again.close();
        assert.equal(storedProfile('strict'), undefined, 'deleted');
        assert.deepEqual(stored('app-profiles').deepUnpack(), {[third.desktopId]: 'relaxed'}, 'its apps lost their assignment');
        await wait(20);
        assert.equal(first.selected, 0, 'the app row now shows "Default"');
        assert.ok(!panel.profiles.rows.some(row => row.profileId === 'strict'));
    }));

    test('deleting the default profile says so and leaves no default', () => withPanel(async panel => {
        gsettings.set_string('default-profile', 'relaxed');
        const dialog = panel.profiles.requestDelete('relaxed');
        assert.match(dialog.body, /default profile/);
        dialog.emit('response', 'delete');
        dialog.close();
        assert.equal(gsettings.get_string('default-profile'), '');
    }));

    test('the general page writes the default profile, failure policy and notifications', () => withPanel(async panel => {
        const general = panel.general;
        general.defaultRow.selected = general.defaultChoices.indexOf('strict');
        assert.equal(gsettings.get_string('default-profile'), 'strict');
        general.failureRow.selected = 1;
        assert.equal(gsettings.get_string('on-failure'), 'refuse');
        assert.equal(general.otherLaunchesRow.active, true, 'confining other launches is on by default');
        general.otherLaunchesRow.active = false;
        assert.equal(gsettings.get_boolean('confine-other-launches'), false);
        general.notifyRow.active = true;
        assert.equal(gsettings.get_boolean('notify-confined-launch'), true);
        assert.equal(general.notifyLimitsRow.active, true, 'limit notifications are on by default');
        general.notifyLimitsRow.active = false;
        assert.equal(gsettings.get_boolean('notify-limits'), false);
        assert.equal(general.indicatorRow.active, true, 'the indicator is on by default');
        general.indicatorRow.active = false;
        assert.equal(gsettings.get_boolean('show-indicator'), false);
        gsettings.set_boolean('show-indicator', true);
        await wait(20);
        assert.equal(general.indicatorRow.active, true, 'the switch follows the setting');
        general.defaultRow.selected = 0;
        assert.equal(gsettings.get_string('default-profile'), '');

        gsettings.set_string('default-profile', 'missing');
        await wait(20);
        assert.ok(general.defaultRow.has_css_class('error'), 'a default that is not a profile is flagged');
        assert.match(general.defaultRow.subtitle, /not a profile/);
    }));

    test('a limit notification\'s button opens its profile: by name as the window opens, by id while open', async () => {
        resetSettings();
        const {ProfilesPage} = await import(`file://${extensionDir}/prefs/profilesPage.js`);
        const opened = [];
        const original = ProfilesPage.prototype.openEditor;
        ProfilesPage.prototype.openEditor = function (id) {
            opened.push(id);
            return original.call(this, id);
        };
        try {
            setProfiles({
                'vm-bomb': {name: new GLib.Variant('s', 'VM bomb'), MemoryMax: new GLib.Variant('s', '200M')},
                'strict': {name: new GLib.Variant('s', 'Strict')},
            });
            // What the shell writes before it opens the preferences: the name from the unit's description.
            gsettings.set_string('prefs-open-profile', 'VM bomb');
            const {window} = await openPanel();
            try {
                await waitUntil(() => opened.includes('vm-bomb'), 'the editor of the asked profile');
                assert.equal(gsettings.get_string('prefs-open-profile'), '', 'the request is cleared');
                gsettings.set_string('prefs-open-profile', 'strict');
                await waitUntil(() => opened.includes('strict'), 'the editor of a profile asked for while open');
                gsettings.set_string('prefs-open-profile', 'no-such-profile');
                await waitUntil(() => gsettings.get_string('prefs-open-profile') === '', 'an unknown profile cleared');
                assert.deepEqual(opened, ['vm-bomb', 'strict'], 'nothing opened for an unknown profile');
            } finally {
                window.close();
                await wait(50);
            }
        } finally {
            ProfilesPage.prototype.openEditor = original;
            resetSettings();
        }
    });

    test('export writes everything; a valid import replaces it; an invalid import changes nothing', () => withPanel(async panel => {
        const dir = GLib.dir_make_tmp('confine-prefs-XXXXXX');
        const file = Gio.File.new_for_path(`${dir}/settings.json`);
        gsettings.set_value('app-profiles', new GLib.Variant('a{ss}', {'a.desktop': 'strict', 'b.desktop': ''}));
        gsettings.set_string('default-profile', 'relaxed');
        await exportSettingsFile(panel.settings, file);
        const [, bytes] = file.load_contents(null);
        const exported = JSON.parse(new TextDecoder().decode(bytes));
        assert.equal(exported.format, 'confine-settings');
        assert.deepEqual(exported['app-profiles'], {'a.desktop': 'strict', 'b.desktop': ''});
        assert.deepEqual(exported.profiles.strict, {name: 'Strict', MemoryMax: '70%', CPUQuota: '100%', NoNewPrivileges: true, PrivateTmp: true});

        const write = document => file.replace_contents(new TextEncoder().encode(JSON.stringify(document)),
            null, false, Gio.FileCreateFlags.NONE, null);
        write({
            'format': 'confine-settings', 'version': 1,
            'profiles': {games: {name: 'Games', CPUQuota: '300%', PrivateNetwork: true}, work: {name: 'Work'}},
            'app-profiles': {'c.desktop': 'games'},
            'default-profile': 'work',
        });
        const imported = await importSettingsFile(panel.settings, file);
        assert.ok(imported.ok, JSON.stringify(imported));
        assert.deepEqual(Object.keys(stored('profiles').deepUnpack()).sort(), ['games', 'work']);
        assert.equal(storedProfile('games').PrivateNetwork.get_type_string(), 'b');
        assert.equal(storedProfile('games').CPUQuota.unpack(), '300%');
        assert.deepEqual(stored('app-profiles').deepUnpack(), {'c.desktop': 'games'});
        assert.equal(gsettings.get_string('default-profile'), 'work');
        await wait(20);
        assert.deepEqual(panel.profiles.rows.map(row => row.profileId), ['games', 'work'], 'the list follows');

        const before = ['profiles', 'app-profiles', 'default-profile'].map(key => stored(key).print(true));
        write({
            'format': 'confine-settings', 'version': 1,
            'profiles': {fine: {name: 'Fine', MemoryMax: '1G'}, bad: {name: 'Bad', MemoryMax: '1 GB'}},
            'app-profiles': {'d.desktop': 'fine', 'e.desktop': 'nowhere'},
            'default-profile': 'fine',
        });
        const refused = await importSettingsFile(panel.settings, file);
        assert.equal(refused.ok, false);
        assert.deepEqual(refused.problems.map(problem => problem.part), ['profiles.bad', 'app-profiles.e.desktop']);
        assert.deepEqual(['profiles', 'app-profiles', 'default-profile'].map(key => stored(key).print(true)), before, 'nothing changed');
        const dialog = panel.general.showImportOutcome(refused);
        assert.match(dialog.body, /profiles\.bad: MemoryMax/);
        assert.match(dialog.body, /app-profiles\.e\.desktop/);
        dialog.close();

        file.replace_contents(new TextEncoder().encode('{"format": "confine-settings", "profiles": {'), null, false, Gio.FileCreateFlags.NONE, null);
        const broken = await importSettingsFile(panel.settings, file);
        assert.equal(broken.ok, false);
        assert.equal(broken.problems[0].part, 'file');
        assert.deepEqual(['profiles', 'app-profiles', 'default-profile'].map(key => stored(key).print(true)), before, 'nothing changed');
        file.delete(null);
        GLib.rmdir(dir);
    }));

    test('properties that cannot act here say so', () => withPanel(async (panel, window) => {
        const editor = await openEditor(panel, window, 'relaxed');
        assert.match(editor.editors.get('IOWeight').row.subtitle, /No effect here: .*“io” cgroup controller/);
        assert.match(editor.editors.get('AllowedCPUs').row.subtitle, /No effect here: .*“cpuset”/);
        assert.notMatch(editor.editors.get('CPUWeight').row.subtitle, /No effect/);
        assert.notMatch(editor.editors.get('PrivateTmp').row.subtitle, /No effect/);
    }));

    test('sandbox options say so when user namespaces are off', () => withPanel(async (panel, window) => {
        const editor = await openEditor(panel, window, 'relaxed');
        for (const name of ['NoNewPrivileges', 'PrivateTmp', 'PrivateNetwork', 'ProtectHome', 'ProtectSystem'])
            assert.match(editor.editors.get(name).row.subtitle, /user namespaces are turned off/, name);
        assert.notMatch(editor.editors.get('MemoryMax').row.subtitle, /No effect/);
    }, {...MACHINE, support: {...MACHINE.support, unprivilegedUsernsClone: '0\n'}}));

    test('this machine\'s facts are read from /proc and the user manager\'s cgroup', () => {
        const machine = readMachineInfo();
        assert.ok(machine.memTotal > 0, 'RAM size read');
        assert.equal(machine.cpus, GLib.get_num_processors());
        const path = '/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.subtree_control';
        let text = null;
        try {
            text = new TextDecoder().decode(GLib.file_get_contents(path)[1]);
        } catch {
            text = null;
        }
        print(`# ${path}: ${text === null ? 'unreadable' : JSON.stringify(text.trim())}`);
        assert.deepEqual(machine.support.controllers === null ? null : [...machine.support.controllers].sort(),
            text === null ? null : text.split(/\s+/).filter(word => word).sort());
    });
}

if (LOCK === '1') {
    // Run with a dconf lock on default-profile and profiles (see the e2e scenario).
    test('keys locked by the administrator are insensitive and say so', async () => {
        assert.equal(gsettings.is_writable('default-profile'), false, 'default-profile locked');
        assert.equal(gsettings.is_writable('profiles'), false, 'profiles locked');
        assert.equal(gsettings.is_writable('on-failure'), true, 'on-failure free');
        const {window, panel} = await openPanel();
        try {
            const general = panel.general;
            assert.equal(general.defaultRow.sensitive, false);
            assert.match(general.defaultRow.subtitle, /Managed by your administrator/);
            assert.equal(general.failureRow.sensitive, true);
            assert.notMatch(general.failureRow.subtitle, /administrator/);
            assert.equal(general.importButton.sensitive, false, 'import would replace locked keys');

            assert.equal(panel.profiles.addButton.sensitive, false);
            assert.match(panel.profiles.group.description, /Managed by your administrator/);
            assert.ok(panel.profiles.rows.every(row => !row.deleteButton.sensitive && !row.duplicateButton.sensitive));

            const editor = await openEditor(panel, window, 'strict');
            for (const [name, {row}] of editor.editors) {
                assert.equal(row.sensitive, false, `${name} insensitive`);
                assert.match(row.subtitle, /Managed by your administrator/, name);
            }
            assert.equal(editor.nameRow.sensitive, false);
            const before = gsettings.get_value('profiles').print(true);
            assert.equal(panel.settings.setProperty('strict', 'MemoryMax', '1G').ok, false, 'writes refused');
            assert.equal(gsettings.get_value('profiles').print(true), before);

            const apps = panel.applications;
            apps.buildAll();
            assert.ok(apps.rows.every(row => row.sensitive), 'app-profiles is not locked: apps stay editable');
            apps.rows[0].selected = apps.choices.values.indexOf('strict');
            assert.equal(gsettings.get_value('app-profiles').deepUnpack()[apps.rows[0].desktopId], 'strict');
        } finally {
            gsettings.reset('app-profiles');
            window.close();
        }
    });
}

if (LOCK === 'fleet') {
    test('assignments shipped and locked by the administrator are shown, insensitive, and never written', async () => {
        const app = 'org.gnome.Calculator.desktop';
        assert.equal(gsettings.is_writable('app-profiles'), false, 'app-profiles locked');
        assert.equal(gsettings.is_writable('profiles'), false, 'profiles locked');
        assert.equal(gsettings.get_value('app-profiles').deepUnpack()[app], 'fleet', 'the system database\'s assignment');
        const {window, panel} = await openPanel();
        try {
            const apps = panel.applications;
            apps.buildAll();
            const row = apps.rows.find(item => item.desktopId === app);
            assert.ok(row, `${app} is listed`);
            assert.equal(apps.choices.values[row.selected], 'fleet', 'the row shows the locked profile');
            assert.equal(row.sensitive, false);
            assert.match(row.subtitle, /Managed by your administrator/);
            assert.ok(apps.rows.every(item => !item.sensitive), 'every app row is locked');
            assert.equal(panel.settings.assign(app, ''), false, 'the write is refused');
            assert.equal(gsettings.get_value('app-profiles').deepUnpack()[app], 'fleet');
            assert.equal(panel.profiles.addButton.sensitive, false);
            assert.ok(panel.profiles.rows.some(item => item.profileId === 'fleet'), 'the shipped profile is listed');
        } finally {
            window.close();
        }
    });
}
