import { validateProfile } from "./validation.js";
const NO_CONFINEMENT = "";
function findAssignmentKey(desktopId, assignments) {
  for (const key of [desktopId, `${desktopId}.desktop`]) {
    if (Object.hasOwn(assignments, key))
      return key;
  }
  return null;
}
function resolveProfile(desktopId, settings) {
  const key = findAssignmentKey(desktopId, settings.assignments);
  let profileId;
  let source;
  if (key !== null) {
    profileId = settings.assignments[key];
    source = "assignment";
    if (profileId === NO_CONFINEMENT)
      return { kind: "unconfined", explanation: `${desktopId} is set to run without confinement.` };
  } else if (settings.defaultProfile !== NO_CONFINEMENT) {
    profileId = settings.defaultProfile;
    source = "default";
  } else {
    return { kind: "unconfined", explanation: `${desktopId} has no profile and there is no default profile.` };
  }
  const how = source === "assignment" ? "its assigned profile" : "the default profile";
  if (!Object.hasOwn(settings.profiles, profileId)) {
    return {
      kind: "invalid",
      source,
      profileId,
      errors: [{ property: null, message: `There is no profile called "${profileId}".` }],
      explanation: `${desktopId} uses ${how} "${profileId}", which does not exist.`
    };
  }
  const check = validateProfile(profileId, settings.profiles[profileId]);
  if (!check.ok) {
    return {
      kind: "invalid",
      source,
      profileId,
      errors: check.errors,
      explanation: `${desktopId} uses ${how} "${profileId}", which is invalid.`
    };
  }
  return {
    kind: "confined",
    source,
    profile: check.profile,
    explanation: `${desktopId} uses ${how} "${check.profile.name}".`
  };
}
export {
  NO_CONFINEMENT,
  findAssignmentKey,
  resolveProfile
};
