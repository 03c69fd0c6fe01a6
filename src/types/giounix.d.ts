// GLib ≥ 2.80 moved GDesktopAppInfo into GioUnix; no published @girs package covers it.
// Only the members Confine uses are declared.

declare module 'gi://GioUnix' {
    type AppInfo = import('@girs/gio-2.0').default.AppInfo;
    type AppLaunchContext = import('@girs/gio-2.0').default.AppLaunchContext;

    namespace GioUnix {
        interface DesktopAppInfo extends AppInfo {
            get_filename(): string | null;
            get_boolean(key: string): boolean;
            get_string(key: string): string | null;
            has_key(key: string): boolean;
            list_actions(): string[];
            launch_uris_as_manager(uris: string[], launchContext: AppLaunchContext | null,
                spawnFlags: number, userSetup: null,
                pidCallback: ((info: DesktopAppInfo, pid: number) => void) | null): boolean;
        }
        const DesktopAppInfo: {
            new_from_filename(filename: string): DesktopAppInfo | null;
        };
    }
    export default GioUnix;
}
