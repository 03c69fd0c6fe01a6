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
