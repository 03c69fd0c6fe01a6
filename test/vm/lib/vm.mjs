// The real-kernel VM seen from the host: the same interface as the nspawn
// Container (rootSh, sh, readFile, writeFile, copyIn, copyOut), with commands
// carried by the guest's agent (agent.py) over a virtio-serial port that qemu
// exposes as a unix socket on the host.
import net from 'node:net';

import { Container } from '../../e2e/lib/container.mjs';
import { sleep } from '../../e2e/lib/util.mjs';

const DEFAULT_TIMEOUT_MS = 60_000;

export class VmGuest extends Container {
    /** @param {string} socketPath qemu's chardev socket of the agent's port */
    constructor(socketPath) {
        super(0);
        this.socketPath = socketPath;
        this.root = null;
        this.nextId = 1;
        this.pending = new Map();
        this.socket = null;
        this.buffer = '';
    }

    #connect() {
        if (this.socket)
            return this.socket;
        const socket = net.connect(this.socketPath);
        socket.setEncoding('utf8');
        socket.on('data', chunk => {
            this.buffer += chunk;
            let nl;
            while ((nl = this.buffer.indexOf('\n')) >= 0) {
                const line = this.buffer.slice(0, nl);
                this.buffer = this.buffer.slice(nl + 1);
                let reply;
                try {
                    reply = JSON.parse(line);
                } catch {
                    continue;
                }
                const waiter = this.pending.get(reply.id);
                if (waiter) {
                    this.pending.delete(reply.id);
                    waiter.resolve(reply);
                }
            }
        });
        const fail = error => {
            for (const waiter of this.pending.values())
                waiter.reject(new Error(`VM agent connection: ${error?.message ?? 'closed'}`));
            this.pending.clear();
            this.socket = null;
        };
        socket.on('error', fail);
        socket.on('close', () => fail(null));
        this.socket = socket;
        return socket;
    }

    /** Runs argv as root in the VM; resolves {stdout, stderr, code} like run(). */
    exec(argv, { input, timeoutMs = DEFAULT_TIMEOUT_MS, binary = false } = {}) {
        const id = this.nextId++;
        const request = {
            id, argv, timeoutMs,
            input: input === undefined ? '' : Buffer.from(input).toString('base64'),
        };
        return new Promise((resolve, reject) => {
            // The agent kills the command at timeoutMs; this is for a VM that is gone.
            const timer = setTimeout(() => {
                this.pending.delete(id);
                resolve({ stdout: binary ? Buffer.alloc(0) : '', stderr: `[vm] no reply from the agent after ${timeoutMs + 15_000} ms: ${argv.join(' ').slice(0, 200)}`, code: 124 });
            }, timeoutMs + 15_000);
            this.pending.set(id, {
                resolve: reply => {
                    clearTimeout(timer);
                    const stdout = Buffer.from(reply.stdout ?? '', 'base64');
                    resolve({
                        stdout: binary ? stdout : stdout.toString(),
                        stderr: Buffer.from(reply.stderr ?? '', 'base64').toString(),
                        code: reply.code,
                    });
                },
                reject: e => {
                    clearTimeout(timer);
                    reject(e);
                },
            });
            try {
                this.#connect().write(`${JSON.stringify(request)}\n`);
            } catch (e) {
                this.pending.delete(id);
                clearTimeout(timer);
                reject(e);
            }
        });
    }

    /**
     * Waits until the agent answers and the VM's systemd is up with the test
     * user's manager running (what run.sh's boot_container does for nspawn).
     */
    async waitReady(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        let last = 'no answer from the agent';
        while (Date.now() < deadline) {
            try {
                const r = await Promise.race([
                    this.exec(['/bin/sh', '-c', 'systemctl is-system-running; systemctl is-active user@1000.service'], { timeoutMs: 10_000 }),
                    sleep(5000).then(() => ({ code: -1, stdout: 'agent did not answer within 5 s' })),
                ]);
                last = r.stdout.trim().replace(/\n/g, ', ');
                const [system, user] = r.stdout.trim().split('\n');
                if (['running', 'degraded'].includes(system) && user === 'active')
                    return system;
            } catch (e) {
                // qemu's socket is not there yet, or the connection dropped: try again.
                last = e.message;
                this.socket?.destroy();
                this.socket = null;
            }
            await sleep(500);
        }
        throw new Error(`the VM did not come up in ${timeoutMs / 1000} s (last: ${last})`);
    }

    close() {
        this.socket?.end();
        this.socket = null;
    }
}
