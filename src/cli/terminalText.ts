// Text from desktop files and settings, made safe to print on a terminal: anyone who
// can write a desktop file or a setting could otherwise put escape sequences on the
// user's terminal (retitle it, hide text, forge lines, on some terminals worse).

/** C0 and C1 controls, DEL, and the Unicode line separators and bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(char: string): string {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One value on one line: every control character, newlines included, shown as an escape. */
export function escapeControls(text: string): string {
    return text.replace(CONTROLS, escapeOne);
}

/** Whole output: controls shown as escapes, except the newlines and tabs that lay it out. */
export function printable(text: string): string {
    return text.replace(CONTROLS, char => char === '\n' || char === '\t' ? char : escapeOne(char));
}
