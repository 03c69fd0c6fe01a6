import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/**
 * Polls fn() until it returns a truthy value (returned), or throws after
 * timeoutMs with `what` and the last value/error seen. Errors thrown by fn
 * count as "not yet".
 */
export async function waitFor(fn, timeoutMs = 10_000, what = 'condition', intervalMs = 200) {
    const deadline = Date.now() + timeoutMs;
    let last;
    let lastError;
    for (;;) {
        try {
            last = await fn();
            lastError = undefined;
            if (last)
                return last;
        } catch (e) {
            lastError = e;
        }
        if (Date.now() > deadline) {
            const detail = lastError ? `last error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${detail})`);
        }
        await sleep(intervalMs);
    }
}

/** Each thread of a gdb "thread apply all bt" as one line: its name and its innermost named functions. */
export function summarizeBacktraces(text) {
    const lines = [];
    let current = null;
    for (const line of text.split('\n')) {
        const thread = line.match(/^Thread \d+ \(.*?"([^"]*)"\)/) ?? line.match(/^Thread (\d+) /);
        if (thread) {
            current = { name: thread[1], frames: [] };
            lines.push(current);
            continue;
        }
        // Named frames only: a guest without debug symbols gives many bare addresses.
        const frame = line.match(/^#\d+\s+(?:0x[0-9a-f]+ in )?([A-Za-z_][\w:~<>.]*)/);
        if (current && frame && current.frames.length < 8)
            current.frames.push(frame[1]);
    }
    if (!lines.length)
        return 'hung shell: no backtraces (see hung-shell.txt)';
    return ['hung shell, innermost frames first:',
        ...lines.map(t => `  ${t.name}: ${t.frames.join(' < ')}`)].join('\n');
}
