// Small text helpers for translated strings.

/** Fills "%s" placeholders in order ("%%" is a literal percent sign). */
export function format(template: string, ...values: Array<string | number>): string {
    let next = 0;
    return template.replace(/%([%s])/g, (_match, code: string) => code === '%' ? '%' : String(values[next++]));
}

/** Markup-safe text for labels that use Pango markup (titles and subtitles of Adw rows do). */
export function escapeMarkup(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
