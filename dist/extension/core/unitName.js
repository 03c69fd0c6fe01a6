const LAUNCHER = "confine";
const UNIT_NAME_MAX = 255;
const RANDOM_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const RANDOM_LENGTH = 12;
function escapeAppId(appId) {
  let escaped = "";
  for (const byte of new TextEncoder().encode(appId)) {
    const char = String.fromCharCode(byte);
    escaped += /[A-Za-z0-9:_.]/.test(char) ? char : `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return escaped;
}
function appIdOfDesktopId(desktopId) {
  return desktopId.endsWith(".desktop") ? desktopId.slice(0, -".desktop".length) : desktopId;
}
function truncateEscaped(escaped, length) {
  if (escaped.length <= length)
    return escaped;
  let cut = length;
  const lastEscape = escaped.lastIndexOf("\\", cut - 1);
  if (lastEscape >= 0 && lastEscape + 4 > cut)
    cut = lastEscape;
  return escaped.slice(0, cut);
}
function randomSuffix(random, count = RANDOM_LENGTH) {
  let suffix = "";
  for (let i = 0; i < count; i++)
    suffix += RANDOM_ALPHABET[Math.floor(random() * RANDOM_ALPHABET.length) % RANDOM_ALPHABET.length];
  return suffix;
}
function unitName(type, desktopId, suffix) {
  if (!/^[A-Za-z0-9]+$/.test(suffix))
    throw new Error(`unit suffix must be alphanumeric, got ${JSON.stringify(suffix)}`);
  const prefix = `app-${LAUNCHER}-`;
  const tail = type === "scope" ? `-${suffix}.scope` : `@${suffix}.service`;
  const room = UNIT_NAME_MAX - prefix.length - tail.length;
  const escaped = truncateEscaped(escapeAppId(appIdOfDesktopId(desktopId)), room);
  return `${prefix}${escaped === "" ? "_" : escaped}${tail}`;
}
function isConfineUnit(name) {
  return /^app-confine-.+(-[A-Za-z0-9]+\.scope|@[A-Za-z0-9]+\.service)$/.test(name);
}
export {
  LAUNCHER,
  RANDOM_LENGTH,
  UNIT_NAME_MAX,
  appIdOfDesktopId,
  escapeAppId,
  isConfineUnit,
  randomSuffix,
  unitName
};
