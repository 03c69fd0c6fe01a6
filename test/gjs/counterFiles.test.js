// The running-apps menu's kept counter files under real GLib and Gio: each reading is
// the file's text at the time it carries, however long the main loop is busy after the
// read was asked for (the cause of a CPU figure of 96 % for an app held at 50 %).

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';

import {CounterFile, readCounterFiles} from '../../dist/extension/shell/counterFiles.js';
import {assertDeepEqual, assertEqual, assertTrue, run, test} from './harness.js';

/** A scratch file with `text`, and a way to write it in place (the kept descriptor must see it, as a cgroup's file). */
function scratchFile(text) {
    const [file, stream] = Gio.File.new_tmp('confine-counter-XXXXXX');
    stream.close(null);
    const write = value => {
        const io = file.open_readwrite(null);
        io.seek(0, GLib.SeekType.SET, null);
        io.truncate(0, null);
        io.get_output_stream().write_all(new TextEncoder().encode(value), null);
        io.close(null);
    };
    write(text);
    return {path: file.get_path(), write, remove: () => file.delete(null)};
}

function openDescriptors() {
    return [...Gio.File.new_for_path('/proc/self/fd').enumerate_children('standard::name', 0, null)].length;
}

/** Blocks the main loop (this thread) for `ms`, as a long frame of the shell does. */
function busy(ms) {
    const end = GLib.get_monotonic_time() + ms * 1000;
    while (GLib.get_monotonic_time() < end)
        ;
}

test('each reading reads the file again from its start', async () => {
    const scratch = scratchFile('usage_usec 100\nuser_usec 60\n');
    const file = await CounterFile.open(scratch.path, null);
    assertTrue(file !== null, 'the file opens');
    const texts = [(await readCounterFiles([file], null)).texts[0]];
    scratch.write('usage_usec 2500\n');
    texts.push((await readCounterFiles([file], null)).texts[0]);
    texts.push((await readCounterFiles([file], null)).texts[0]);
    assertDeepEqual(texts, ['usage_usec 100\nuser_usec 60\n', 'usage_usec 2500\n', 'usage_usec 2500\n']);
    file.close();
    scratch.remove();
});

test('a reading carries the time it was read, not the time a busy main loop heard of it', async () => {
    const scratch = scratchFile('usage_usec 100\n');
    const file = await CounterFile.open(scratch.path, null);
    const asked = GLib.get_monotonic_time();
    const reading = readCounterFiles([file], null);
    // The worker reads while this thread is busy; what is written after that must not be seen.
    busy(1000);
    scratch.write('usage_usec 900\n');
    const {texts, timeUs} = await reading;
    const heard = GLib.get_monotonic_time();
    print(`# asked at 0 ms, stamped at ${((timeUs - asked) / 1000).toFixed(1)} ms, heard at ${((heard - asked) / 1000).toFixed(0)} ms`);
    assertEqual(texts[0], 'usage_usec 100\n', 'the text when it was asked for');
    assertTrue(timeUs - asked < 50_000, `stamped ${timeUs - asked} µs after it was asked for`);
    assertTrue(heard - asked >= 1_000_000, 'the main loop heard of it after the busy second');
    file.close();
    scratch.remove();
});

test('a missing file does not open; a removed one reads as nothing once closed', async () => {
    assertEqual(await CounterFile.open('/nonexistent/confine/memory.current', null), null, 'no such file');
    const scratch = scratchFile('4096\n');
    const file = await CounterFile.open(scratch.path, null);
    file.close();
    assertDeepEqual((await readCounterFiles([file], null)).texts, [null], 'a closed file');
    scratch.remove();
});

test('closing during a read closes the descriptor once the read is over', async () => {
    const scratch = scratchFile('12\n');
    const before = openDescriptors();
    const file = await CounterFile.open(scratch.path, null);
    assertEqual(openDescriptors(), before + 1, 'one descriptor while open');
    const reading = readCounterFiles([file], null);
    file.close();
    assertDeepEqual((await reading).texts, ['12\n'], 'the read under way still ends');
    // The close is asynchronous too: give it a few turns of the main loop.
    for (let turn = 0; turn < 50 && openDescriptors() !== before; turn++)
        await new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => resolve() ?? GLib.SOURCE_REMOVE));
    assertEqual(openDescriptors(), before, 'descriptors after the close');
    scratch.remove();
});

test('a cancelled reading rejects with CANCELLED', async () => {
    const scratch = scratchFile('1\n');
    const file = await CounterFile.open(scratch.path, null);
    const cancellable = new Gio.Cancellable();
    cancellable.cancel();
    let error = null;
    try {
        await readCounterFiles([file], cancellable);
    } catch (caught) {
        error = caught;
    }
    assertTrue(error?.matches?.(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `CANCELLED, got ${error}`);
    file.close();
    scratch.remove();
});

run('counterFiles');
