// The public REST calls: login and logout. Errors become ApiError with a message meant for people.
export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status alone tells
  }
  return { code: body?.error?.code ?? "error", message: body?.error?.message ?? "" };
}

/**
 * POST /api/tenants/{t}/sessions → {token, user, expiresAt}. With `remember`, the server also keeps the session in a
 * cookie this page cannot read, which a new tab or a restarted browser trades back with `resume`.
 */
export async function login(tenant, username, password, remember = false) {
  let response;
  try {
    response = await fetch(`/api/tenants/${encodeURIComponent(tenant)}/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password, remember }),
    });
  } catch {
    throw new ApiError(0, "network", "Cannot reach the server. Check your connection and try again.");
  }
  if (response.status === 201) return response.json();
  const { code, message } = await errorOf(response);
  switch (response.status) {
    case 401:
      throw new ApiError(401, code, "Wrong username or password.");
    case 404:
      throw new ApiError(404, code, `There is no workspace called “${tenant}”. Check its name.`);
    case 403:
      throw new ApiError(403, code, `The workspace “${tenant}” is suspended. Contact its administrator.`);
    case 429: {
      const seconds = Math.max(1, Number.parseInt(response.headers.get("Retry-After") ?? "60", 10) || 60);
      throw new ApiError(429, code, `Too many failed sign-in attempts. Try again in ${seconds} s.`, seconds);
    }
    case 400:
      if (/token/i.test(message)) {
        throw new ApiError(400, "token_tenant",
          `The workspace “${tenant}” signs in with its identity provider: paste your access token instead.`);
      }
      throw new ApiError(400, code, "Enter a valid username and password.");
    default:
      throw new ApiError(response.status, code, `Sign-in failed (HTTP ${response.status}). Try again later.`);
  }
}

/** POST /api/tenants/{t}/sessions/resume → {token, user, expiresAt}, or null when this browser keeps no session. */
export async function resume(tenant) {
  try {
    // 429: the address had too many tokens refused (someone guessing behind the same address); the cookie stays,
    // and a refusal comes back within a second or two
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(`/api/tenants/${encodeURIComponent(tenant)}/sessions/resume`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      });
      if (response.status !== 429) {
        return response.status === 200 ? await response.json() : null;
      }
      const seconds = Math.min(5, Math.max(1, Number(response.headers.get("Retry-After")) || 1));
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
    return null;
  } catch {
    return null;
  }
}

/** DELETE /api/tenants/{t}/sessions/current; best effort (the local session is dropped anyway). */
export async function logout(tenant, token) {
  try {
    await fetch(`/api/tenants/${encodeURIComponent(tenant)}/sessions/current`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${token}` },
    });
  } catch {
    // offline: the token expires by itself
  }
}

/**
 * PUT /api/tenants/{t}/password: the signed-in user sets a new password, giving the current one. Resolves once
 * changed (their other sessions have ended, this one stays); else throws ApiError with a message for people
 * (status 401: this session has ended).
 */
export async function changePassword(tenant, token, currentPassword, newPassword) {
  let response;
  try {
    response = await fetch(`/api/tenants/${encodeURIComponent(tenant)}/password`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ currentPassword, newPassword }),
    });
  } catch {
    throw new ApiError(0, "network", "Cannot reach the server. Check your connection and try again.");
  }
  if (response.status === 204) return;
  const { code, message } = await errorOf(response);
  switch (response.status) {
    case 401:
      throw new ApiError(401, code, "Your session has ended. Please sign in again.");
    case 403:
      throw new ApiError(403, code, message === "tenant suspended"
        ? `The workspace “${tenant}” is suspended. Try again once it is back.`
        : "That is not your current password.");
    case 409:
      throw new ApiError(409, code,
        "Your password was changed from another window a moment ago: the password it set is the one now.");
    case 429: {
      const seconds = Math.max(1, Number.parseInt(response.headers.get("Retry-After") ?? "60", 10) || 60);
      throw new ApiError(429, code, `Too many wrong passwords. Try again in ${seconds} s.`, seconds);
    }
    case 400:
      throw new ApiError(400, code, "The new password needs 8 to 1024 characters.");
    default:
      throw new ApiError(response.status, code, `The password was not changed (HTTP ${response.status}). Try again later.`);
  }
}
