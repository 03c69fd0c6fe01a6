// Every installed app with its profile chooser, searchable, plus the assignments
// of apps that are no longer installed. The apps are read after the window has
// drawn its first frame, a screenful of rows at once and the rest while the main
// loop is idle, so the window shows at once even with hundreds of apps. The apps
// that run now are read from the user manager when the page shows and after every
// profile change: a running app that needs a restart for its profile says so.

import Adw from 'gi://Adw';
import type Gdk from 'gi://Gdk';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {restartPending, resolvedProperties} from '../core/liveProperties.js';
import type {ProfileSettings} from '../core/profileSettings.js';
import {resolveProfile} from '../core/resolution.js';
import {ASSIGNMENTS_KEY, DEFAULT_PROFILE_KEY, PROFILES_KEY} from '../settings/schema.js';
import {AppRow} from './appRow.js';
import type {PanelSettings} from './panelSettings.js';
import {listInstalledApps, type InstalledApp} from './installedApps.js';
import {ProfileChoices} from './profileChoices.js';
import {RunningUnitsReads, unitsByApp, type ReadRunningUnits} from './runningUnits.js';

/** Rows built in the first go: about a screenful. */
const FIRST_ROWS = 12;
/** Rows built per idle callback afterwards. */
const ROWS_PER_IDLE = 25;

export class ApplicationsPage extends Adw.PreferencesPage {
    static {
        GObject.registerClass(this);
    }

    readonly searchEntry: Gtk.SearchEntry;
    readonly confinedOnly: Adw.SwitchRow;
    readonly appsGroup: Adw.PreferencesGroup;
    readonly missingGroup: Adw.PreferencesGroup;
    readonly choices = new ProfileChoices();
    /** Installed apps' rows, in name order, as far as they are built. */
    readonly rows: AppRow[] = [];
    missingRows: AppRow[] = [];
    #settings: PanelSettings;
    #apps: InstalledApp[] | null = null;
    #pendingIdle = 0;
    #afterPaintId = 0;
    #clock: Gdk.FrameClock | null = null;
    #running = new Map<string, Readonly<Record<string, unknown>>[]>();
    #reads: RunningUnitsReads;

    constructor(settings: PanelSettings, readUnits: ReadRunningUnits) {
        // The mnemonic (Alt+A) switches pages from the keyboard.
        super({title: _('_Applications'), use_underline: true, icon_name: 'view-app-grid-symbolic', name: 'applications'});
        this.#settings = settings;
        this.#reads = new RunningUnitsReads(readUnits, units => {
            this.#running = unitsByApp(units);
            this.#showRestartPending(this.#snapshot());
        });

        const filters = new Adw.PreferencesGroup();
        this.searchEntry = new Gtk.SearchEntry({placeholder_text: _('Search apps'), margin_bottom: 6});
        this.searchEntry.connect('search-changed', () => this.#filter());
        filters.add(this.searchEntry);
        this.confinedOnly = new Adw.SwitchRow({
            title: _('Confined apps only'),
            subtitle: _('Hide apps that launch without confinement'),
        });
        this.confinedOnly.connect('notify::active', () => this.#filter());
        filters.add(this.confinedOnly);
        this.add(filters);

        this.appsGroup = new Adw.PreferencesGroup({
            title: _('Installed apps'),
            description: _('The profile each app runs with when you start it from the app grid, the dash or search.'),
        });
        this.add(this.appsGroup);
        this.missingGroup = new Adw.PreferencesGroup({
            title: _('Apps that are not installed'),
            description: _('Their profiles are kept until you remove them.'),
            visible: false,
        });
        this.add(this.missingGroup);

        this.choices.update(settings);
        this.connect('map', () => {
            this.#loadAfterFirstFrame();
            this.#reads.readInBackground();
        });

        settings.listen(key => {
            if (key === PROFILES_KEY || key === DEFAULT_PROFILE_KEY)
                this.choices.update(settings);
            if (key === PROFILES_KEY || key === DEFAULT_PROFILE_KEY || key === ASSIGNMENTS_KEY) {
                this.#syncAll();
                this.#reads.readInBackground();
            }
        });
    }

    /** Reads the running apps again and shows which need a restart. */
    readRunning(): Promise<void> {
        return this.#reads.read();
    }

    #showRestartPending(snapshot: ProfileSettings, rows: readonly AppRow[] = [...this.rows, ...this.missingRows]): void {
        for (const row of rows) {
            const units = this.#running.get(row.desktopId) ?? [];
            row.showRestartPending(units.length === 0 ? []
                : restartPending(resolvedProperties(resolveProfile(row.desktopId, snapshot, _)), units));
        }
    }

    /** True once every installed app has its row. */
    get complete(): boolean {
        return this.#apps !== null && this.rows.length === this.#apps.length;
    }

    #loadAfterFirstFrame(): void {
        const clock = this.get_frame_clock();
        if (this.#apps !== null || this.#afterPaintId || !clock) {
            this.#load();
            return;
        }
        this.#clock = clock;
        this.#afterPaintId = clock.connect('after-paint', () => {
            this.#stopWaitingForPaint();
            this.#load();
        });
    }

    /** Reads the apps and builds the first rows, the rest on idle; once. */
    #load(): InstalledApp[] {
        if (this.#apps !== null)
            return this.#apps;
        const apps = listInstalledApps();
        this.#apps = apps;
        this.#buildRows(FIRST_ROWS);
        if (this.rows.length < apps.length) {
            this.#pendingIdle = GLib.idle_add(GLib.PRIORITY_LOW, () => {
                this.#buildRows(ROWS_PER_IDLE);
                if (this.rows.length < apps.length)
                    return GLib.SOURCE_CONTINUE;
                this.#pendingIdle = 0;
                return GLib.SOURCE_REMOVE;
            });
        }
        this.#syncMissing();
        return apps;
    }

    /** Builds every remaining row now (the search needs them all). */
    buildAll(): void {
        const apps = this.#load();
        this.#buildRows(apps.length);
        this.#stopBuilding();
    }

    #stopWaitingForPaint(): void {
        if (this.#afterPaintId)
            this.#clock?.disconnect(this.#afterPaintId);
        this.#afterPaintId = 0;
        this.#clock = null;
    }

    /** Stops building rows and reading the running apps; for a window that closes. */
    stopLoading(): void {
        this.#reads.cancel();
        this.#stopBuilding();
    }

    #stopBuilding(): void {
        this.#stopWaitingForPaint();
        if (this.#pendingIdle) {
            GLib.source_remove(this.#pendingIdle);
            this.#pendingIdle = 0;
        }
    }

    #snapshot(): ProfileSettings {
        return this.#settings.read();
    }

    #buildRows(count: number): void {
        const apps = this.#apps ?? [];
        const snapshot = this.#snapshot();
        const start = this.rows.length;
        const end = Math.min(apps.length, start + count);
        for (let i = start; i < end; i++) {
            const app = apps[i];
            const row = new AppRow(this.#settings, this.choices, app, app.desktopId);
            row.sync(snapshot.assignments);
            row.visible = this.#matches(row, snapshot);
            this.rows.push(row);
            this.appsGroup.add(row);
        }
        if (this.#running.size > 0)
            this.#showRestartPending(snapshot, this.rows.slice(start));
    }

    #syncMissing(snapshot = this.#snapshot()): void {
        if (this.#apps === null)
            return;
        const {assignments} = snapshot;
        const installed = new Set(this.#apps.map(app => app.desktopId));
        const missing = Object.keys(assignments).filter(id => !installed.has(id)).sort();
        const shown = this.missingRows.map(row => row.desktopId);
        if (JSON.stringify(shown) !== JSON.stringify(missing)) {
            for (const row of this.missingRows)
                this.missingGroup.remove(row);
            this.missingRows = missing.map(id => new AppRow(this.#settings, this.choices, null, id));
            for (const row of this.missingRows)
                this.missingGroup.add(row);
        }
        for (const row of this.missingRows) {
            row.sync(assignments);
            row.visible = this.#matches(row, snapshot);
        }
        this.missingGroup.visible = this.missingRows.some(row => row.visible);
    }

    #syncAll(): void {
        const snapshot = this.#snapshot();
        for (const row of this.rows) {
            row.sync(snapshot.assignments);
            row.visible = this.#matches(row, snapshot);
        }
        this.#syncMissing(snapshot);
        this.#showRestartPending(snapshot);
    }

    #matches(row: AppRow, snapshot: ProfileSettings): boolean {
        const query = this.searchEntry.text.trim().toLowerCase();
        if (query !== '' && !row.searchText.includes(query))
            return false;
        if (!this.confinedOnly.active)
            return true;
        return resolveProfile(row.desktopId, snapshot).kind !== 'unconfined';
    }

    #filter(): void {
        if (!this.complete)
            this.buildAll();
        this.#syncAll();
    }
}
