// Driving the running gnome-shell from the host: Eval, real (virtual-device)
// input, finding actors on screen, screenshots.
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from './util.mjs';

export const GUEST_DIR = '/usr/local/lib/confine-e2e';

// Code shared by every Eval: tiny helpers kept on globalThis inside the shell.
// Eval's code runs in js/ui/shellDBus.js's module scope, which has `Main`.
const PRELUDE = String.raw`
globalThis.__confineE2E ??= {};
const __e2e = globalThis.__confineE2E;
const __gi = imports.gi;
const __rect = a => {
    const [x, y] = a.get_transformed_position();
    const [width, height] = a.get_transformed_size();
    return {x, y, width, height, cx: Math.round(x + width / 2), cy: Math.round(y + height / 2)};
};
const __walk = (root, pred, out = []) => {
    if (!root) return out;
    if (pred(root)) out.push(root);
    for (const c of root.get_children()) __walk(c, pred, out);
    return out;
};
const __appOf = a => { try { return a.app?.get_id?.() ?? null; } catch { return null; } };
`;

export class Shell {
    /** @param {import('./container.mjs').Container} container */
    constructor(container) {
        this.container = container;
    }

    /**
     * Evaluates JavaScript in the shell (org.gnome.Shell.Eval, --unsafe-mode) and
     * returns the JSON-parsed value of its last expression. Throws with the
     * shell's message when the code throws. Shell helpers are in scope:
     * Main, global, imports, __rect(actor), __walk(root, pred), __appOf(actor).
     */
    async eval(code) {
        const b64 = Buffer.from(`${PRELUDE}\n${code}`).toString('base64');
        const r = await this.container.sh(`gjs -m ${GUEST_DIR}/eval.js ${b64}`);
        let reply;
        try {
            reply = JSON.parse(r.stdout);
        } catch {
            throw new Error(`Eval helper failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
        }
        if (!reply.success)
            throw new Error(`Eval failed: ${reply.value}\n--- code ---\n${code.trim().slice(0, 600)}`);
        return reply.value === '' ? undefined : JSON.parse(reply.value);
    }

    /**
     * Two garbage collections, each in an Eval of its own (a WeakRef read in a job keeps
     * its target through that job), a pause after each.
     */
    async collectGarbage() {
        for (let i = 0; i < 2; i++) {
            await this.eval('imports.system.gc(); true');
            await sleep(300);
        }
    }

    /** Creates the virtual pointer and keyboard once per shell. */
    async setupInput() {
        await this.eval(String.raw`(() => {
            const Clutter = __gi.Clutter;
            // Clutter.get_default_backend() is gone in GNOME 51; the stage's context has the backend.
            const backend = global.stage.context?.get_backend?.() ?? Clutter.get_default_backend();
            const seat = backend.get_default_seat();
            __e2e.pointer ??= seat.create_virtual_device(Clutter.InputDeviceType.POINTER_DEVICE);
            __e2e.keyboard ??= seat.create_virtual_device(Clutter.InputDeviceType.KEYBOARD_DEVICE);
            __e2e.now = () => __gi.GLib.get_monotonic_time();
            return true;
        })()`);
        // The pointer starts at 0,0. The runner turns hot corners off before the
        // shell starts: with them on (GNOME 50, 51) the corner's pointer barrier
        // holds the first motion out of 0,0 at x = 0 and its pressure toggles
        // the overview.
        const [w, h] = await this.eval('[global.stage.width, global.stage.height]');
        await this.moveTo(w / 2, h / 2);
    }

    /**
     * Moves the virtual pointer to (x, y) in stage coordinates and checks that
     * it got there (throws "virtual pointer ... did not arrive" otherwise).
     */
    async moveTo(x, y) {
        x = Math.round(+x);
        y = Math.round(+y);
        let at;
        for (let attempt = 0; attempt < 3; attempt++) {
            await this.eval(`__e2e.pointer.notify_absolute_motion(__e2e.now(), ${x}, ${y}); true`);
            // Input is processed once per frame: let the motion (and the re-pick
            // it causes) happen before anything else is sent.
            await sleep(150);
            at = await this.eval('global.get_pointer().slice(0, 2)');
            if (at[0] === x && at[1] === y)
                return;
        }
        throw new Error(`the virtual pointer was sent to ${x},${y} but did not arrive (it is at ${at}): ` +
            `this shell does not take virtual pointer input as expected`);
    }

    /**
     * A real click: motion to (x, y), then press and release. button: 1 left,
     * 2 middle, 3 right.
     *
     * The release is scheduled inside the shell (GLib timeout), not sent by a
     * second Eval: from GNOME 50 on, St.Button recognises clicks with Clutter
     * gestures, and a press held longer than the long-press threshold (about
     * 500 ms, which two Eval round trips can exceed) is not a click.
     */
    async clickAt(x, y, button = 1, { holdMs = 50 } = {}) {
        await this.moveTo(x, y);
        await this.eval(String.raw`(() => {
            const {GLib, Clutter} = __gi;
            __e2e.pointer.notify_button(__e2e.now(), ${+button}, Clutter.ButtonState.PRESSED);
            GLib.timeout_add(GLib.PRIORITY_DEFAULT, ${+holdMs}, () => {
                __e2e.pointer.notify_button(__e2e.now(), ${+button}, Clutter.ButtonState.RELEASED);
                return GLib.SOURCE_REMOVE;
            });
            return true;
        })()`);
        await sleep(holdMs + 150);
    }

    /** Types text with the virtual keyboard (keysyms from Unicode). */
    async typeText(text) {
        await this.eval(String.raw`(() => {
            const Clutter = __gi.Clutter;
            for (const ch of ${JSON.stringify(String(text))}) {
                const keyval = Clutter.unicode_to_keysym(ch.codePointAt(0));
                __e2e.keyboard.notify_keyval(__e2e.now(), keyval, Clutter.KeyState.PRESSED);
                __e2e.keyboard.notify_keyval(__e2e.now(), keyval, Clutter.KeyState.RELEASED);
            }
            return true;
        })()`);
        await sleep(200);
    }

    /** Presses and releases one key by keysym name, e.g. 'Escape', 'Return', 'Super_L'. */
    async pressKey(name) {
        await this.eval(String.raw`(() => {
            const Clutter = __gi.Clutter;
            const keyval = Clutter['KEY_' + ${JSON.stringify(String(name))}];
            if (keyval === undefined) throw new Error('no such key: ' + ${JSON.stringify(String(name))});
            __e2e.keyboard.notify_keyval(__e2e.now(), keyval, Clutter.KeyState.PRESSED);
            __e2e.keyboard.notify_keyval(__e2e.now(), keyval, Clutter.KeyState.RELEASED);
            return true;
        })()`);
        await sleep(200);
    }

    /** The reactive actor the stage picks at (x, y), described for diagnostics. */
    actorAt(x, y) {
        return this.eval(String.raw`(() => {
            const Clutter = __gi.Clutter;
            const a = global.stage.get_actor_at_pos(Clutter.PickMode.REACTIVE, ${+x}, ${+y});
            const chain = [];
            for (let p = a; p && chain.length < 6; p = p.get_parent())
                chain.push(p.constructor.name + (p.name ? '#' + p.name : ''));
            return {actor: a?.constructor.name ?? null, app: a ? __appOf(a) : null, chain};
        })()`);
    }

    /** Windows known to the shell: [{title, wmClass, appId, pid, mapped}]. */
    windows() {
        return this.eval(String.raw`global.display.list_all_windows().map(w => ({
            title: w.get_title(),
            wmClass: w.get_wm_class(),
            appId: __gi.Shell.WindowTracker.get_default().get_window_app(w)?.get_id() ?? null,
            pid: w.get_pid(),
            mapped: !w.minimized && (w.get_compositor_private()?.mapped ?? false),
        }))`);
    }

    /** Shell.AppState of an app id as a string: 'stopped', 'starting' or 'running'. */
    appState(appId) {
        return this.eval(String.raw`(() => {
            const {Shell} = __gi;
            const app = Shell.AppSystem.get_default().lookup_app(${JSON.stringify(appId)});
            if (!app) throw new Error('no such app: ' + ${JSON.stringify(appId)});
            return Object.entries(Shell.AppState).find(([, v]) => v === app.state)[0].toLowerCase();
        })()`);
    }

    /**
     * Closes every window of an app and waits until the shell sees it stopped
     * (a click on the icon of an app still "starting" does nothing). A window
     * closed soon after a launch leaves the launch's startup sequence pending,
     * which keeps the app "starting" until mutter times it out: such leftover
     * sequences are completed. Processes that outlive their windows are killed.
     */
    async closeApp(appId, timeoutMs = 10_000) {
        const id = JSON.stringify(appId);
        const settle = () => this.eval(String.raw`(() => {
            const {Shell} = __gi;
            const app = Shell.AppSystem.get_default().lookup_app(${id});
            if (!app) throw new Error('no such app: ' + ${id});
            for (const w of app.get_windows())
                w.delete(global.get_current_time());
            if (app.get_n_windows() === 0) {
                for (const seq of Shell.WindowTracker.get_default().get_startup_sequences()) {
                    const seqApp = seq.get_application_id() ?? '';
                    if (seqApp === ${id} || seqApp.endsWith('/' + ${id}))
                        seq.complete?.();
                }
            }
            return {state: app.state === Shell.AppState.STOPPED ? 'stopped' : 'busy', pids: app.get_pids()};
        })()`);
        let pids = (await settle()).pids;
        const deadline = Date.now() + timeoutMs;
        let killed = false;
        for (;;) {
            await sleep(250);
            const r = await settle();
            if (r.state === 'stopped')
                return;
            pids = r.pids.length ? r.pids : pids;
            if (!killed && Date.now() > deadline - timeoutMs / 2 && pids.length) {
                await this.container.rootSh(`kill ${pids.join(' ')}`);
                killed = true;
            }
            if (Date.now() > deadline)
                throw new Error(`${appId} did not stop within ${timeoutMs} ms (state ${await this.appState(appId)})`);
        }
    }

    overviewState() {
        return this.eval(String.raw`(() => {
            const controls = Main.overview._overview?.controls;
            return {
                visible: Main.overview.visible,
                animating: Main.overview.animationInProgress,
                // ControlsState: 0 HIDDEN, 1 WINDOW_PICKER, 2 APP_GRID
                state: controls?._stateAdjustment?.value ?? null,
            };
        })()`);
    }

    /** Shows the overview (window picker) and waits until its animation is over. */
    async openOverview() {
        await this.eval(`Main.overview.visible
            ? (Main.overview.dash.showAppsButton.checked = false) : Main.overview.show(); true`);
        await waitFor(async () => {
            const s = await this.overviewState();
            return s.visible && !s.animating && s.state === 1;
        }, 10_000, 'the overview to be shown').catch(async e => {
            throw new Error(`${e.message}; overview: ${JSON.stringify(await this.overviewState())}`);
        });
        await sleep(200);
    }

    /** Shows the app grid and waits until it has settled. */
    async showAppGrid() {
        // showApps() does nothing while the overview is already shown (as it is
        // after startup); the dash's show-apps toggle switches pages either way.
        await this.eval(`Main.overview.visible
            ? (Main.overview.dash.showAppsButton.checked = true) : Main.overview.showApps(); true`);
        await waitFor(async () => {
            const s = await this.overviewState();
            return s.visible && !s.animating && s.state === 2;
        }, 10_000, 'the app grid to be shown').catch(async e => {
            throw new Error(`${e.message}; overview: ${JSON.stringify(await this.overviewState())}`);
        });
        await sleep(300);
    }

    async hideOverview() {
        await this.eval('Main.overview.hide(); true');
        await waitFor(async () => {
            const s = await this.overviewState();
            return !s.visible && !s.animating;
        }, 10_000, 'the overview to be hidden');
    }

    /** Screen rectangle {x, y, width, height, cx, cy} of the dash icon of an app id, or null. */
    dashIconRect(appId) {
        return this.eval(String.raw`(() => {
            const icons = __walk(Main.overview.dash, a => a.mapped && __appOf(a) === ${JSON.stringify(appId)} && a.reactive);
            return icons.length ? __rect(icons[0]) : null;
        })()`);
    }

    /**
     * Screen rectangle of an app's icon in the app grid, paging the grid (and
     * opening the folder holding the app with a real click) as needed. The app
     * grid must be shown (showAppGrid()). Returns null if the app is not in the grid.
     */
    async appGridIconRect(appId) {
        const id = JSON.stringify(appId);
        const where = await this.eval(String.raw`(() => {
            const view = Main.overview._overview.controls._appDisplay;
            const visible = __walk(view, a => a.mapped && a.reactive && __appOf(a) === ${id});
            if (visible.length) return {rect: __rect(visible[0])};
            const item = view._orderedItems.find(i => i.id === ${id});
            if (item) {
                const [page] = view._grid.getItemPage(item);
                view.goToPage(page, false);
                return {page};
            }
            const folder = view._orderedItems.find(i => i.view?._appIds?.includes(${id}));
            if (folder) {
                const page = view._grid.getItemPage(folder)[0];
                view.goToPage(page, false);
                return {folder: folder.id, page};
            }
            return {missing: true};
        })()`);
        if (where.rect)
            return where.rect;
        if (where.missing)
            return null;
        await sleep(400);
        if (where.folder !== undefined) {
            const folderRect = await this.eval(String.raw`(() => {
                const view = Main.overview._overview.controls._appDisplay;
                const f = view._orderedItems.find(i => i.id === ${JSON.stringify(where.folder)});
                return f?.mapped ? __rect(f) : null;
            })()`);
            if (folderRect)
                await this.clickAt(folderRect.cx, folderRect.cy);
            await sleep(600);
        }
        return waitFor(() => this.eval(String.raw`(() => {
            const roots = [Main.overview._overview.controls._appDisplay, Main.layoutManager.overviewGroup];
            for (const root of roots) {
                const found = __walk(root, a => a.mapped && a.reactive && __appOf(a) === ${id});
                if (found.length) return __rect(found[0]);
            }
            return null;
        })()`), 5000, `the app grid icon of ${appId}`);
    }

    /** Screen rectangle of an app's icon among the overview's search results, or null. */
    searchResultRect(appId) {
        return this.eval(String.raw`(() => {
            const root = Main.overview._overview.controls._searchController;
            const found = __walk(root, a => a.mapped && a.reactive && __appOf(a) === ${JSON.stringify(appId)});
            return found.length ? __rect(found[0]) : null;
        })()`);
    }

    /** Screen rectangle of a visible popup-menu item whose label contains `label`, or null. */
    menuItemRect(label) {
        return this.eval(String.raw`(() => {
            const want = ${JSON.stringify(label)};
            const found = __walk(Main.uiGroup, a => a.mapped && a.reactive &&
                /MenuItem/.test(a.constructor.name) &&
                (a.label?.text ?? a.label_actor?.text ?? '').includes(want));
            return found.length ? __rect(found[0]) : null;
        })()`);
    }

    /** Labels of the visible popup-menu items. */
    menuItems() {
        return this.eval(String.raw`__walk(Main.uiGroup, a => a.mapped && /MenuItem/.test(a.constructor.name))
            .map(a => a.label?.text ?? a.label_actor?.text ?? '').filter(t => t !== '')`);
    }
}
