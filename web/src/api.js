// The project's HTTP API as a customer's app calls it: JSON over fetch with the signed-in
// user's JWT (none for anonymous viewers). Errors carry the API's {message, code} and status.

export class ApiError extends Error {
  constructor(status, body, fallback) {
    super(body?.message || fallback);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code ?? (status === 401 ? 'unauthorized' : `http_${status}`);
    this.field = body?.field;
    this.bannedUntil = body?.bannedUntil;
    this.retryAfter = undefined;
  }
}

export class HttpApi {
  /** `baseUrl`: the API's invoke URL; `jwt`: the caller's token, or null for anonymous. */
  constructor(baseUrl, jwt) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.jwt = jwt;
  }

  async request(method, path, body) {
    const headers = {};
    if (this.jwt) headers.authorization = `Bearer ${this.jwt}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, null, `The API at ${this.baseUrl} cannot be reached (${error.message})`);
    }
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      const error = new ApiError(response.status, parsed, `${method} ${path} answered ${response.status}`);
      error.retryAfter = response.headers.get('retry-after') ?? undefined;
      throw error;
    }
    return parsed;
  }

  static room(roomId) {
    return `/rooms/${encodeURIComponent(roomId)}`;
  }

  chatToken(roomId) {
    // A shorter session when the page asks for one (`?sessionMinutes=N`).
    const body = this.sessionMinutes ? { sessionDurationMinutes: this.sessionMinutes } : undefined;
    return this.jwt
      ? this.request('POST', `${HttpApi.room(roomId)}/chat-token`, body)
      : this.request('POST', `${HttpApi.room(roomId)}/viewer-token`, body);
  }

  /** The room's latest `limit` messages (the chat SDK's message shape), or those sent since `from` (a page; `nextToken` for the next). */
  history(roomId, { limit = 50, from, nextToken } = {}) {
    const route = this.jwt ? 'history' : 'viewer-history';
    const query = new URLSearchParams({ limit: String(limit) });
    if (from) query.set('from', from);
    if (nextToken) query.set('nextToken', nextToken);
    return this.request('GET', `${HttpApi.room(roomId)}/${route}?${query}`);
  }

  listRooms() {
    return this.request('GET', '/rooms?maxResults=50');
  }

  getRoom(roomId) {
    return this.request('GET', HttpApi.room(roomId));
  }

  createRoom(body) {
    return this.request('POST', '/rooms', body);
  }

  updateRoom(roomId, body) {
    return this.request('PATCH', HttpApi.room(roomId), body);
  }

  deleteRoom(roomId) {
    return this.request('DELETE', HttpApi.room(roomId));
  }

  deleteMessage(roomId, messageId, reason) {
    const query = reason ? `?reason=${encodeURIComponent(reason)}` : '';
    return this.request('DELETE', `${HttpApi.room(roomId)}/messages/${encodeURIComponent(messageId)}${query}`);
  }

  disconnectUser(roomId, userId, reason) {
    return this.request('POST', `${HttpApi.room(roomId)}/users/${encodeURIComponent(userId)}/disconnect`, reason ? { reason } : {});
  }

  /** A room ban; `removeRecentMessagesMinutes` also deletes the user's messages of that many minutes (as the history has them). */
  ban(roomId, userId, reason, durationMinutes, removeRecentMessagesMinutes) {
    const body = {};
    if (reason) body.reason = reason;
    if (durationMinutes) body.durationMinutes = durationMinutes;
    if (removeRecentMessagesMinutes) body.removeRecentMessagesMinutes = removeRecentMessagesMinutes;
    return this.request('PUT', `${HttpApi.room(roomId)}/bans/${encodeURIComponent(userId)}`, body);
  }

  /** A short room ban (1, 5 or 10 minutes) that disconnects the user. */
  timeOut(roomId, userId, minutes, reason) {
    const body = { minutes };
    if (reason) body.reason = reason;
    return this.request('POST', `${HttpApi.room(roomId)}/users/${encodeURIComponent(userId)}/timeout`, body);
  }

  unban(roomId, userId) {
    return this.request('DELETE', `${HttpApi.room(roomId)}/bans/${encodeURIComponent(userId)}`);
  }

  listBans(roomId) {
    return this.request('GET', `${HttpApi.room(roomId)}/bans`);
  }

  /** The room's live moderation settings (version 0: never configured). */
  roomModeration(roomId) {
    return this.request('GET', `${HttpApi.room(roomId)}/moderation`);
  }

  /** Replaces the room's settings; `body.version` is the version they were read at (409 when stale). */
  putRoomModeration(roomId, body) {
    return this.request('PUT', `${HttpApi.room(roomId)}/moderation`, body);
  }

  heldMessages(roomId) {
    return this.request('GET', `${HttpApi.room(roomId)}/held-messages?maxResults=100`);
  }

  /** `decision`: 'approve' or 'reject'. */
  decideHeld(roomId, heldMessageId, decision) {
    return this.request('POST', `${HttpApi.room(roomId)}/held-messages/${encodeURIComponent(heldMessageId)}/${decision}`);
  }
}

/** 404 without an error code: the stack does not serve that route (an optional part is off or not there yet). */
export function routeMissing(error) {
  return error instanceof ApiError && error.status === 404 && error.code === 'http_404';
}
