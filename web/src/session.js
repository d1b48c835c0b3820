// Who is signed in: a JWT (from the local issuer, or pasted for a deployed stack) or nobody
// (an anonymous viewer). The role read from the JWT only decides what the page offers; the
// API decides what is allowed.

export const ROLES = ['viewer', 'user', 'moderator', 'admin'];

/** The claims of a JWT (not verified: the API verifies it). */
export function claimsOf(jwt) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** The groups in `claims[claim]`: a JSON array, `[a b]`, or a comma list. */
export function groupsOf(claims, claim) {
  const value = claims?.[claim];
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** The session of `jwt` (null: anonymous) given the stack's group settings. */
export function sessionFor(jwt, groups) {
  if (!jwt) return { jwt: null, userId: null, name: 'Anonymous viewer', role: 'viewer' };
  const claims = claimsOf(jwt) ?? {};
  const member = groupsOf(claims, groups.groupsClaim);
  const role = member.includes(groups.adminGroup)
    ? 'admin'
    : member.includes(groups.moderatorGroup)
      ? 'moderator'
      : 'user';
  return { jwt, userId: claims.sub ?? '?', name: claims.name || claims.sub || '?', role, expiresAt: claims.exp };
}

/** A JWT from the local issuer of `ivschat-local up` for `user` in the groups of `role`. */
export async function localSignIn(issuer, groups, { user, name, picture, role }) {
  const body = { user, groups: [] };
  if (role === 'moderator') body.groups = [groups.moderatorGroup];
  if (role === 'admin') body.groups = [groups.adminGroup];
  if (name) body.name = name;
  if (picture) body.picture = picture;
  let response;
  try {
    response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(`The local issuer cannot be reached (${error.message})`);
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.idToken) {
    throw new Error(answer.message || `The local issuer answered ${response.status}`);
  }
  return answer.idToken;
}
