// Rendering a launch plan as a desktop-entry Exec prefix.
//
// GLib reads an Exec line in two steps: it expands field codes (%f, %U, %% …) and then
// splits the result like a shell (g_shell_parse_argv). So each argument is quoted as
// g_shell_quote does, and every literal % is doubled, or "CPUQuota=150%" would lose
// its % as an unknown field code.

/** Single-quotes a word the way g_shell_quote does. */
export function shellQuote(word: string): string {
    return `'${word.replace(/'/g, "'\\''")}'`;
}

/** Protects literal percent signs from field-code expansion. */
export function escapeFieldCodes(text: string): string {
    return text.replace(/%/g, '%%');
}

/** The argument vector as an Exec fragment that GLib parses back into exactly these words. */
export function toExecLine(argv: readonly string[]): string {
    return argv.map(word => escapeFieldCodes(shellQuote(word))).join(' ');
}

/** The app's Exec with the launch prefix in front; the original keeps its own field codes. */
export function prefixExec(prefix: readonly string[], exec: string): string {
    return `${toExecLine(prefix)} ${exec}`;
}
