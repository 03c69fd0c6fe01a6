// Issue 6: `confine run`, the management commands and every error path, against the
// container's real systemd user manager and the extension's settings.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const title = 'the confine command line: run, profiles, show, assign, ps and its errors';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCHEMA = 'org.gnome.shell.extensions.confine';
const CONFINE = '/usr/local/bin/confine';
const EXIT = { USAGE: 118, SETTINGS: 119, UNKNOWN_PROFILE: 120, INVALID_PROFILE: 121, NO_PROFILE: 122,
    NO_SYSTEMD_RUN: 123, NO_USER_MANAGER: 124, COMMAND_NOT_FOUND: 127 };

/** Puts the built CLI where a user's PATH finds it, and the settings back to the schema defaults. */
async function setUp(ctx) {
    await ctx.copyIn(path.join(REPO, 'dist/cli/confine'), CONFINE, { owner: 'root', mode: 0o755 });
    for (const key of ['profiles', 'app-profiles', 'default-profile'])
        await ctx.gsettings('reset', SCHEMA, key);
}

/**
 * Runs a command line; fails on anything gjs or GLib says on stderr (a Gjs-Message too:
 * gjs's "Profiler started" when it took confine's --profile P for its own option).
 */
/** Shell text: how many `sleep SECONDS` run (systemd-run may run the command as /usr/bin/sleep). */
function sleepCount(seconds) {
    return `pgrep -f "^(/usr/bin/)?sleep ${seconds}$" | wc -l`;
}

/** Shell text that waits up to `tries` tenths of a second until `count` prints 1. */
function untilOne(count, tries = 100) {
    return `for i in $(seq ${tries}); do [ "$(${count})" = 1 ] && break; sleep 0.1; done; `;
}

async function sh(ctx, cmd, opts) {
    const r = await ctx.sh(cmd, { timeoutMs: 60_000, ...opts });
    ctx.assert.doesNotMatch(r.stderr, /Gjs-Message|Gjs-WARNING|Gjs-CRITICAL|GLib-CRITICAL|JS ERROR/, `messages from: ${cmd}\n${r.stderr}`);
    return r;
}

/** The unit of the last cgroup line printed by cat /proc/self/cgroup. */
function unitOf(cgroupText) {
    const line = cgroupText.trim().split('\n').find(l => l.startsWith('0::'));
    return line ? line.split('/').pop() : null;
}

/** Asserts a failure of confine itself: its status and exactly one "confine: ..." line on stderr. */
async function assertFailure(ctx, cmd, status, pattern, opts) {
    const r = await sh(ctx, cmd, opts);
    ctx.log(`$ ${cmd}\n        -> ${r.code}: ${r.stderr.trim()}`);
    ctx.assert.equal(r.code, status, `exit status of: ${cmd}\n${r.stderr}`);
    ctx.assert.equal(r.stdout, '', 'nothing on stdout');
    const lines = r.stderr.trimEnd().split('\n');
    ctx.assert.equal(lines.length, 1, `one line on stderr: ${r.stderr}`);
    ctx.assert.match(lines[0], /^confine: /);
    ctx.assert.match(lines[0], pattern);
}

/** 70% of the container's RAM as systemd computes it (rounded down to whole pages). */
async function seventyPercentOfRam(ctx) {
    const meminfo = await ctx.readFile('/proc/meminfo');
    const total = Number(/^MemTotal:\s+(\d+) kB$/m.exec(meminfo)[1]) * 1024;
    return total * 0.7;
}

export const tests = [
    {
        name: 'relaxed: the command runs in an app-confine scope with the profile\'s MemoryMax',
        fn: async ctx => {
            await setUp(ctx);
            // The command keeps the unit alive until the test has read its properties.
            await sh(ctx, `cd /tmp; ${CONFINE} run --profile relaxed -- sh -c 'cat /proc/self/cgroup; exec sleep 60' > /tmp/cli-relaxed.out 2>&1 &`);
            const unit = await ctx.waitFor(async () => unitOf(await ctx.readFile('/tmp/cli-relaxed.out')), 15_000, 'the cgroup line');
            ctx.log(`unit: ${unit}`);
            ctx.assert.match(unit, /^app-confine-sh-[a-z0-9]{12}\.scope$/);
            const shown = await ctx.systemctlShow(unit, ['MemoryMax', 'Description', 'ActiveState']);
            ctx.log(`MemoryMax=${shown.MemoryMax} Description=${shown.Description}`);
            ctx.assert.equal(shown.Description, 'sh (Confine profile Relaxed)');
            ctx.assert.equal(shown.ActiveState, 'active');
            const expected = await seventyPercentOfRam(ctx);
            const actual = Number(shown.MemoryMax);
            ctx.assert.ok(Number.isFinite(actual), `MemoryMax is a byte value: ${shown.MemoryMax}`);
            // systemd scales the physical memory it sees and rounds to pages.
            ctx.assert.ok(Math.abs(actual - expected) <= expected * 0.01, `MemoryMax ${actual} is 70% of RAM (${expected})`);
            await ctx.shOk(`systemctl --user stop '${unit}'`);
        },
    },
    {
        name: 'strict: NoNewPrivs is 1 and /tmp is private, in a transient service',
        fn: async ctx => {
            await setUp(ctx);
            const outside = await sh(ctx, 'grep NoNewPrivs /proc/self/status');
            ctx.assert.match(outside.stdout, /^NoNewPrivs:\s+0$/m, 'the test shell itself may gain privileges');

            const r = await sh(ctx, `${CONFINE} run --profile strict -- grep NoNewPrivs /proc/self/status`);
            ctx.log(`confine run --profile strict -- grep NoNewPrivs /proc/self/status -> ${r.code}: ${r.stdout.trim()}`);
            ctx.assert.equal(r.code, 0, r.stderr);
            ctx.assert.match(r.stdout, /^NoNewPrivs:\s+1$/m);

            await ctx.rootShOk('rm -f /tmp/confine-e2e-private');
            const inside = await sh(ctx, `${CONFINE} run --profile strict -- sh -c 'cat /proc/self/cgroup; echo secret > /tmp/confine-e2e-private && cat /tmp/confine-e2e-private'`);
            ctx.assert.equal(inside.code, 0, inside.stderr);
            ctx.assert.match(inside.stdout, /^secret$/m, 'the file was written inside');
            ctx.assert.match(unitOf(inside.stdout), /^app-confine-sh@[a-z0-9]{12}\.service$/);
            const visible = await sh(ctx, 'test -e /tmp/confine-e2e-private');
            ctx.assert.equal(visible.code, 1, 'the file written to /tmp inside is not visible outside');
            ctx.log(`PrivateTmp: written inside ${unitOf(inside.stdout)}, absent outside`);
        },
    },
    {
        name: 'exit statuses, the current directory and the environment pass through',
        fn: async ctx => {
            await setUp(ctx);
            for (const profile of ['relaxed', 'strict']) {
                const seven = await sh(ctx, `${CONFINE} run --profile ${profile} -- sh -c 'exit 7'`);
                ctx.assert.equal(seven.code, 7, `${profile}: exit 7 passes through`);
                const env = await sh(ctx, `cd /tmp && CONFINE_E2E_VALUE='a b' ${CONFINE} run --profile ${profile} -- sh -c 'pwd; echo "$CONFINE_E2E_VALUE"; echo "$PATH"'`);
                ctx.assert.equal(env.code, 0, env.stderr);
                ctx.assert.equal(env.stdout, '/tmp\na b\n/usr/local/bin:/usr/bin:/bin\n', `${profile}: cwd, a variable and PATH`);
                ctx.log(`${profile}: exit 7 -> ${seven.code}; cwd and environment kept`);
            }
            const signalled = await sh(ctx, `${CONFINE} run --profile relaxed -- sh -c 'kill -TERM $$'`);
            ctx.assert.equal(signalled.code, 128 + 15, 'a scope\'s command killed by SIGTERM gives 143');
            const serviceSignalled = await sh(ctx, `${CONFINE} run --profile strict -- sh -c 'kill -TERM $$'`);
            ctx.log(`killed by SIGTERM: scope -> ${signalled.code}, service -> ${serviceSignalled.code}`);
            ctx.assert.equal(serviceSignalled.code, 255, 'systemd-run reports a service killed by a signal as 255');
            const verbatim = await sh(ctx, `${CONFINE} run --profile strict -- printf '[%s]' '$HOME' '$$' '\${X}' '%n' 'a b' ''`);
            ctx.assert.equal(verbatim.stdout, '[$HOME][$$][${X}][%n][a b][]', 'a service gets the words verbatim');
            const stdin = await sh(ctx, `echo piped | ${CONFINE} run --profile strict -- cat`);
            ctx.assert.equal(stdin.stdout, 'piped\n', 'stdin reaches a service');
        },
    },
    {
        name: 'SIGTERM to confine ends the command, scope or service, and confine waits for it',
        fn: async ctx => {
            await setUp(ctx);
            for (const profile of ['relaxed', 'strict']) {
                // "true;" makes confine itself the background job, so $! is its PID.
                const count = sleepCount(121);
                const r = await sh(ctx, `true; ${CONFINE} run --profile ${profile} -- sleep 121 > /dev/null 2>&1 & pid=$!; ${untilOne(count)}` +
                    `echo "before: $(${count})"; kill -TERM $pid; wait $pid; echo "status=$?"; sleep 1; echo "left: $(${count})"`);
                ctx.log(`${profile}: ${r.stdout.trim().replace(/\n/g, ' | ')}`);
                ctx.assert.match(r.stdout, /^before: 1$/m, `${profile}: the command ran`);
                ctx.assert.match(r.stdout, /^left: 0$/m, `${profile}: no process of the command is left`);
                ctx.assert.match(r.stdout, new RegExp(`^status=${profile === 'relaxed' ? 143 : 255}$`, 'm'), `${profile}: status after SIGTERM`);
            }
        },
    },
    // Issue 12, item 7: a SIGINT sent to confine alone (no terminal, so no Ctrl-C reached the
    // command) used to be swallowed for a scope. env --default-signal undoes the SIGINT that a
    // non-interactive shell ignores in its background jobs.
    {
        name: 'SIGINT to confine alone ends a scope\'s command too',
        fn: async ctx => {
            await setUp(ctx);
            const count = sleepCount(122);
            const r = await sh(ctx, `true; env --default-signal=INT ${CONFINE} run --profile relaxed -- sleep 122 > /dev/null 2>&1 & ` +
                `pid=$!; ${untilOne(count)}echo "before: $(${count})"; kill -INT $pid; wait $pid; echo "status=$?"; sleep 1; echo "left: $(${count})"`);
            ctx.log(r.stdout.trim().replace(/\n/g, ' | '));
            ctx.assert.match(r.stdout, /^before: 1$/m, 'the command ran');
            ctx.assert.match(r.stdout, /^status=130$/m, 'confine exits 128+SIGINT');
            ctx.assert.match(r.stdout, /^left: 0$/m, 'the command is gone');
        },
    },
    // Ctrl-C reaches confine and systemd-run together; systemd-run then ends without
    // waiting for its service. When its end is seen before our own SIGINT is handled,
    // confine must still hand the signal on and wait (CI once saw "sleep 202" of 61's
    // Ctrl-C test still running after confine returned). Made certain here by sending
    // SIGINT to systemd-run alone.
    {
        name: 'a service\'s command is ended and waited for when systemd-run alone dies of SIGINT',
        fn: async ctx => {
            await setUp(ctx);
            const count = sleepCount(123);
            const r = await sh(ctx, `true; ${CONFINE} run --profile strict -- sleep 123 > /dev/null 2>&1 & ` +
                `pid=$!; ${untilOne(count, 50)}echo "before: $(${count})"; ` +
                'pkill -INT -P $pid -x systemd-run; wait $pid; echo "status=$?"; ' +
                `echo "left: $(${count})"`);
            ctx.log(r.stdout.trim().replace(/\n/g, ' | '));
            ctx.assert.match(r.stdout, /^before: 1$/m, 'the command ran');
            ctx.assert.match(r.stdout, /^status=130$/m, 'confine exits 128+SIGINT');
            ctx.assert.match(r.stdout, /^left: 0$/m, 'the command is gone when confine returns');
        },
    },
    {
        name: '--dry-run prints the exact command line and runs nothing',
        fn: async ctx => {
            await setUp(ctx);
            const scope = await sh(ctx, `${CONFINE} run --profile relaxed --dry-run -- echo 'it ran'`);
            ctx.assert.equal(scope.code, 0);
            ctx.assert.match(scope.stdout, /^systemd-run --user --scope --unit=app-confine-echo-[a-z0-9]{12}\.scope '--description=echo \(Confine profile Relaxed\)' --collect --quiet --property=MemoryMax=70% --expand-environment=no -- echo 'it ran'\n$/);
            const service = await sh(ctx, `CONFINE_E2E_VALUE=1 ${CONFINE} run -p strict -n -- true`);
            ctx.log(service.stdout.trim());
            ctx.assert.match(service.stdout, /^systemd-run --user --same-dir --wait --pipe .*--setenv=CONFINE_E2E_VALUE .*--unit=app-confine-true@[a-z0-9]{12}\.service .*--property=NoNewPrivileges=yes --property=PrivateTmp=yes --property=Type=oneshot --expand-environment=no -- true\n$/);
            // The printed line is the real one: pasted into a shell, it runs.
            const pasted = await sh(ctx, scope.stdout.trim());
            ctx.assert.equal(pasted.stdout, 'it ran\n');
        },
    },
    {
        name: 'without --profile: the default profile, or a refusal',
        fn: async ctx => {
            await setUp(ctx);
            await assertFailure(ctx, `${CONFINE} run -- true`, EXIT.NO_PROFILE, /no profile given and no default profile set; use --profile P \(known profiles: relaxed, strict\)$/);
            await ctx.gsettings('set', SCHEMA, 'default-profile', 'relaxed');
            const r = await sh(ctx, `${CONFINE} run -- cat /proc/self/cgroup`);
            ctx.assert.match(unitOf(r.stdout), /^app-confine-cat-[a-z0-9]{12}\.scope$/);
            await ctx.gsettings('set', SCHEMA, 'default-profile', 'gone');
            await assertFailure(ctx, `${CONFINE} run -- true`, EXIT.UNKNOWN_PROFILE, /there is no profile "gone", the default profile; known profiles: relaxed, strict$/);
            await ctx.gsettings('reset', SCHEMA, 'default-profile');
        },
    },
    {
        name: 'errors: unknown and invalid profiles, usage, a missing command',
        fn: async ctx => {
            await setUp(ctx);
            await assertFailure(ctx, `${CONFINE} run --profile nope -- true`, EXIT.UNKNOWN_PROFILE,
                /^confine: there is no profile "nope"; known profiles: relaxed, strict$/);
            await ctx.gsettings('set', SCHEMA, 'profiles',
                "{'relaxed': {'MemoryMax': <'70%'>}, 'broken': {'PrivateTmp': <'true'>, 'CPUQuota': <'lots'>}}");
            await assertFailure(ctx, `${CONFINE} run --profile broken -- true`, EXIT.INVALID_PROFILE,
                /^confine: profile "broken" is invalid: .*PrivateTmp must be a true\/false value, not text "true".*CPUQuota: "lots" is not a CPU percentage/);
            const listed = await sh(ctx, `${CONFINE} profiles`);
            ctx.assert.match(listed.stdout, /^broken \(INVALID\)$/m);
            await ctx.gsettings('reset', SCHEMA, 'profiles');
            await assertFailure(ctx, `${CONFINE} run --profile`, EXIT.USAGE, /--profile needs a value \(see confine run --help\)$/);
            await assertFailure(ctx, `${CONFINE} frobnicate`, EXIT.USAGE, /unknown command "frobnicate"/);
            await assertFailure(ctx, `${CONFINE} run -p relaxed -- no-such-command-here`, EXIT.COMMAND_NOT_FOUND,
                /^confine: no-such-command-here: command not found$/);
        },
    },
    {
        name: 'errors: systemd-run missing, user manager unreachable',
        fn: async ctx => {
            await setUp(ctx);
            // A PATH with gjs (for the launcher line) but no systemd-run.
            await ctx.shOk('mkdir -p /tmp/only-gjs && ln -sf /usr/bin/gjs /tmp/only-gjs/gjs');
            await assertFailure(ctx, `PATH=/tmp/only-gjs ${CONFINE} run -p relaxed -- /bin/true`, EXIT.NO_SYSTEMD_RUN,
                /^confine: systemd-run was not found in PATH; install systemd$/);
            await assertFailure(ctx, `DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/no-bus-here ${CONFINE} run -p relaxed -- true`,
                EXIT.NO_USER_MANAGER, /^confine: the systemd user manager cannot be reached: /);
            await assertFailure(ctx, `env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR ${CONFINE} run -p strict -- true`,
                EXIT.NO_USER_MANAGER, /^confine: the systemd user manager cannot be reached: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set$/);
            await assertFailure(ctx, `DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/no-bus-here ${CONFINE} ps`,
                EXIT.NO_USER_MANAGER, /^confine: the systemd user manager cannot be reached: /);
        },
    },
    {
        name: 'profiles, show, assign and unassign go through the extension\'s settings',
        fn: async ctx => {
            await setUp(ctx);
            const profiles = await sh(ctx, `${CONFINE} profiles`);
            ctx.assert.equal(profiles.stdout, [
                'relaxed "Relaxed" (scope)', '  MemoryMax=70%',
                'strict "Strict" (service)', '  MemoryMax=70% CPUQuota=100% NoNewPrivileges=yes PrivateTmp=yes',
                'No default profile: apps without an assignment launch unconfined.', ''].join('\n'));
            ctx.assert.equal((await sh(ctx, `${CONFINE} profiles --ids`)).stdout, 'relaxed\nstrict\n');

            const assigned = await sh(ctx, `${CONFINE} assign org.gnome.TextEditor strict`);
            ctx.assert.equal(assigned.code, 0, assigned.stderr);
            ctx.assert.equal(assigned.stdout, 'org.gnome.TextEditor.desktop now uses profile "strict".\n');
            ctx.assert.equal(await ctx.gsettings('get', SCHEMA, 'app-profiles'), "{'org.gnome.TextEditor.desktop': 'strict'}");

            const shown = await sh(ctx, `${CONFINE} show org.gnome.TextEditor.desktop`);
            ctx.log(shown.stdout.trim());
            ctx.assert.equal(shown.code, 0);
            ctx.assert.match(shown.stdout, /^org\.gnome\.TextEditor\.desktop uses its assigned profile "Strict"\.$/m);
            ctx.assert.match(shown.stdout, /^ {2}systemd-run --user --same-dir .*--unit=app-confine-org\.gnome\.TextEditor@[a-z0-9]{12}\.service .*--property=PrivateTmp=yes -- gnome-text-editor/m);

            const viaApp = await sh(ctx, `${CONFINE} run --app org.gnome.TextEditor.desktop -- cat /proc/self/cgroup`);
            ctx.assert.match(unitOf(viaApp.stdout), /^app-confine-org\.gnome\.TextEditor@[a-z0-9]{12}\.service$/);

            await assertFailure(ctx, `${CONFINE} assign org.gnome.Calculator.desktop nope`, EXIT.UNKNOWN_PROFILE,
                /there is no profile "nope"; known profiles: relaxed, strict$/);
            ctx.assert.equal(await ctx.gsettings('get', SCHEMA, 'app-profiles'), "{'org.gnome.TextEditor.desktop': 'strict'}",
                'a refused assignment changes nothing');

            await sh(ctx, `${CONFINE} assign org.gnome.Calculator.desktop ''`);
            const unconfined = await sh(ctx, `${CONFINE} show org.gnome.Calculator`);
            ctx.assert.match(unconfined.stdout, /is set to run without confinement/);
            await assertFailure(ctx, `${CONFINE} run --app org.gnome.Calculator.desktop -- true`, EXIT.NO_PROFILE,
                /set to run without confinement/);

            const removed = await sh(ctx, `${CONFINE} unassign org.gnome.TextEditor`);
            ctx.assert.equal(removed.stdout, 'org.gnome.TextEditor.desktop now follows the default profile.\n');
            await sh(ctx, `${CONFINE} unassign org.gnome.Calculator.desktop`);
            ctx.assert.equal(await ctx.gsettings('get', SCHEMA, 'app-profiles'), '@a{ss} {}');
        },
    },
    {
        name: 'assign refuses a setting locked by the administrator',
        fn: async ctx => {
            await setUp(ctx);
            const key = '/org/gnome/shell/extensions/confine/app-profiles';
            await ctx.rootShOk([
                'mkdir -p /etc/dconf/profile /etc/dconf/db/local.d/locks',
                'printf "user-db:user\\nsystem-db:local\\n" > /etc/dconf/profile/user',
                `printf "[org/gnome/shell/extensions/confine]\\napp-profiles={'org.gnome.Calculator.desktop': 'relaxed'}\\n" > /etc/dconf/db/local.d/00-confine`,
                `echo ${key} > /etc/dconf/db/local.d/locks/confine`,
                'dconf update',
            ].join(' && '));
            try {
                await assertFailure(ctx, `${CONFINE} assign org.gnome.TextEditor.desktop relaxed`, EXIT.SETTINGS,
                    /^confine: the app assignments \(app-profiles\) are locked by the system administrator and cannot be changed$/);
                ctx.assert.equal(await ctx.gsettings('get', SCHEMA, 'app-profiles'), "{'org.gnome.Calculator.desktop': 'relaxed'}");
            } finally {
                await ctx.rootShOk('rm -rf /etc/dconf/profile/user /etc/dconf/db/local.d /etc/dconf/db/local && dconf update');
            }
        },
    },
    {
        name: 'ps lists running Confine units with their limits',
        fn: async ctx => {
            await setUp(ctx);
            await sh(ctx, 'systemctl --user stop "app-confine-*"');
            const none = await sh(ctx, `${CONFINE} ps`);
            ctx.assert.equal(none.stdout, 'No units started by Confine are running.\n');
            await sh(ctx, `true; ${CONFINE} run -p strict -- sh -c 'cat /proc/self/cgroup; exec sleep 60' > /tmp/cli-ps-strict.out 2>&1 & ` +
                `${CONFINE} run -p relaxed -- sh -c 'cat /proc/self/cgroup; exec sleep 60' > /tmp/cli-ps-relaxed.out 2>&1 &`);
            const strict = await ctx.waitFor(async () => unitOf(await ctx.readFile('/tmp/cli-ps-strict.out')), 15_000, 'the strict unit');
            const relaxed = await ctx.waitFor(async () => unitOf(await ctx.readFile('/tmp/cli-ps-relaxed.out')), 15_000, 'the relaxed unit');
            const listed = (await sh(ctx, `${CONFINE} ps`)).stdout;
            ctx.log(listed.trim());
            const escaped = name => name.replace(/[.@]/g, '\\$&');
            ctx.assert.match(listed, new RegExp(`^${escaped(strict)} {2}sh \\(Confine profile Strict\\)\n {2}activating/start.*\n {2}MemoryMax=\\S+ CPUQuota=100% .*NoNewPrivileges=yes PrivateTmp=yes$`, 'm'));
            ctx.assert.match(listed, new RegExp(`^${escaped(relaxed)} {2}sh \\(Confine profile Relaxed\\)\n {2}active/running.*\n {2}MemoryMax=\\S+`, 'm'));
            const memoryMax = (await ctx.systemctlShow(relaxed, ['MemoryMax'])).MemoryMax;
            ctx.log(`systemctl --user show ${relaxed} -p MemoryMax: ${memoryMax}`);
            await ctx.shOk(`systemctl --user stop '${strict}' '${relaxed}'`);
        },
    },
    {
        name: 'bash completion offers commands, profiles and desktop ids',
        fn: async ctx => {
            await setUp(ctx);
            await ctx.copyIn(path.join(REPO, 'src/cli/confine.bash-completion'), `${ctx.home}/.local/share/bash-completion/completions/confine`);
            const complete = async words => {
                const r = await sh(ctx, `source ~/.local/share/bash-completion/completions/confine; COMP_WORDS=(${words}); ` +
                    'COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _confine; printf "%s\\n" "${COMPREPLY[@]}"');
                return r.stdout.trim().split('\n');
            };
            ctx.assert.deepEqual(await complete("confine ''"), ['run', 'shell', 'profiles', 'show', 'assign', 'unassign', 'ps', 'check', 'help', '--help']);
            ctx.assert.deepEqual(await complete("confine run --profile ''"), ['relaxed', 'strict']);
            ctx.assert.deepEqual(await complete("confine check ''"), ['relaxed', 'strict', '--help']);
            ctx.assert.ok((await complete('confine show org.gnome.Te')).includes('org.gnome.TextEditor.desktop'));
        },
    },
    {
        name: 'every command has --help, which lists the exit statuses',
        fn: async ctx => {
            await setUp(ctx);
            const top = await sh(ctx, `${CONFINE} --help`);
            ctx.assert.equal(top.code, 0);
            for (const status of Object.values(EXIT))
                ctx.assert.match(top.stdout, new RegExp(`^\\s+${status}\\s`, 'm'));
            for (const command of ['run', 'shell', 'profiles', 'show', 'assign', 'unassign', 'ps', 'check']) {
                const r = await sh(ctx, `${CONFINE} ${command} --help`);
                ctx.assert.equal(r.code, 0);
                ctx.assert.match(r.stdout, new RegExp(`^Usage: confine ${command}`));
            }
        },
    },
];
