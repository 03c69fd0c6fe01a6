// The systemd properties a Confine profile may set, and the grammar of each.
//
// This catalogue is the single source of truth: validation, the launch plan, the
// preferences panel and the command line all read it. A property that is not listed
// here never reaches systemd-run.

export type PropertyGroup = 'memory' | 'cpu' | 'io' | 'processes' | 'sandbox';

/** The value grammar of a property; see `checkValue` in validation.ts. */
export type ValueKind =
    | 'size' // bytes with K/M/G/T suffix, N% of RAM, or "infinity"
    | 'cpu-quota' // percentage of one CPU, may exceed 100%
    | 'weight' // integer 1–10000
    | 'tasks' // task count, N% of the kernel's limit, or "infinity"
    | 'cpu-set' // CPU list such as 0-3,6
    | 'boolean'
    | 'enum';

/** cgroup controllers the user manager must be delegated for the property to act. */
export type CgroupController = 'memory' | 'cpu' | 'io' | 'pids' | 'cpuset';

export interface PropertySpec {
    readonly name: string;
    readonly kind: ValueKind;
    readonly group: PropertyGroup;
    /** True when `systemd-run --scope` accepts it; sandbox options need a transient service. */
    readonly scope: boolean;
    /** The systemd release that introduced the property. */
    readonly since: number;
    readonly controller: CgroupController | null;
    /** Allowed values of an enum property. */
    readonly values?: readonly string[];
    /** For sizes: whether 0 is a sensible limit (0 swap is; 0 memory is not). */
    readonly allowZero?: boolean;
    readonly label: string;
    readonly help: string;
}

export const PROPERTIES: readonly PropertySpec[] = [
    {
        name: 'MemoryMax', kind: 'size', group: 'memory', scope: true, since: 231, controller: 'memory',
        label: 'Memory limit',
        help: 'Hard limit: past it the kernel reclaims and, failing that, kills the app.',
    },
    {
        name: 'MemoryHigh', kind: 'size', group: 'memory', scope: true, since: 231, controller: 'memory',
        label: 'Memory throttle point',
        help: 'Soft limit: past it the app is slowed down and its memory reclaimed aggressively.',
    },
    {
        name: 'MemorySwapMax', kind: 'size', group: 'memory', scope: true, since: 232, controller: 'memory',
        allowZero: true,
        label: 'Swap limit',
        help: 'How much swap the app may use; 0 keeps it out of swap entirely.',
    },
    {
        name: 'CPUQuota', kind: 'cpu-quota', group: 'cpu', scope: true, since: 213, controller: 'cpu',
        label: 'CPU time',
        help: 'Share of one CPU the app may use; 200% is two full CPUs.',
    },
    {
        name: 'CPUWeight', kind: 'weight', group: 'cpu', scope: true, since: 234, controller: 'cpu',
        label: 'CPU weight',
        help: 'Priority against other apps when the CPU is busy (default 100).',
    },
    {
        name: 'AllowedCPUs', kind: 'cpu-set', group: 'cpu', scope: true, since: 244, controller: 'cpuset',
        label: 'Allowed CPUs',
        help: 'The CPUs the app may run on, such as 0-3,6.',
    },
    {
        name: 'IOWeight', kind: 'weight', group: 'io', scope: true, since: 230, controller: 'io',
        label: 'Disk weight',
        help: 'Priority for disk access against other apps (default 100).',
    },
    {
        name: 'TasksMax', kind: 'tasks', group: 'processes', scope: true, since: 227, controller: 'pids',
        label: 'Process limit',
        help: 'Most processes and threads the app may have at once.',
    },
    {
        name: 'NoNewPrivileges', kind: 'boolean', group: 'sandbox', scope: false, since: 187, controller: null,
        label: 'No new privileges',
        help: 'The app and its children can never gain privileges (setuid programs stop working).',
    },
    {
        name: 'PrivateTmp', kind: 'boolean', group: 'sandbox', scope: false, since: 183, controller: null,
        label: 'Private /tmp',
        help: 'The app gets its own empty /tmp and /var/tmp, invisible to other apps.',
    },
    {
        name: 'PrivateNetwork', kind: 'boolean', group: 'sandbox', scope: false, since: 183, controller: null,
        label: 'No network',
        help: 'The app sees only a loopback interface of its own.',
    },
    {
        name: 'ProtectHome', kind: 'enum', group: 'sandbox', scope: false, since: 214, controller: null,
        values: ['no', 'yes', 'read-only', 'tmpfs'],
        label: 'Protect home',
        help: 'Hide the home directories (yes), make them read-only, or replace them with an empty tmpfs.',
    },
    {
        name: 'ProtectSystem', kind: 'enum', group: 'sandbox', scope: false, since: 214, controller: null,
        values: ['no', 'yes', 'full', 'strict'],
        label: 'Protect system',
        help: 'Make /usr and /boot read-only (yes), also /etc (full), or the whole file system but a few API paths (strict).',
    },
];

const BY_NAME = new Map(PROPERTIES.map(spec => [spec.name, spec]));

/** The catalogue entry of a property, or undefined for a name Confine does not support. */
export function findProperty(name: string): PropertySpec | undefined {
    return BY_NAME.get(name);
}

/** The key of a profile dictionary that holds its label rather than a property. */
export const NAME_KEY = 'name';
