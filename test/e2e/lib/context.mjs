// The object every scenario receives. Documented in test/e2e/README.md.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import { HOME, shellQuote } from './container.mjs';
import { GUEST_DIR } from './shell.mjs';
import { sleep, waitFor } from './util.mjs';

export const UUID = 'confine@confine.github.io';
export const SHELL_UNIT = 'gnome-shell-headless.service';

/** Thrown by ctx.skip(): the test is reported as skipped, not passed or failed. */
export class SkipError extends Error {}

/**
 * Finds JS exceptions/warnings in journal text that mention `needle`: an
 * "JS ERROR"/"JS WARNING"/"...Error:"/"Exception" line together with the stack
 * lines after it; a block counts when any of its lines contains the needle.
 */
export function jsExceptions(text, needle = UUID) {
    const lines = text.split('\n');
    const isStart = l => /JS ERROR|JS WARNING|Gjs-CRITICAL|Gjs-WARNING|Exception|\b\w*Error\b:|Unhandled promise rejection/.test(l);
    const isStack = l => /(^|\s)\S*@(file|resource):\/\/\S+:\d+(:\d+)?\s*$/.test(l) || /^\s*@/.test(l);
    const blocks = [];
    for (let i = 0; i < lines.length; i++) {
        if (!isStart(lines[i]))
            continue;
        const block = [lines[i]];
        while (i + 1 < lines.length && isStack(lines[i + 1]))
            block.push(lines[++i]);
        if (block.some(l => l.includes(needle)))
            blocks.push(block.join('\n'));
    }
    return blocks;
}

export function createContext({ version, suite, container, shell, artifactsDir, extensionState }) {
    const extensionDir = `${HOME}/.local/share/gnome-shell/extensions/${UUID}`;

    const shOk = async (cmd, opts) => {
        const r = await container.sh(cmd, opts);
        if (r.code !== 0)
            throw new Error(`command failed (exit ${r.code}): ${cmd}\n${(r.stderr || r.stdout).trim()}`);
        return r.stdout;
    };
    const rootShOk = async (cmd, opts) => {
        const r = await container.rootSh(cmd, opts);
        if (r.code !== 0)
            throw new Error(`root command failed (exit ${r.code}): ${cmd}\n${(r.stderr || r.stdout).trim()}`);
        return r.stdout;
    };

    const dbusCall = async (dest, objectPath, iface, method, signature = '', args = [], { bus = 'session', timeoutMs } = {}) => {
        const spec = Buffer.from(JSON.stringify({ bus, dest, path: objectPath, iface, method, signature, args, timeoutMs }))
            .toString('base64');
        const out = await shOk(`gjs -m ${GUEST_DIR}/dbus.js ${spec}`);
        const r = JSON.parse(out);
        if (!r.ok)
            throw new Error(`D-Bus ${iface}.${method} failed: ${r.error}`);
        return r.reply;
    };
    const extensionsCall = (method, signature = '', args = []) =>
        dbusCall('org.gnome.Shell', '/org/gnome/Shell', 'org.gnome.Shell.Extensions', method, signature, args);

    const ctx = {
        version,
        suite,
        uuid: UUID,
        extensionDir,
        home: HOME,
        artifactsDir,
        /** The shell's ExtensionState enum, read from the running shell (ACTIVE is 1 on 48/50/51). */
        ExtensionState: extensionState,
        assert,
        sleep,
        waitFor,
        shellQuote,
        log: msg => console.log(`      ${msg}`),
        skip: reason => {
            throw new SkipError(reason);
        },

        // Commands
        sh: (cmd, opts) => container.sh(cmd, opts),
        shOk,
        rootSh: (cmd, opts) => container.rootSh(cmd, opts),
        rootShOk,
        /** gsettings as tester, with the installed extension's schemas/ on the schema path. */
        gsettings: (...args) => shOk(`gsettings --schemadir ${shellQuote(`${extensionDir}/schemas`)} ${args.map(shellQuote).join(' ')}`)
            .then(s => s.trim()),
        dbusCall,
        /** systemctl show UNIT -p PROPS as an object; user manager unless {system: true}. */
        systemctlShow: async (unit, props = [], { system = false } = {}) => {
            const p = props.map(x => `-p ${shellQuote(x)}`).join(' ');
            const cmd = `systemctl ${system ? '' : '--user'} show ${shellQuote(unit)} ${p}`;
            const out = system ? await rootShOk(cmd) : await shOk(cmd);
            return Object.fromEntries(out.trim().split('\n').filter(Boolean).map(l => {
                const i = l.indexOf('=');
                return [l.slice(0, i), l.slice(i + 1)];
            }));
        },

        // Files
        copyIn: (hostPath, containerPath, opts) => container.copyIn(hostPath, containerPath, opts),
        writeFile: (containerPath, data, opts) => container.writeFile(containerPath, data, opts),
        readFile: (containerPath, opts) => container.readFile(containerPath, opts),
        copyOut: (containerPath, hostPath) => container.copyOut(containerPath, hostPath),

        // The shell
        evalJs: code => shell.eval(code),
        collectGarbage: () => shell.collectGarbage(),
        moveTo: (x, y) => shell.moveTo(x, y),
        clickAt: (x, y, button, opts) => shell.clickAt(x, y, button, opts),
        typeText: text => shell.typeText(text),
        pressKey: name => shell.pressKey(name),
        actorAt: (x, y) => shell.actorAt(x, y),
        openOverview: () => shell.openOverview(),
        showAppGrid: () => shell.showAppGrid(),
        hideOverview: () => shell.hideOverview(),
        overviewState: () => shell.overviewState(),
        dashIconRect: appId => shell.dashIconRect(appId),
        appGridIconRect: appId => shell.appGridIconRect(appId),
        searchResultRect: appId => shell.searchResultRect(appId),
        menuItemRect: label => shell.menuItemRect(label),
        menuItems: () => shell.menuItems(),
        windows: () => shell.windows(),
        appState: appId => shell.appState(appId),
        closeApp: (appId, timeoutMs) => shell.closeApp(appId, timeoutMs),
        /** Clicks the centre of a rect returned by the *Rect helpers. */
        clickRect: (rect, button, opts) => shell.clickAt(rect.cx, rect.cy, button, opts),

        /** Saves a PNG of the whole screen as <artifactsDir>/<name>.png; returns the host path. */
        screenshot: async name => {
            const file = `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`;
            const inside = `/tmp/confine-e2e-${Date.now()}.png`;
            const [ok] = await dbusCall('org.gnome.Shell.Screenshot', '/org/gnome/Shell/Screenshot',
                'org.gnome.Shell.Screenshot', 'Screenshot', 'bbs', [false, false, inside]);
            if (!ok)
                throw new Error('org.gnome.Shell.Screenshot.Screenshot returned false');
            const host = path.join(artifactsDir, file);
            await fs.mkdir(artifactsDir, { recursive: true });
            await container.copyOut(inside, host);
            await container.rootSh(`rm -f ${inside}`);
            return host;
        },

        // Journal and extension state
        /** The shell's journal (or, with {all: true}, everything uid 1000 logged), optionally after a cursor. */
        journal: async ({ cursor, all = false } = {}) => {
            const filter = all ? '_UID=1000' : `_SYSTEMD_USER_UNIT=${SHELL_UNIT}`;
            const after = cursor ? `--after-cursor=${shellQuote(cursor)}` : '';
            return rootShOk(`journalctl --no-pager -q -o short-monotonic ${after} ${filter}`);
        },
        /** A cursor for "only what is logged from now on" (journal({cursor})). */
        journalCursor: async () => {
            const out = await rootShOk('journalctl --no-pager -q -n 1 --show-cursor -o cat');
            const m = out.match(/-- cursor: (\S+)/);
            return m ? m[1] : null;
        },
        jsExceptions,
        extensionInfo: async (uuid = UUID) => (await extensionsCall('GetExtensionInfo', 's', [uuid]))[0],
        extensionErrors: async (uuid = UUID) => (await extensionsCall('GetExtensionErrors', 's', [uuid]))[0],
        extensionsCall,
    };
    return ctx;
}
