// Running commands and moving files into a booted nspawn container, from the host.
//
// Commands enter every namespace of the container's PID 1 with nsenter; user
// commands then drop to tester (uid 1000) with setpriv and get the environment
// of the user's graphical session. Everything goes through exec(argv), so the
// real-kernel VM (test/vm/lib/vm.mjs) reuses the rest by overriding it.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const USER = 'tester';
export const UID = 1000;
export const HOME = `/home/${USER}`;
export const RUNTIME_DIR = `/run/user/${UID}`;

export const USER_ENV = {
    HOME,
    USER,
    LOGNAME: USER,
    SHELL: '/bin/bash',
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    XDG_RUNTIME_DIR: RUNTIME_DIR,
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${RUNTIME_DIR}/bus`,
    WAYLAND_DISPLAY: 'wayland-0',
    XDG_SESSION_TYPE: 'wayland',
    XDG_CURRENT_DESKTOP: 'GNOME',
};

const DEFAULT_TIMEOUT_MS = 60_000;

/** Runs argv on the host; resolves {stdout, stderr, code} (never rejects on exit code). */
export function run(argv, { input, timeoutMs = DEFAULT_TIMEOUT_MS, binary = false } = {}) {
    return new Promise((resolve, reject) => {
        const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
        const out = [];
        const err = [];
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
        }, timeoutMs);
        child.stdout.on('data', d => out.push(d));
        child.stderr.on('data', d => err.push(d));
        child.on('error', e => {
            clearTimeout(timer);
            reject(e);
        });
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            const stdout = binary ? Buffer.concat(out) : Buffer.concat(out).toString();
            let stderr = Buffer.concat(err).toString();
            if (timedOut)
                stderr += `\n[e2e] timed out after ${timeoutMs} ms: ${argv.join(' ').slice(0, 200)}`;
            resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) });
        });
        child.stdin.on('error', () => {});
        child.stdin.end(input ?? '');
    });
}

export class Container {
    /** @param {number} leader PID (on the host) of the container's systemd */
    constructor(leader) {
        this.leader = leader;
        this.root = `/proc/${leader}/root`;
    }

    /** Runs argv as root inside the container; resolves {stdout, stderr, code} like run(). */
    exec(argv, opts = {}) {
        return run(['nsenter', '-t', String(this.leader), '-a', '--', ...argv], opts);
    }

    /** Runs a shell command as root inside the container. */
    rootSh(cmd, opts = {}) {
        return this.exec(['/bin/bash', '-c', cmd], opts);
    }

    /** Runs a shell command as tester inside the user's session (see USER_ENV). */
    sh(cmd, { env = {}, ...opts } = {}) {
        const envArgs = Object.entries({ ...USER_ENV, ...env }).map(([k, v]) => `${k}=${v}`);
        return this.exec(['setpriv', `--reuid=${UID}`, `--regid=${UID}`, '--init-groups',
            'env', '-i', ...envArgs, '/bin/bash', '-c', `cd ${HOME} && ${cmd}`], opts);
    }

    /**
     * Copies a host file into the container. Parent directories are created;
     * with owner 'tester' (default for paths under /home/tester) files and new
     * directories belong to tester.
     */
    async copyIn(hostPath, containerPath, { owner, mode } = {}) {
        const data = await fs.readFile(hostPath);
        await this.writeFile(containerPath, data, { owner, mode });
    }

    /** Writes data (string or Buffer) to a path inside the container. */
    async writeFile(containerPath, data, { owner, mode } = {}) {
        if (!containerPath.startsWith('/'))
            throw new Error(`container path must be absolute: ${containerPath}`);
        owner ??= containerPath.startsWith(`${HOME}/`) ? USER : 'root';
        const dir = path.posix.dirname(containerPath);
        const q = shellQuote;
        const chown = owner === 'root' ? '' : `&& chown ${q(owner)}: ${q(containerPath)}`;
        const mkdir = owner === 'root' ? `mkdir -p ${q(dir)}`
            : `setpriv --reuid=${UID} --regid=${UID} --init-groups mkdir -p ${q(dir)}`;
        // Written through the container's own mount namespace: its overlay root
        // and its /tmp are not visible from the host's.
        const r = await this.exec(['/bin/bash', '-c',
            `${mkdir} && cat > ${q(containerPath)} ${chown} ${mode ? `&& chmod ${mode.toString(8)} ${q(containerPath)}` : ''}`],
        { input: data });
        if (r.code !== 0)
            throw new Error(`writeFile ${containerPath}: ${r.stderr.trim()}`);
    }

    /** Reads a file from the container (utf-8 string, or a Buffer with {binary: true}). */
    async readFile(containerPath, { binary = false } = {}) {
        const r = await this.exec(['cat', containerPath], { binary });
        if (r.code !== 0)
            throw new Error(`readFile ${containerPath}: ${r.stderr.trim()}`);
        return r.stdout;
    }

    /** Copies a container file to the host. */
    async copyOut(containerPath, hostPath) {
        await fs.writeFile(hostPath, await this.readFile(containerPath, { binary: true }));
    }
}

/** Quotes a string for /bin/sh. */
export function shellQuote(s) {
    s = String(s);
    if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s))
        return s;
    return `'${s.replace(/'/g, `'\\''`)}'`;
}
