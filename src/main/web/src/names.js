// The contract's name rules, checked before anything is put into a URL or sent.
export const TENANT_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;
export const ROOM_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const USER_PATTERN = /^[a-z0-9._-]{1,32}$/;
export const MAX_TEXT = 4000;

export const isTenant = (value) => TENANT_PATTERN.test(value);
export const isRoom = (value) => ROOM_PATTERN.test(value);
/** A direct message or group DM: `@` and 26 characters of lowercase base32 (never a room name). */
export const CONVERSATION_PATTERN = /^@[a-z2-7]{26}$/;
export const isConversation = (value) => typeof value === "string" && CONVERSATION_PATTERN.test(value);
/** A room or a conversation: what the rooms list holds. */
export const isChat = (value) => isRoom(value) || isConversation(value);

/** The tenant named by the page's URL: `/t/acme`, or `?tenant=acme`; null when none or invalid. */
export function tenantFromLocation(location = window.location) {
  const path = /^\/t\/([^/]+)\/?$/.exec(location.pathname);
  const candidate = path ? decoded(path[1]) : new URLSearchParams(location.search).get("tenant");
  return candidate && isTenant(candidate) ? candidate : null;
}

/** A path segment decoded; null when it is not valid percent-encoding (`/t/%FF` left the page "Loading…"). */
function decoded(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The user a JWT names (`sub`, else `preferred_username`), for display only: the server checks the token. */
export function userFromToken(token) {
  try {
    const part = token.split(".")[1];
    const binary = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    const user = claims.sub ?? claims.preferred_username;
    return typeof user === "string" && user ? user : null;
  } catch {
    return null;
  }
}

