// The text of `confine --help` and of `confine COMMAND --help`.

import {EXIT_STATUS_HELP} from './exitStatus.js';
import type {Subcommand} from './invocation.js';

const EXIT_STATUSES = [
    'Exit status:',
    ...EXIT_STATUS_HELP.map(([status, meaning]) => `  ${String(status).padStart(3)}  ${meaning}`),
    '  run and shell otherwise exit with the command\'s own status (128+N when a',
    '  scope\'s command is killed by signal N; systemd-run reports 255 for a',
    '  service\'s). Errors are one line on stderr.',
].join('\n');

const OVERVIEW = `Usage: confine COMMAND [OPTIONS]

Runs commands and shells inside the systemd units of your Confine profiles: the
same profiles, unit names and systemd-run command lines as the Confine GNOME
Shell extension, read from GSettings (org.gnome.shell.extensions.confine).

Commands:
  run [--profile P | --app DESKTOP_ID] [--dry-run] -- COMMAND [ARGS...]
                      run a command in a unit of its own
  shell [--profile P] [--dry-run]
                      your login shell, interactive, in a unit of its own
  profiles [--ids]    list the profiles
  show DESKTOP_ID     the profile an app gets, why, and its command line
  assign DESKTOP_ID PROFILE
                      give an app a profile ('' runs it unconfined)
  unassign DESKTOP_ID let the app follow the default profile again
  ps                  the running units started by Confine, with their limits
  check PROFILE       what of the profile takes effect on this machine
  help [COMMAND]      this text, or a command's

Run "confine COMMAND --help" for a command's options.

${EXIT_STATUSES}
`;

const TOPICS: Record<Subcommand, string> = {
    run: `Usage: confine run [--profile P | --app DESKTOP_ID] [--dry-run] [--] COMMAND [ARGS...]

Runs COMMAND in a new unit made from a profile, in the current directory and with
your environment, and exits with its exit status. Profiles with only resource
limits give a scope (the command stays in this process tree and terminal);
profiles with sandbox options give a transient service, which gets your
environment variables passed along and, when stdin, stdout and stderr are all a
terminal, a terminal of its own (otherwise plain pipes).

Options:
  -p, --profile P     use profile P
  -a, --app ID        use the profile the app with desktop id ID gets
                      (its assignment, or the default profile)
  -n, --dry-run       print the command line instead of running it
  -h, --help          this text

Without --profile or --app the default profile is used (the default-profile
setting); without one, confine run refuses (status 122).

Example:
  confine run --profile strict -- make -j4

${EXIT_STATUSES}
`,
    shell: `Usage: confine shell [--profile P] [--dry-run]

Starts your login shell ($SHELL, or your passwd entry) interactively on this
terminal, in a unit of its own: put "confine shell" as a terminal's custom
command and every tab is its own unit. Exits with the shell's exit status.

Options:
  -p, --profile P     use profile P instead of the default profile
  -n, --dry-run       print the command line instead of running it
  -h, --help          this text

${EXIT_STATUSES}
`,
    profiles: `Usage: confine profiles [--ids]

Lists the profiles with their properties, whether each runs as a scope or a
service, the default profile and the apps assigned to each.

Options:
  --ids               only the profile ids, one per line
  -h, --help          this text
`,
    show: `Usage: confine show DESKTOP_ID

Shows the profile the app with this desktop id (such as firefox-esr.desktop, or
firefox-esr) gets when launched from GNOME Shell, why, and the systemd-run
command line the extension puts in front of the app's command.
Exits with 120 or 121 when that profile is missing or invalid.

Options:
  -h, --help          this text
`,
    assign: `Usage: confine assign DESKTOP_ID PROFILE

Gives the app the profile PROFILE, which must exist and be valid. An empty
PROFILE ('') makes the app always launch unconfined. ".desktop" is added to
DESKTOP_ID when missing.

Options:
  -h, --help          this text
`,
    unassign: `Usage: confine unassign DESKTOP_ID

Removes the app's assignment, so it follows the default profile again.

Options:
  -h, --help          this text
`,
    ps: `Usage: confine ps

Lists the running units started by Confine (the extension, confine run and
confine shell): unit name, description, processes, and the limits systemd
applies to each (MemoryMax, CPUQuota, TasksMax, ... and the sandbox options of
services). Services that confine run or confine shell waits on are oneshot
units: they show as activating/start while they run.

Options:
  -h, --help          this text
`,
    check: `Usage: confine check PROFILE

Starts a short probe in a unit made exactly as a launch from GNOME Shell makes it
for PROFILE, and shows for each property the profile asks for whether it took
effect here: memory, CPU and task limits in the unit's cgroup files (or
"recorded but not enforced here" and why), NoNewPrivs, a private /tmp, no
network, home hidden or read-only, system directories read-only; and whether a
desktop app would still reach the Wayland display and the session bus.
Exits with 125 when something the profile asks for is not in effect.

Options:
  -h, --help          this text
`,
};

export function helpText(topic: Subcommand | null): string {
    return topic === null ? OVERVIEW : TOPICS[topic];
}
