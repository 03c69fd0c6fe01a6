// Character rules that several parts of the core share.

/**
 * A C0 control character or DEL: a newline could forge a journal line or a line of
 * output, an escape sequence could rewrite a terminal.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

const CONTROL_RUNS = new RegExp(`${CONTROL_CHARACTER.source}+`, 'g');

/** `text` with every run of control characters turned into one space. */
export function withoutControls(text: string): string {
    return text.replace(CONTROL_RUNS, ' ');
}

/** An environment variable name that systemd-run and the shell accept (bash's rule). */
export const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
