// The facts about this machine the panel shows next to the values: RAM, CPUs,
// delegated cgroup controllers, and whether sandboxing can work. The preferences
// process may read files; these are a handful of tiny /proc and /sys files.

import GLib from 'gi://GLib';

import {parseMemTotal} from '../core/describe.js';
import {parseControllers, userManagerControllersPath, type MachineSupport} from '../core/machine.js';

export interface MachineInfo {
    /** Bytes of RAM, or null when /proc/meminfo cannot be read. */
    readonly memTotal: number | null;
    readonly cpus: number;
    readonly support: MachineSupport;
}

function readText(path: string): string | null {
    try {
        const [, contents] = GLib.file_get_contents(path);
        return new TextDecoder().decode(contents);
    } catch {
        return null;
    }
}

export function readMachineInfo(): MachineInfo {
    const meminfo = readText('/proc/meminfo');
    const controllers = readText(userManagerControllersPath(getUid()));
    return {
        memTotal: meminfo === null ? null : parseMemTotal(meminfo),
        cpus: GLib.get_num_processors(),
        support: {
            controllers: controllers === null ? null : parseControllers(controllers),
            unprivilegedUsernsClone: readText('/proc/sys/kernel/unprivileged_userns_clone'),
            maxUserNamespaces: readText('/proc/sys/user/max_user_namespaces'),
        },
    };
}

/** The real uid, from /proc/self/status (gjs has no getuid()). */
function getUid(): number {
    const status = readText('/proc/self/status');
    const match = status === null ? null : /^Uid:\s+(\d+)/m.exec(status);
    return match ? Number(match[1]) : -1;
}
