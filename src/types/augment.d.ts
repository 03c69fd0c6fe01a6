// Members the published @girs typings lack for APIs Confine uses.

export {};

declare module '@girs/gobject-2.0/gobject-2.0' {
    namespace GObject {
        interface Object {
            // Added to every GObject by the shell's misc/signalTracker.js.
            connectObject(...args: unknown[]): void;
            disconnectObject(owner: object): void;
        }
    }
}
