// GLib's Unix signal sources, which moved: GLib.unix_signal_add (GLib < 2.80, and
// deprecated with a warning since), GLibUnix.signal_add_full (2.80–2.84),
// GLibUnix.signal_add (2.86+). The command line runs on whichever gjs the user has.

import GLib from 'gi://GLib';

type SignalAdd = (priority: number, signal: number, handler: () => boolean) => number;

interface GLibUnixModule {
    readonly signal_add?: SignalAdd;
    readonly signal_add_full?: SignalAdd;
}

// A specifier in a variable: the typings of GLib < 2.80 have no GLibUnix module.
const GLIB_UNIX = 'gi://GLibUnix';
const glibUnix: GLibUnixModule | null = await import(GLIB_UNIX)
    .then((module: {default: GLibUnixModule}) => module.default)
    .catch(() => null);

/** Only read when needed: newer gjs warns on every access to the old name. */
function legacySignalAdd(): SignalAdd {
    const legacy = (GLib as unknown as {unix_signal_add?: SignalAdd}).unix_signal_add;
    if (!legacy)
        throw new Error('this GLib has no Unix signal sources');
    return legacy;
}

/** Calls `handler` in the main loop whenever `signal` arrives, instead of the default action. */
export const addSignalHandler: SignalAdd = glibUnix?.signal_add ?? glibUnix?.signal_add_full ?? legacySignalAdd();
