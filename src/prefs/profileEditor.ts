// The editor of one profile, pushed as a subpage of the preferences window:
// its name, every property of the catalogue grouped as the catalogue groups them,
// the command it produces and the apps that use it. While it shows, the apps of the
// profile that run now are read from the user manager, so that lowering MemoryMax
// below what one of them uses says what the kernel will do about it.

import Adw from 'gi://Adw';
import GObject from 'gi://GObject';
import Gtk from 'gi://Gtk';
import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {known} from '../core/appUsage.js';
import {memoryWarnings, type AppMemory} from '../core/memoryWarning.js';
import {NAME_KEY, PROPERTIES, findProperty, type PropertyGroup, type PropertySpec} from '../core/properties.js';
import {appsUsingProfile, checkProfileName} from '../core/profileSettings.js';
import {userNamespacesAvailable} from '../core/machine.js';
import {resolveProfile} from '../core/resolution.js';
import {ASSIGNMENTS_KEY, DEFAULT_PROFILE_KEY, PROFILES_KEY} from '../settings/schema.js';
import type {PanelSettings} from './panelSettings.js';
import {ChoicePropertyRow} from './choicePropertyRow.js';
import {CommandPreview, type PreviewApp} from './commandPreview.js';
import {findInstalledApp} from './installedApps.js';
import type {MachineInfo} from './machineInfo.js';
import {NumberPropertyRow} from './numberPropertyRow.js';
import {ProfileCheckGroup} from './profileCheckGroup.js';
import {RunningUnitsReads, type ReadRunningUnits, type RunningUnit} from './runningUnits.js';
import type {PropertyContext, PropertyEditor} from './propertyStatus.js';
import {MANAGED_BY_ADMINISTRATOR} from './propertyText.js';
import {SwitchPropertyRow} from './switchPropertyRow.js';
import {TextPropertyRow} from './textPropertyRow.js';
import {UnknownPropertyRow} from './unknownPropertyRow.js';
import {escapeMarkup, format} from './text.js';
import {asWidget} from './widget.js';

function createEditor(spec: PropertySpec, context: PropertyContext): PropertyEditor {
    switch (spec.kind) {
    case 'boolean':
        return new SwitchPropertyRow(spec, context);
    case 'enum':
        return new ChoicePropertyRow(spec, context);
    case 'cpu-quota':
    case 'weight':
        return new NumberPropertyRow(spec, context);
    default:
        return new TextPropertyRow(spec, context);
    }
}

interface GroupLayout {
    readonly title: string;
    readonly groups: readonly PropertyGroup[];
    readonly description?: string;
}

function layout(machine: MachineInfo): GroupLayout[] {
    const sandboxNotes = [_('Sandbox options make Confine start the app as a transient service instead of a scope.')];
    if (!userNamespacesAvailable(machine.support))
        sandboxNotes.push(_('Unprivileged user namespaces are turned off on this machine, so these options would make the app fail to start.'));
    return [
        {title: _('Memory'), groups: ['memory'], description: _('A size such as 4G or 512M, a percentage of the RAM such as 70%, or “infinity”. Leave empty for no limit.')},
        {title: _('CPU and disk'), groups: ['cpu', 'io'], description: format(_('This machine has %s CPUs. 100 % of CPU time is one full CPU.'), machine.cpus)},
        {title: _('Processes'), groups: ['processes']},
        {title: _('Sandbox'), groups: ['sandbox'], description: sandboxNotes.join('\n')},
    ];
}

export class ProfileEditor extends Adw.NavigationPage {
    static {
        GObject.registerClass(this);
    }

    readonly profileId: string;
    readonly nameRow: Adw.EntryRow;
    readonly editors = new Map<string, PropertyEditor>();
    readonly preview: CommandPreview;
    readonly check: ProfileCheckGroup;
    readonly usedBy: Adw.PreferencesGroup;
    readonly propertiesGroup: Adw.PreferencesGroup;
    #settings: PanelSettings;
    #unknownRows: UnknownPropertyRow[] = [];
    #usedByRows: Adw.ActionRow[] = [];
    #disconnect: () => void;
    #context: PropertyContext;
    #shownName = '';
    #reads: RunningUnitsReads;
    /** The memory each running unit of this profile's apps uses, as last read. */
    #usage: AppMemory[] = [];

    constructor(settings: PanelSettings, profileId: string, machine: MachineInfo, readUnits: ReadRunningUnits) {
        super({title: _('Profile'), tag: `profile-${profileId}`});
        this.profileId = profileId;
        this.#settings = settings;
        this.#reads = new RunningUnitsReads(readUnits, units => this.#showUsage(units));
        this.#context = {
            settings, profileId, machine,
            warnings: (property, value) => property === 'MemoryMax' ? memoryWarnings(value, machine.memTotal, this.#usage, _) : [],
        };

        const page = new Adw.PreferencesPage();
        const toolbar = new Adw.ToolbarView({content: asWidget(page)});
        toolbar.add_top_bar(asWidget(new Adw.HeaderBar()));
        this.child = asWidget(toolbar);

        const identity = new Adw.PreferencesGroup();
        this.nameRow = new Adw.EntryRow({title: _('Name'), show_apply_button: true});
        this.nameRow.connect('changed', () => this.#checkName());
        this.nameRow.connect('apply', () => this.#rename());
        identity.add(this.nameRow);
        page.add(identity);

        // Properties someone else stored that Confine does not know, each with a way out.
        this.propertiesGroup = new Adw.PreferencesGroup({title: _('Unknown properties'), visible: false});
        page.add(this.propertiesGroup);

        for (const section of layout(machine)) {
            const group = new Adw.PreferencesGroup({title: section.title, description: section.description ?? ''});
            for (const spec of PROPERTIES.filter(item => section.groups.includes(item.group))) {
                const editor = createEditor(spec, this.#context);
                this.editors.set(spec.name, editor);
                group.add(editor.row);
            }
            page.add(group);
        }

        this.preview = new CommandPreview();
        page.add(this.preview);
        this.check = new ProfileCheckGroup();
        page.add(this.check);
        this.usedBy = new Adw.PreferencesGroup({title: _('Used by')});
        page.add(this.usedBy);

        this.#disconnect = settings.listen(key => {
            if (key === PROFILES_KEY || key === ASSIGNMENTS_KEY)
                this.refresh();
            if (key === PROFILES_KEY || key === ASSIGNMENTS_KEY || key === DEFAULT_PROFILE_KEY)
                this.#reads.readInBackground();
        });
        // Popped off the window's navigation stack: an editor is never shown twice.
        this.connect('hidden', () => {
            this.#disconnect();
            this.#reads.cancel();
        });
        this.refresh();
        this.#reads.readInBackground();
    }

    /** Reads what the running apps of this profile use now and shows it against MemoryMax. */
    readUsage(): Promise<void> {
        return this.#reads.read();
    }

    #showUsage(units: readonly RunningUnit[]): void {
        const snapshot = this.#settings.read();
        this.#usage = units.flatMap(({desktopId, values}) => {
            const resolution = resolveProfile(desktopId, snapshot, _);
            const bytes = known(values.MemoryCurrent as number | bigint | null | undefined);
            if (resolution.kind !== 'confined' || resolution.profile.id !== this.profileId || bytes === null)
                return [];
            return [{app: findInstalledApp(desktopId)?.name ?? desktopId, bytes}];
        });
        const entry = this.#settings.profile(this.profileId);
        if (entry !== null)
            this.editors.get('MemoryMax')?.load(entry.raw.MemoryMax);
    }

    refresh(): void {
        const entry = this.#settings.profile(this.profileId);
        if (entry === null) {
            // Deleted elsewhere (another window, gsettings): nothing left to edit.
            this.sensitive = false;
            return;
        }
        this.title = entry.name;
        const writable = this.#settings.isWritable(PROFILES_KEY);
        // Follow renames from elsewhere, but never overwrite what the user is typing.
        if (this.nameRow.text === this.#shownName) {
            this.nameRow.text = entry.name;
            this.#shownName = entry.name;
        }
        this.nameRow.sensitive = writable;
        this.nameRow.tooltip_text = writable ? '' : MANAGED_BY_ADMINISTRATOR();

        for (const [name, editor] of this.editors)
            editor.load(entry.raw[name]);
        this.#showUnknown(entry.raw);
        this.#showUsers(entry.name);
        this.preview.update(entry, this.#previewApp());
        this.check.update(entry.check.ok ? entry.check.profile : null);
    }

    #showUnknown(raw: Readonly<Record<string, unknown>>): void {
        for (const row of this.#unknownRows)
            this.propertiesGroup.remove(row);
        this.#unknownRows = Object.keys(raw)
            .filter(key => key !== NAME_KEY && !findProperty(key))
            .map(key => new UnknownPropertyRow(this.#context, key, raw[key]));
        for (const row of this.#unknownRows)
            this.propertiesGroup.add(row);
        this.propertiesGroup.visible = this.#unknownRows.length > 0;
    }

    #showUsers(profileName: string): void {
        for (const row of this.#usedByRows)
            this.usedBy.remove(row);
        const apps = appsUsingProfile(this.profileId, this.#settings.read().assignments);
        const isDefault = this.#settings.read().defaultProfile === this.profileId;
        this.usedBy.description = isDefault
            ? format(_('“%s” is the default profile: every app without a profile of its own uses it.'), profileName)
            : apps.length === 0 ? _('No app is assigned this profile.') : '';
        this.#usedByRows = apps.map(desktopId => {
            const app = findInstalledApp(desktopId);
            const row = new Adw.ActionRow({
                title: escapeMarkup(app?.name ?? desktopId),
                subtitle: escapeMarkup(app ? desktopId : format(_('%s (not installed)'), desktopId)),
            });
            const icon = new Gtk.Image({pixel_size: 32});
            if (app?.icon)
                icon.gicon = app.icon;
            else
                icon.icon_name = 'application-x-executable';
            row.add_prefix(icon);
            return row;
        });
        for (const row of this.#usedByRows)
            this.usedBy.add(row);
    }

    #previewApp(): PreviewApp {
        for (const desktopId of appsUsingProfile(this.profileId, this.#settings.read().assignments)) {
            const app = findInstalledApp(desktopId);
            if (app)
                return app;
        }
        return {
            desktopId: 'org.example.App.desktop', name: _('Example app'), commandLine: null,
            terminal: false, startupNotify: true, path: null,
        };
    }

    #checkName(): boolean {
        const problem = checkProfileName(this.nameRow.text);
        if (problem === null) {
            this.nameRow.remove_css_class('error');
            this.nameRow.tooltip_text = '';
        } else {
            this.nameRow.add_css_class('error');
            this.nameRow.tooltip_text = problem;
        }
        return problem === null;
    }

    #rename(): void {
        if (!this.#checkName())
            return;
        const edit = this.#settings.renameProfile(this.profileId, this.nameRow.text);
        if (edit.ok) {
            this.#shownName = this.nameRow.text;
            this.refresh();
        } else {
            this.nameRow.add_css_class('error');
            this.nameRow.tooltip_text = edit.message;
        }
    }
}
