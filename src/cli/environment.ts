// Which of the caller's environment variables a transient service is handed.
//
// A scope's command is exec'd by systemd-run in the caller's process tree and inherits
// everything. A service starts from the user manager's environment, so `confine run`
// passes each variable by name (systemd-run --setenv=NAME copies the value from its own
// environment, and would set an empty value for a name it does not have).

import {ENVIRONMENT_NAME} from '../core/text.js';

/**
 * Variables systemd sets for each service itself. The unit's Environment= would win
 * over them, so passing the caller's copies would hand the service a wrong invocation
 * id, journal stream or notification socket.
 */
const SET_BY_SYSTEMD = new Set([
    'INVOCATION_ID', 'JOURNAL_STREAM', 'SYSTEMD_EXEC_PID', 'MANAGERPID', 'MAINPID',
    'NOTIFY_SOCKET', 'WATCHDOG_PID', 'WATCHDOG_USEC', 'LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES',
    'MEMORY_PRESSURE_WATCH', 'MEMORY_PRESSURE_WRITE', 'CREDENTIALS_DIRECTORY',
    'RUNTIME_DIRECTORY', 'STATE_DIRECTORY', 'CACHE_DIRECTORY', 'LOGS_DIRECTORY', 'CONFIGURATION_DIRECTORY',
    'SERVICE_RESULT', 'EXIT_CODE', 'EXIT_STATUS', 'MONITOR_SERVICE_RESULT', 'MONITOR_EXIT_CODE',
    'MONITOR_EXIT_STATUS', 'MONITOR_INVOCATION_ID', 'MONITOR_UNIT', 'TRIGGER_UNIT', 'TRIGGER_PATH',
    'TRIGGER_TIMER_REALTIME_USEC', 'TRIGGER_TIMER_MONOTONIC_USEC',
]);

/** The names, sorted, that a service started by `confine run`/`confine shell` is given. */
export function serviceEnvironment(names: readonly string[]): string[] {
    return [...new Set(names)]
        // Other names (such as exported bash functions) cannot be passed.
        .filter(name => ENVIRONMENT_NAME.test(name) && !SET_BY_SYSTEMD.has(name))
        .sort();
}
