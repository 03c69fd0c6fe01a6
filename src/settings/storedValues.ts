// What the settings database really holds under Confine's path, past GSettings'
// type checks (see core/storedValues.ts for why).
//
// GSettings offers no way to read a value of the wrong type: it drops it before the
// caller sees it, and the dconf client library has no introspection data. So this
// asks the `dconf` tool, which reads through the same client library and profile as
// GSettings does, for the whole directory in one go: `dconf dump` prints each value
// with its type (g_variant_print with annotations), which GLib.Variant.parse reads
// back with that exact type. With another backend chosen by GSETTINGS_BACKEND, or
// without the tool, nothing is known here, and GSettings' reading is all there is.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import type {StoredValue, StoredValues} from '../core/storedValues.js';

const NOTHING_KNOWN: StoredValues = new Map();

/** The values of the top group of `dconf dump` output, each with its stored type. */
export function parseDump(text: string): Map<string, StoredValue> {
    const values = new Map<string, StoredValue>();
    if (text.trim() === '')
        return values;
    const keyFile = new GLib.KeyFile();
    keyFile.load_from_bytes(new GLib.Bytes(new TextEncoder().encode(text)), GLib.KeyFileFlags.NONE);
    if (!keyFile.has_group('/'))
        return values;
    for (const key of keyFile.get_keys('/')[0]) {
        const printed = keyFile.get_value('/', key);
        try {
            const variant = GLib.Variant.parse(null, printed, null, null);
            const type = variant.get_type_string();
            values.set(key, {type, text: printed, string: type === 's' ? variant.get_string()[0] : undefined});
        } catch {
            values.set(key, {type: '?', text: printed});
        }
    }
    return values;
}

/** `dconf dump DIR`'s output, or null when there is no dconf tool to ask. */
function dump(dir: string, cancellable: Gio.Cancellable): Promise<string | null> {
    return new Promise((resolve, reject) => {
        let process: Gio.Subprocess;
        try {
            process = Gio.Subprocess.new(['dconf', 'dump', dir],
                Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE);
        } catch (error) {
            if ((error as GLib.Error).matches?.(GLib.SpawnError, GLib.SpawnError.NOENT))
                resolve(null);
            else
                reject(error);
            return;
        }
        process.communicate_utf8_async(null, cancellable, (_source, result) => {
            try {
                const [, stdout, stderr] = process.communicate_utf8_finish(result);
                if (!process.get_successful())
                    reject(new Error(`dconf dump ${dir} failed: ${stderr?.trim()}`));
                else
                    resolve(stdout ?? '');
            } catch (error) {
                reject(error);
            }
        });
    });
}

/**
 * The stored values of one Gio.Settings, read again after every change. `latest` is
 * the last reading while it is still current; `current()` waits for the newest one.
 */
export class StoredSettings {
    readonly #settings: Gio.Settings;
    readonly #cancellable = new Gio.Cancellable();
    readonly #onRead: (values: StoredValues) => void;
    readonly #usesDconf: boolean;
    readonly #changedId: number;
    #generation = 0;
    #reading: Promise<StoredValues> = Promise.resolve(NOTHING_KNOWN);
    #latest: StoredValues | null = null;
    #warned = false;

    /** `onRead` gets every reading that is still current when it completes. */
    constructor(settings: Gio.Settings, onRead: (values: StoredValues) => void) {
        this.#settings = settings;
        this.#onRead = onRead;
        // Not settings.backend: a JS wrapper of the dconf backend, which the dconf worker
        // thread refs and unrefs, deadlocked the shell (toggle references across threads).
        const backend = GLib.getenv('GSETTINGS_BACKEND');
        this.#usesDconf = backend === null || backend === 'dconf';
        this.#changedId = settings.connect('changed', () => this.#startReading());
        this.#startReading();
    }

    /** The last reading, or null while a newer one is under way. */
    get latest(): StoredValues | null {
        return this.#latest;
    }

    /** The values as stored now (nothing known when they cannot be read). */
    async current(): Promise<StoredValues> {
        let reading: Promise<StoredValues>;
        do {
            reading = this.#reading;
            await reading;
        } while (reading !== this.#reading);
        return reading;
    }

    destroy(): void {
        this.#settings.disconnect(this.#changedId);
        this.#cancellable.cancel();
    }

    #startReading(): void {
        const generation = ++this.#generation;
        this.#latest = null;
        // One dump at a time: a change made while one runs is read when it is done, and of
        // several such changes only the last one reads. A burst of writes (a script, a
        // preferences window dragging a value) costs the shell two dumps, not a process each.
        this.#reading = this.#reading.then(async previous => {
            if (generation !== this.#generation)
                return previous;
            const values = await this.#read();
            if (generation === this.#generation && !this.#cancellable.is_cancelled()) {
                this.#latest = values;
                this.#onRead(values);
            }
            return values;
        });
    }

    async #read(): Promise<StoredValues> {
        if (!this.#usesDconf)
            return NOTHING_KNOWN;
        try {
            const text = await dump(this.#settings.path, this.#cancellable);
            if (text !== null)
                return parseDump(text);
            this.#warnOnce('the dconf tool is not installed (Debian: dconf-cli)');
        } catch (error) {
            if (!this.#cancellable.is_cancelled())
                this.#warnOnce((error as {message?: string}).message ?? String(error));
        }
        return NOTHING_KNOWN;
    }

    #warnOnce(reason: string): void {
        if (!this.#warned)
            console.warn(`Confine: cannot check the stored settings for values of the wrong type: ${reason}`);
        this.#warned = true;
    }
}
