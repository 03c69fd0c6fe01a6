// Translation of the core's messages. The core imports no gettext: the shell and the
// preferences pass theirs in; the command line and the unit tests keep the English.

/** A gettext function: a message in, its translation (or the message itself) out. */
export type Translate = (message: string) => string;

export const untranslated: Translate = message => message;

/**
 * Fills the {name} placeholders of a translated message. Named, not positional, so
 * that a translation may put them in another order.
 */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
    return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
        Object.hasOwn(values, name) ? String(values[name]) : placeholder);
}
