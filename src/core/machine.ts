// Whether this machine lets a property take effect: cgroup controllers delegated to
// the user manager, and unprivileged user namespaces for the sandbox options.
//
// The callers read the files (the preferences process may do file I/O); these
// functions only interpret their text, so they run in unit tests.

import {PROPERTIES, type CgroupController, type PropertySpec} from './properties.js';

/**
 * The file listing the controllers that units of the user manager can use:
 * cgroup.subtree_control of user@UID.service.
 */
export function userManagerControllersPath(uid: number): string {
    return `/sys/fs/cgroup/user.slice/user-${uid}.slice/user@${uid}.service/cgroup.subtree_control`;
}

/** Controller names from a cgroup.subtree_control (or cgroup.controllers) file. */
export function parseControllers(text: string): Set<string> {
    return new Set(text.split(/\s+/).filter(word => word !== ''));
}

/** What the panel knows about the machine; null where a file could not be read. */
export interface MachineSupport {
    /** Controllers delegated to the user manager; null when unknown. */
    readonly controllers: ReadonlySet<string> | null;
    /** Contents of /proc/sys/kernel/unprivileged_userns_clone (Debian's switch), if present. */
    readonly unprivilegedUsernsClone: string | null;
    /** Contents of /proc/sys/user/max_user_namespaces, if present. */
    readonly maxUserNamespaces: string | null;
}

/** False only when the machine says for sure that unprivileged user namespaces are off. */
export function userNamespacesAvailable(support: MachineSupport): boolean {
    if (support.unprivilegedUsernsClone !== null && support.unprivilegedUsernsClone.trim() === '0')
        return false;
    if (support.maxUserNamespaces !== null && support.maxUserNamespaces.trim() === '0')
        return false;
    return true;
}

/** Why a property would be recorded by systemd but do nothing here, or null when it acts. */
export type Ineffectiveness =
    | {readonly reason: 'controller'; readonly controller: CgroupController}
    | {readonly reason: 'user-namespaces'};

export function ineffectiveness(spec: PropertySpec, support: MachineSupport): Ineffectiveness | null {
    if (spec.group === 'sandbox')
        return userNamespacesAvailable(support) ? null : {reason: 'user-namespaces'};
    if (spec.controller !== null && support.controllers !== null && !support.controllers.has(spec.controller))
        return {reason: 'controller', controller: spec.controller};
    return null;
}

/** The properties that would have no effect on this machine, by name. */
export function ineffectiveProperties(support: MachineSupport): Map<string, Ineffectiveness> {
    const result = new Map<string, Ineffectiveness>();
    for (const spec of PROPERTIES) {
        const why = ineffectiveness(spec, support);
        if (why)
            result.set(spec.name, why);
    }
    return result;
}
