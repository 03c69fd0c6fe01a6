import { NAME_KEY, PROPERTIES, findProperty } from "./properties.js";
const UINT64_MAX = (1n << 64n) - 1n;
const SIZE_FACTORS = {
  "": 1n,
  K: 1n << 10n,
  M: 1n << 20n,
  G: 1n << 30n,
  T: 1n << 40n
};
const MAX_CPU = 8191;
const MAX_CPU_QUOTA_PERCENT = 1e6;
const MAX_NAME_LENGTH = 64;
const PROFILE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
function describeValue(raw) {
  if (typeof raw === "string") {
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}\u2026` : raw;
    return JSON.stringify(shown);
  }
  if (typeof raw === "bigint")
    return `${raw}`;
  if (raw === null || raw === void 0)
    return "nothing";
  if (typeof raw === "object")
    return Array.isArray(raw) ? "a list" : "a dictionary";
  return String(raw);
}
function typeName(raw) {
  if (typeof raw === "string")
    return "text";
  if (typeof raw === "boolean")
    return "a true/false value";
  if (typeof raw === "number" || typeof raw === "bigint")
    return "a number";
  return describeValue(raw);
}
function parseDecimal(whole, fraction) {
  const digits = fraction ?? "";
  return {
    numerator: BigInt(whole + digits),
    denominator: 10n ** BigInt(digits.length)
  };
}
function stripZeros(whole) {
  return whole.replace(/^0+(?=\d)/, "");
}
function checkPercent(text, max) {
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?%$/.exec(text);
  if (!match)
    return null;
  const { numerator, denominator } = parseDecimal(match[1], match[2]);
  if (numerator === 0n || numerator > BigInt(max) * denominator)
    return null;
  return `${stripZeros(match[1])}${match[2] ? `.${match[2]}` : ""}%`;
}
function checkSize(spec, raw) {
  const what = 'a size (like 4G or 512M), a percentage of RAM (like 70%) or "infinity"';
  if (typeof raw !== "string")
    return { ok: false, message: `${spec.name} must be text holding ${what}, not ${typeName(raw)}.` };
  if (raw === "infinity")
    return { ok: true, value: raw };
  if (raw.endsWith("%")) {
    const percent = checkPercent(raw, 100);
    if (percent === null)
      return { ok: false, message: `${spec.name}: ${describeValue(raw)} is not a percentage of RAM between 0% and 100%.` };
    return { ok: true, value: percent };
  }
  const match = /^(\d{1,20})(?:\.(\d{1,3}))?([KMGTkmgt]?)$/.exec(raw);
  if (!match)
    return { ok: false, message: `${spec.name}: ${describeValue(raw)} is not ${what}.` };
  const unit = match[3].toUpperCase();
  const { numerator, denominator } = parseDecimal(match[1], match[2]);
  const bytes = numerator * SIZE_FACTORS[unit] / denominator;
  if (bytes >= UINT64_MAX)
    return { ok: false, message: `${spec.name}: ${describeValue(raw)} is larger than any machine's memory; use "infinity" for no limit.` };
  if (bytes === 0n && !spec.allowZero)
    return { ok: false, message: `${spec.name}: 0 would leave the app no memory to start; leave it unset for no limit.` };
  return { ok: true, value: `${stripZeros(match[1])}${match[2] ? `.${match[2]}` : ""}${unit}` };
}
function checkCpuQuota(spec, raw) {
  const text = typeof raw === "string" ? raw : null;
  const percent = text === null ? null : checkPercent(text, MAX_CPU_QUOTA_PERCENT);
  if (percent === null) {
    return {
      ok: false,
      message: `${spec.name}: ${describeValue(raw)} is not a CPU percentage above 0% (100% is one full CPU, 200% two).`
    };
  }
  return { ok: true, value: percent };
}
function asInteger(raw) {
  if (typeof raw === "number")
    return Number.isSafeInteger(raw) ? BigInt(raw) : null;
  if (typeof raw === "bigint")
    return raw;
  if (typeof raw === "string" && /^\d{1,20}$/.test(raw))
    return BigInt(raw);
  return null;
}
function checkWeight(spec, raw) {
  const value = asInteger(raw);
  if (value === null || value < 1n || value > 10000n)
    return { ok: false, message: `${spec.name}: ${describeValue(raw)} is not a whole number from 1 to 10000 (the default is 100).` };
  return { ok: true, value: `${value}` };
}
function checkTasks(spec, raw) {
  if (raw === "infinity")
    return { ok: true, value: raw };
  if (typeof raw === "string" && raw.endsWith("%")) {
    const percent = checkPercent(raw, 100);
    if (percent !== null)
      return { ok: true, value: percent };
  } else {
    const value = asInteger(raw);
    if (value !== null && value >= 1n && value < UINT64_MAX)
      return { ok: true, value: `${value}` };
  }
  return {
    ok: false,
    message: `${spec.name}: ${describeValue(raw)} is not a number of tasks of 1 or more, a percentage (like 10%) or "infinity".`
  };
}
function checkCpuSet(spec, raw) {
  const invalid = {
    ok: false,
    message: `${spec.name}: ${describeValue(raw)} is not a list of CPU numbers and ranges such as 0-3,6 (CPUs 0 to ${MAX_CPU}).`
  };
  if (typeof raw !== "string" || !/^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$/.test(raw))
    return invalid;
  const parts = [];
  for (const item of raw.split(",")) {
    const [first, last = first] = item.split("-").map(Number);
    if (first > last || last > MAX_CPU)
      return invalid;
    parts.push(first === last ? `${first}` : `${first}-${last}`);
  }
  return { ok: true, value: parts.join(",") };
}
function checkBoolean(spec, raw) {
  if (typeof raw !== "boolean")
    return { ok: false, message: `${spec.name} must be a true/false value, not ${typeName(raw)} ${describeValue(raw)}.` };
  return { ok: true, value: raw ? "yes" : "no" };
}
function checkEnum(spec, raw) {
  const values = spec.values ?? [];
  if (typeof raw === "boolean")
    return { ok: true, value: raw ? "yes" : "no" };
  if (typeof raw === "string" && values.includes(raw))
    return { ok: true, value: raw };
  return { ok: false, message: `${spec.name}: ${describeValue(raw)} is not one of ${values.join(", ")}.` };
}
const CHECKERS = {
  "size": checkSize,
  "cpu-quota": checkCpuQuota,
  "weight": checkWeight,
  "tasks": checkTasks,
  "cpu-set": checkCpuSet,
  "boolean": checkBoolean,
  "enum": checkEnum
};
function checkValue(property, raw) {
  const spec = findProperty(property);
  if (!spec)
    return { ok: false, message: `${describeValue(property)} is not a property Confine supports.` };
  return CHECKERS[spec.kind](spec, raw);
}
function checkName(id, raw) {
  if (raw === void 0)
    return { name: id };
  if (typeof raw !== "string")
    return { error: `The profile name must be text, not ${typeName(raw)}.` };
  const name = raw.trim();
  if (name === "")
    return { error: "The profile name is empty." };
  if (name.length > MAX_NAME_LENGTH)
    return { error: `The profile name is longer than ${MAX_NAME_LENGTH} characters.` };
  if (/[\u0000-\u001f\u007f]/.test(name))
    return { error: "The profile name contains control characters." };
  return { name };
}
function checkProfileId(id) {
  if (PROFILE_ID_PATTERN.test(id))
    return null;
  return `${describeValue(id)} is not a valid profile id: use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit.`;
}
function validateProfile(id, raw) {
  const errors = [];
  const idError = checkProfileId(id);
  if (idError)
    errors.push({ property: null, message: idError });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    errors.push({ property: null, message: `Profile ${describeValue(id)} must be a dictionary of properties, not ${typeName(raw)}.` });
    return { ok: false, errors };
  }
  const entries = raw;
  const named = checkName(id, entries[NAME_KEY]);
  if ("error" in named)
    errors.push({ property: NAME_KEY, message: named.error });
  const values = /* @__PURE__ */ new Map();
  for (const [key, value] of Object.entries(entries)) {
    if (key === NAME_KEY)
      continue;
    const check = checkValue(key, value);
    if (check.ok)
      values.set(key, check.value);
    else
      errors.push({ property: key, message: check.message });
  }
  if (errors.length > 0 || "error" in named)
    return { ok: false, errors };
  const ordered = /* @__PURE__ */ new Map();
  for (const spec of PROPERTIES) {
    const value = values.get(spec.name);
    if (value !== void 0)
      ordered.set(spec.name, value);
  }
  return { ok: true, profile: { id, name: named.name, properties: ordered } };
}
function fitsInScope(profile) {
  return [...profile.properties.keys()].every((name) => findProperty(name)?.scope ?? false);
}
function profileToDictionary(profile) {
  const dictionary = { [NAME_KEY]: profile.name };
  for (const [key, value] of profile.properties) {
    const spec = findProperty(key);
    dictionary[key] = spec?.kind === "boolean" ? value === "yes" : value;
  }
  return dictionary;
}
export {
  PROFILE_ID_PATTERN,
  checkProfileId,
  checkValue,
  describeValue,
  fitsInScope,
  profileToDictionary,
  validateProfile
};
