// The counter files of an app unit's cgroup (memory.current, cpu.stat, pids.current),
// kept open while the running-apps menu shows the unit, and the time of each reading.
//
// A CPU figure divides the growth of a counter by the time between two readings, so a
// reading must carry the time the kernel answered, not the time the shell heard of it.
// Read asynchronously, a file is answered in one of GIO's worker threads and the shell
// hears of it when its main loop next runs, which can be seconds later: while the menu
// drew its first frame in the real-kernel VM, a reading was stamped about 3 s late and the
// menu showed 96 % for an app held at 50 % (CI, VM scenario 80). Opening, reading and
// closing the file each time did not help: every step is a trip through the main loop
// before the next one starts, so the read itself waited for a busy main loop too.
// A kept file needs one read per reading, which GIO hands to a worker as it is asked:
// the time taken just before asking is the time of the kernel's answer, give or take a
// thread's start, however busy the main loop is afterwards. (A synchronous read would
// give the time as well, but a cgroup's statistics are gathered from every CPU when read,
// which on a big machine can take a while; that belongs in a worker, not in the
// compositor's thread.)
//
// GLib and Gio only (no Shell, no Meta): test/gjs runs this module under real GLib.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

import {isCancelled} from '../settings/appUnits.js';

/** Counter files hold a line or a few (cpu.stat is under 300 bytes); one read of this many bytes gets all. */
const READ_BYTES = 4096;

export class CounterFile {
    readonly #stream: Gio.FileInputStream;
    #reading = false;
    #closed = false;

    private constructor(stream: Gio.FileInputStream) {
        this.#stream = stream;
    }

    /** The file at `path`, open; null when it cannot be opened (no such file: no such controller, or the unit ended). */
    static open(path: string, cancellable: Gio.Cancellable | null): Promise<CounterFile | null> {
        const file = Gio.File.new_for_path(path);
        return new Promise((resolve, reject) => {
            file.read_async(GLib.PRIORITY_DEFAULT, cancellable, (_source, result) => {
                try {
                    resolve(new CounterFile(file.read_finish(result)));
                } catch (error) {
                    if (isCancelled(error))
                        reject(error);
                    else
                        resolve(null);
                }
            });
        });
    }

    /**
     * The file's text now: from its start again, which makes the kernel write it anew.
     * Null when it cannot be read (a cgroup's files answer ENODEV once it is removed).
     * The read is handed to a worker before this returns (see the top of the file).
     */
    read(cancellable: Gio.Cancellable | null): Promise<string | null> {
        if (this.#closed || this.#reading)
            return Promise.resolve(null);
        try {
            // lseek(2) on an open file: no I/O.
            this.#stream.seek(0, GLib.SeekType.SET, null);
        } catch {
            return Promise.resolve(null);
        }
        this.#reading = true;
        return new Promise((resolve, reject) => {
            this.#stream.read_bytes_async(READ_BYTES, GLib.PRIORITY_DEFAULT, cancellable, (_source, result) => {
                this.#reading = false;
                try {
                    const bytes = this.#stream.read_bytes_finish(result).toArray();
                    resolve(new TextDecoder().decode(bytes));
                } catch (error) {
                    if (isCancelled(error))
                        reject(error);
                    else
                        resolve(null);
                } finally {
                    if (this.#closed)
                        this.#closeStream();
                }
            });
        });
    }

    /** Closes the file, once a read still under way is over. */
    close(): void {
        if (this.#closed)
            return;
        this.#closed = true;
        if (!this.#reading)
            this.#closeStream();
    }

    #closeStream(): void {
        this.#stream.close_async(GLib.PRIORITY_DEFAULT, null, (_source, result) => {
            try {
                this.#stream.close_finish(result);
            } catch (error) {
                console.warn(`Confine: cannot close a cgroup file: ${(error as GLib.Error).message}`);
            }
        });
    }
}

export interface CounterTexts {
    /** Each file's text, null where it could not be read. */
    readonly texts: (string | null)[];
    readonly timeUs: number;
}

/**
 * Reads `files` together. `timeUs` (monotonic) is taken just before the reads are handed
 * to GIO's workers: the time the kernel answered them, whenever the main loop hears.
 */
export async function readCounterFiles(files: readonly CounterFile[], cancellable: Gio.Cancellable | null): Promise<CounterTexts> {
    const timeUs = GLib.get_monotonic_time();
    const reads = files.map(file => file.read(cancellable));
    return {texts: await Promise.all(reads), timeUs};
}
