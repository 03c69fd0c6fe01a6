// The @girs typings of Adw and Gtk in this tree come from different releases, and
// TypeScript then refuses some Adw widgets where a Gtk.Widget is expected (their
// vfunc signatures differ). At runtime every Adw widget is a Gtk.Widget.

import type Gtk from 'gi://Gtk';

export function asWidget(widget: object): Gtk.Widget {
    return widget as Gtk.Widget;
}
