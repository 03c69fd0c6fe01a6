import { fitsInScope } from "./validation.js";
import { unitName } from "./unitName.js";
const DESKTOP_ENVIRONMENT = [
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "XAUTHORITY",
  "XDG_SESSION_TYPE",
  "XDG_CURRENT_DESKTOP",
  "XDG_ACTIVATION_TOKEN",
  "DESKTOP_STARTUP_ID",
  "GIO_LAUNCHED_DESKTOP_FILE",
  "DBUS_SESSION_BUS_ADDRESS",
  "LANG",
  "LANGUAGE",
  "LC_ALL"
];
const MAX_DESCRIPTION = 200;
function sanitizeLabel(text) {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return clean.length > MAX_DESCRIPTION ? `${clean.slice(0, MAX_DESCRIPTION - 1)}\u2026` : clean;
}
const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function buildLaunchPlan(request) {
  const { profile } = request;
  const unitType = fitsInScope(profile) ? "scope" : "service";
  const name = unitName(unitType, request.desktopId, request.suffix);
  const description = sanitizeLabel(`${request.appName || request.desktopId} (Confine profile ${profile.name})`);
  const argv = [request.systemdRun ?? "systemd-run", "--user"];
  if (unitType === "scope") {
    argv.push("--scope");
  } else {
    argv.push("--same-dir");
    switch (request.serviceAttachment ?? "detached") {
      case "detached":
        break;
      case "pipe":
        argv.push("--wait", "--pipe");
        break;
      case "pty":
        argv.push("--wait", "--pty");
        break;
    }
    for (const variable of request.passEnvironment ?? []) {
      if (!ENVIRONMENT_NAME.test(variable))
        throw new Error(`not an environment variable name: ${JSON.stringify(variable)}`);
      argv.push(`--setenv=${variable}`);
    }
  }
  argv.push(`--unit=${name}`, `--description=${description}`, "--collect", "--quiet");
  for (const [property, value] of profile.properties)
    argv.push(`--property=${property}=${value}`);
  argv.push("--");
  return { unitType, unitName: name, description, argv };
}
export {
  DESKTOP_ENVIRONMENT,
  buildLaunchPlan
};
