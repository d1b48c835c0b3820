// The web console: sign in (locally through the stack's JWT issuer, or with a JWT for a
// deployed stack), list and administer rooms, chat in one room with the official SDK, and
// moderate through the HTTP API. The page offers what the signed-in role suggests; the API
// and the chat token's capabilities decide what is allowed.

import { ApiError, HttpApi } from './api.js';
import { openChat, sdkLog } from './chat.js';
import { localSignIn, sessionFor } from './session.js';

const $ = (id) => document.getElementById(id);

/** `el('li', {class: 'x'}, 'text', child)`: an element with attributes and children. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== undefined && child !== null) node.append(child);
  }
  return node;
}

const EXPIRES_AT_TAG = 'ivschat-serverless:expires-at';
const DEFAULT_GROUPS = { groupsClaim: 'cognito:groups', moderatorGroup: 'moderators', adminGroup: 'admins' };

const app = {
  /** The stack's /config.json when ivschat-local serves the page, else null. */
  config: null,
  groups: DEFAULT_GROUPS,
  api: null,
  session: null,
  /** The rooms to offer besides GET /rooms: the local stack's, by logical id. */
  stackRooms: {},
  /** The open chat (see chat.js), or null. */
  chat: null,
  roomNames: new Map(),
};
// For diagnostics in the browser's developer tools: the SDK's log lines, and how many chat
// tokens the open chat has used (the SDK asks for one per connection).
globalThis.ivschatConsole = { sdkLog, tokenRequests: () => app.chat?.tokenRequests ?? 0 };

function describeError(error) {
  if (error instanceof ApiError) {
    if (error.code === 'banned') {
      return error.bannedUntil
        ? `You are banned from this room until ${new Date(error.bannedUntil).toLocaleString()}.`
        : 'You are banned from this room permanently.';
    }
    if (error.status === 401 && error.code === 'sign_in_required') return 'This room needs a signed-in user.';
    if (error.status === 401) return 'Not signed in, or the sign-in has expired (401).';
    if (error.status === 429) return `Too many requests; try again in ${error.retryAfter ?? 'a few'} seconds.`;
    return `${error.message} (${error.status} ${error.code})`;
  }
  return error?.message ?? String(error);
}

// --- connection state ------------------------------------------------------------------------

const DISCONNECT_REASONS = {
  clientDisconnect: 'you left the room',
  serverDisconnect: 'the server ended the session',
  socketError: 'the connection failed',
  fetchTokenError: 'no chat token could be had',
};

function showState(state, detail) {
  const node = $('connection');
  node.dataset.state = state;
  const room = app.chat ? ` to ${app.roomNames.get(app.chat.roomId) ?? app.chat.roomId}` : '';
  node.textContent = {
    idle: 'Not connected',
    connecting: `Connecting${room}…`,
    connected: `Connected${room}`,
    reconnecting: `Reconnecting${room}…`,
    closed: `Closed: ${detail ?? 'disconnected'}`,
  }[state];
}

// --- sign-in ---------------------------------------------------------------------------------

async function loadConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (!response.ok) return null;
    return await response.json();
  } catch {
    return null;
  }
}

function signedIn(apiUrl, jwt, stackRooms) {
  app.api = new HttpApi(apiUrl, jwt);
  // `?sessionMinutes=N` asks for N-minute chat sessions (the API allows 1 up to its maximum).
  const sessionMinutes = Number(new URLSearchParams(window.location.search).get('sessionMinutes'));
  if (Number.isInteger(sessionMinutes) && sessionMinutes > 0) app.api.sessionMinutes = sessionMinutes;
  app.stackRooms = stackRooms;
  app.session = sessionFor(jwt, app.groups);
  const { session } = app;
  $('whoami-text').textContent =
    session.role === 'viewer'
      ? 'Anonymous viewer'
      : `${session.name === session.userId ? session.userId : `${session.name} (${session.userId})`} · ${session.role}`;
  $('whoami').hidden = false;
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('room-admin').hidden = session.role !== 'admin';
  $('moderation').hidden = true;
  showState('idle');
  renderRooms();
  if (session.role === 'admin') refreshRooms();
  $('rooms-title').focus?.();
}

function signOut() {
  leaveRoom();
  app.api = null;
  app.session = null;
  $('whoami').hidden = true;
  $('workspace').hidden = true;
  $('sign-in').hidden = false;
  $('room-list').replaceChildren();
  showState('idle');
  $('sign-in-role').focus();
}

async function onLocalSignIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const data = Object.fromEntries(new FormData(form));
  $('sign-in-error').textContent = '';
  if (data.role === 'viewer') {
    signedIn(app.config.apiUrl, null, app.config.rooms ?? {});
    return;
  }
  const user = data.user.trim();
  if (!user) {
    $('sign-in-error').textContent = 'Enter a user id.';
    $('sign-in-user').focus();
    return;
  }
  try {
    const jwt = await localSignIn(app.config.issuer, app.groups, {
      user,
      name: data.name.trim(),
      picture: data.picture.trim(),
      role: data.role,
    });
    signedIn(app.config.apiUrl, jwt, app.config.rooms ?? {});
  } catch (error) {
    $('sign-in-error').textContent = describeError(error);
  }
}

function onRemoteSignIn(event) {
  event.preventDefault();
  const data = Object.fromEntries(new FormData(event.currentTarget));
  app.groups = { ...DEFAULT_GROUPS, groupsClaim: data.groupsClaim.trim() || DEFAULT_GROUPS.groupsClaim };
  signedIn(data.apiUrl.trim(), data.jwt.trim() || null, {});
}

// --- rooms -----------------------------------------------------------------------------------

/** The rooms to offer: the stack's (from config.json) and, for admins, GET /rooms. */
function renderRooms(listed = []) {
  const rooms = new Map();
  for (const [logicalId, id] of Object.entries(app.stackRooms)) {
    rooms.set(id, { id, name: app.roomNames.get(id) ?? logicalId, stack: true });
  }
  for (const room of listed) rooms.set(room.id, { ...room, stack: rooms.has(room.id) });
  for (const room of rooms.values()) app.roomNames.set(room.id, room.name || room.id);
  const admin = app.session?.role === 'admin';
  const items = [...rooms.values()].map((room) => {
    const expires = room.tags?.[EXPIRES_AT_TAG];
    const details = [room.id];
    if (room.messageReviewHandler) details.push('reviewed');
    if (expires) details.push(`expires ${new Date(expires).toLocaleString()}`);
    return el(
      'li',
      { class: 'room', 'data-room-id': room.id },
      el('span', { class: 'room-name' }, room.name || room.id),
      el('span', { class: 'room-details' }, details.join(' · ')),
      el(
        'span',
        { class: 'room-actions' },
        el('button', { type: 'button', onclick: () => joinRoom(room.id), 'aria-label': `Join ${room.name || room.id}` }, 'Join'),
        admin ? el('button', { type: 'button', onclick: () => editRoom(room.id), 'aria-label': `Edit ${room.name || room.id}` }, 'Edit') : null,
        admin
          ? el('button', { type: 'button', class: 'danger', onclick: () => deleteRoom(room.id), 'aria-label': `Delete ${room.name || room.id}` }, 'Delete')
          : null,
      ),
    );
  });
  $('room-list').replaceChildren(...items);
}

async function refreshRooms() {
  try {
    const page = await app.api.listRooms();
    renderRooms(page.items ?? []);
  } catch (error) {
    $('rooms-status').textContent = `Rooms could not be listed: ${describeError(error)}`;
  }
}

function roomBody(form, editing) {
  const data = new FormData(form);
  const body = {};
  const text = (name) => String(data.get(name) ?? '').trim();
  if (text('name')) body.name = text('name');
  for (const name of ['maximumMessageLength', 'maximumMessageRatePerSecond']) {
    if (text(name)) body[name] = Number(text(name));
  }
  if (text('expiresAt')) body.expiresAt = new Date(text('expiresAt')).toISOString();
  else if (editing) body.expiresAt = null;
  if (data.get('noReview')) body.messageReviewHandler = null;
  else if (text('reviewUri')) body.messageReviewHandler = { uri: text('reviewUri'), fallbackResult: text('fallbackResult') };
  body.anonymousView = Boolean(data.get('anonymousView'));
  return body;
}

function resetRoomForm() {
  const form = $('room-form');
  form.reset();
  form.elements.roomId.value = '';
  $('room-form-title').textContent = 'Create a room';
  $('room-form-submit').textContent = 'Create room';
  $('room-form-cancel').hidden = true;
}

async function onRoomForm(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const roomId = form.elements.roomId.value;
  const status = $('rooms-status');
  try {
    if (roomId) {
      const room = await app.api.updateRoom(roomId, roomBody(form, true));
      status.textContent = `Room ${room.name || room.id} updated.`;
    } else {
      const room = await app.api.createRoom(roomBody(form, false));
      status.textContent = `Room ${room.name || room.id} created (${room.id}).`;
    }
    resetRoomForm();
    $('room-form-details').open = false;
    await refreshRooms();
  } catch (error) {
    status.textContent = `Not saved: ${describeError(error)}`;
  }
}

function toLocalInput(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

async function editRoom(roomId) {
  const status = $('rooms-status');
  try {
    const room = await app.api.getRoom(roomId);
    const form = $('room-form');
    form.reset();
    form.elements.roomId.value = room.id;
    form.elements.name.value = room.name ?? '';
    form.elements.maximumMessageLength.value = room.maximumMessageLength ?? '';
    form.elements.maximumMessageRatePerSecond.value = room.maximumMessageRatePerSecond ?? '';
    form.elements.expiresAt.value = room.tags?.[EXPIRES_AT_TAG] ? toLocalInput(room.tags[EXPIRES_AT_TAG]) : '';
    form.elements.reviewUri.value = room.messageReviewHandler?.uri ?? '';
    form.elements.fallbackResult.value = room.messageReviewHandler?.fallbackResult ?? 'ALLOW';
    form.elements.noReview.checked = !room.messageReviewHandler;
    form.elements.anonymousView.checked = room.tags?.['ivschat-serverless:anonymous-view'] === 'true';
    $('room-form-title').textContent = `Edit room ${room.name || room.id}`;
    $('room-form-submit').textContent = 'Save changes';
    $('room-form-cancel').hidden = false;
    $('room-form-details').open = true;
    form.elements.name.focus();
  } catch (error) {
    status.textContent = `Room ${roomId} could not be read: ${describeError(error)}`;
  }
}

async function deleteRoom(roomId) {
  const status = $('rooms-status');
  try {
    await app.api.deleteRoom(roomId);
    status.textContent = `Room ${app.roomNames.get(roomId) ?? roomId} deleted.`;
    await refreshRooms();
  } catch (error) {
    status.textContent = `Not deleted: ${describeError(error)}`;
  }
}

// --- chat ------------------------------------------------------------------------------------

function initials(name) {
  return (name.trim()[0] ?? '?').toUpperCase();
}

function avatar(attributes, name) {
  const fallback = el('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(name));
  const url = attributes?.avatarUrl;
  if (!url || !url.startsWith('https://')) return fallback;
  const image = el('img', { class: 'avatar', src: url, alt: '', referrerpolicy: 'no-referrer', loading: 'lazy' });
  image.addEventListener('error', () => image.replaceWith(fallback), { once: true });
  return image;
}

function timeOf(date) {
  return el(
    'time',
    { datetime: date.toISOString() },
    date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  );
}

function appendLine(node) {
  const list = $('messages');
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.append(node);
  while (list.children.length > 500) list.firstElementChild.remove();
  if (nearBottom) list.scrollTop = list.scrollHeight;
}

function systemLine(text) {
  appendLine(el('li', { class: 'system' }, timeOf(new Date()), ' ', text));
}

function canDo(capability) {
  return app.chat?.capabilities.includes(capability) ?? false;
}

function onMessage(message) {
  appendLine(messageItem(message));
}

/** The list item of a message (live, or from the history). */
function messageItem(message) {
  const name = message.sender.attributes?.displayName || message.sender.userId;
  const actions = el('span', { class: 'message-actions' });
  if (canDo('DELETE_MESSAGE')) {
    actions.append(
      el('button', { type: 'button', class: 'link', onclick: (e) => askDeleteReason(e.currentTarget, message.id), 'aria-label': `Delete the message from ${name}` }, 'Delete'),
    );
  }
  if (app.session?.role === 'moderator' || app.session?.role === 'admin') {
    actions.append(
      el('button', { type: 'button', class: 'link', onclick: () => moderateUser(message.sender.userId), 'aria-label': `Moderate ${message.sender.userId}` }, 'Moderate'),
    );
  }
  return el(
    'li',
    {
      class: message.fromHistory ? 'message history' : 'message',
      'data-message-id': message.id,
      'data-sender': message.sender.userId,
      'data-send-time': message.sendTime.toISOString(),
    },
    avatar(message.sender.attributes, name),
    el(
      'div',
      { class: 'message-body' },
      el('div', { class: 'message-meta' }, el('span', { class: 'sender' }, name), ' ', el('span', { class: 'user-id' }, `@${message.sender.userId}`), ' ', timeOf(message.sendTime), actions),
      el('p', { class: 'content' }, message.content),
    ),
  );
}

/**
 * Merges messages of the room's history (GET /rooms/{id}/history) into the list: each in
 * send-time order among those shown, none twice (live and history share ids), none a
 * moderator deleted while this page watched. The history follows live chat by the chat log's
 * delivery delay, so the page reads it when it joins and once more a little later.
 */
function mergeHistory(chat, messages) {
  if (chat !== app.chat) return 0;
  const list = $('messages');
  let added = 0;
  for (const raw of messages) {
    if (chat.deletedIds.has(raw.id)) continue;
    if (list.querySelector(`li[data-message-id="${CSS.escape(raw.id)}"]`)) continue;
    const message = { ...raw, sendTime: new Date(raw.sendTime), fromHistory: true };
    const item = messageItem(message);
    const later = [...list.querySelectorAll('li.message')].find(
      (other) => other.dataset.sendTime > item.dataset.sendTime,
    );
    if (later) list.insertBefore(item, later);
    else appendLine(item);
    added += 1;
  }
  return added;
}

/** Reads the room's history for `chat` now and again after `HISTORY_CATCH_UP_MS`. */
async function loadHistory(chat) {
  const read = async (from) => {
    try {
      const answer = await app.api.history(chat.roomId, from ? { limit: 100, from } : {});
      return answer?.messages ?? [];
    } catch (error) {
      // 404 without a room error code: the stack has no history routes (ChatHistory off).
      if (error?.status === 404 && error.code !== 'room_not_found') return [];
      if (chat === app.chat) systemLine(`Earlier messages are not available: ${describeError(error)}`);
      return null;
    }
  };
  const first = await read();
  if (first === null || chat !== app.chat) return;
  const added = mergeHistory(chat, first);
  $('messages').dataset.history = 'loaded';
  if (added > 0) $('messages').querySelector('li.message.history')?.scrollIntoView({ block: 'end' });
  const last = first.at(-1)?.sendTime;
  setTimeout(async () => {
    if (chat !== app.chat) return;
    const more = await read(last ?? new Date(Date.now() - 60_000).toISOString());
    if (more) mergeHistory(chat, more);
  }, HISTORY_CATCH_UP_MS);
}

/** How long after joining the page reads the history again (the chat log's delivery delay). */
const HISTORY_CATCH_UP_MS = 15_000;

function askDeleteReason(button, messageId) {
  const item = button.closest('li');
  if (item.querySelector('.delete-form')) return;
  const reason = el('input', { name: 'reason', maxlength: 256, placeholder: 'Reason (optional)', 'aria-label': 'Reason for deleting the message' });
  const cancel = el('button', { type: 'button' }, 'Cancel');
  const form = el('form', { class: 'delete-form inline' }, reason, el('button', { type: 'submit', class: 'danger' }, 'Delete message'), cancel);
  cancel.addEventListener('click', () => {
    form.remove();
    button.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await app.api.deleteMessage(app.chat.roomId, messageId, reason.value.trim());
      form.remove();
    } catch (error) {
      form.replaceWith(el('p', { class: 'error' }, `Not deleted: ${describeError(error)}`));
    }
  });
  item.querySelector('.message-body').append(form);
  reason.focus();
}

function onMessageDelete(event) {
  app.chat?.deletedIds.add(event.messageId);
  const item = $('messages').querySelector(`li[data-message-id="${CSS.escape(event.messageId)}"]`);
  if (!item) return;
  item.classList.add('deleted');
  item.querySelector('.message-actions')?.remove();
  item.querySelector('.delete-form')?.remove();
  item.querySelector('.content').textContent = event.reason
    ? `Message deleted by a moderator: ${event.reason}`
    : 'Message deleted by a moderator';
}

function onUserDisconnect(event) {
  if (event.userId === app.chat?.userId) {
    app.chat.disconnectedBecause = event.reason || 'no reason given';
  } else {
    systemLine(`${event.userId} was disconnected${event.reason ? `: ${event.reason}` : ''}.`);
  }
}

function onEvent(event) {
  systemLine(`Event ${event.eventName}${Object.keys(event.attributes ?? {}).length ? ` ${JSON.stringify(event.attributes)}` : ''}`);
}

function sendRefusal(error) {
  switch (error?.errorCode) {
    case 406:
      return `refused by review: ${error.errorMessage || 'not allowed'}`;
    case 429:
      return 'too many messages in this room right now (rate limit); wait a moment';
    case 400:
      return `not accepted: ${error.errorMessage || 'invalid message'}`;
    case 403:
      return 'this session may not send messages';
    default:
      return error?.errorMessage || error?.message || 'not sent';
  }
}

async function onSend(event) {
  event.preventDefault();
  const input = $('message-input');
  const text = input.value;
  if (!text.trim() || !app.chat) return;
  const errorLine = $('send-error');
  errorLine.textContent = '';
  input.value = '';
  try {
    await app.chat.send(text);
  } catch (error) {
    errorLine.textContent = `“${text}” was not sent: ${sendRefusal(error)}.`;
    errorLine.dataset.code = String(error?.errorCode ?? '');
    if (!input.value) input.value = text;
  }
}

function resetChatView() {
  $('messages').replaceChildren();
  delete $('messages').dataset.history;
  $('send-error').textContent = '';
  $('session-ended').hidden = true;
  $('rejoin').hidden = true;
  $('rejoin-state').textContent = '';
  $('composer').hidden = true;
  $('view-only').hidden = true;
  $('leave').hidden = true;
  $('moderation').hidden = true;
}

function leaveRoom() {
  if (app.chat) {
    app.chat.leave();
    app.chat = null;
  }
  resetChatView();
  $('chat-title').textContent = 'Chat';
  $('chat-hint').hidden = false;
  showState('idle');
}

async function joinRoom(roomId, firstToken) {
  leaveRoom();
  const name = app.roomNames.get(roomId) ?? roomId;
  $('chat-title').textContent = `Chat in ${name}`;
  $('chat-hint').hidden = true;
  showState('connecting');
  let token = firstToken;
  if (!token) {
    try {
      token = await app.api.chatToken(roomId);
    } catch (error) {
      showState('closed', 'no chat token');
      endedView(`Cannot join ${name}: ${describeError(error)}`, error?.code === 'banned' ? 'You cannot rejoin.' : '');
      return;
    }
  }
  const chat = openChat(app.api, roomId, token, {
    state: (state, detail) => onChatState(chat, state, detail),
    message: onMessage,
    messageDelete: onMessageDelete,
    userDisconnect: onUserDisconnect,
    event: onEvent,
  });
  chat.deletedIds = new Set();
  app.chat = chat;
  const canSend = chat.capabilities.includes('SEND_MESSAGE');
  $('composer').hidden = !canSend;
  $('view-only').hidden = canSend;
  $('leave').hidden = false;
  const moderator = app.session.role === 'moderator' || app.session.role === 'admin';
  $('moderation').hidden = !moderator;
  if (moderator) refreshBans();
  // Connect first, then read the history: nothing sent in between is missed (see README).
  chat.connect();
  loadHistory(chat);
  if (canSend) $('message-input').focus();
}

function endedView(text, rejoinText, canRejoin = false) {
  $('session-ended-text').textContent = text;
  $('rejoin-state').textContent = rejoinText;
  $('rejoin').hidden = !canRejoin;
  $('session-ended').hidden = false;
  $('composer').hidden = true;
}

async function onChatState(chat, state, detail) {
  if (chat !== app.chat) return;
  if (state !== 'closed') {
    showState(state);
    return;
  }
  if (detail === 'clientDisconnect') return;
  let why = DISCONNECT_REASONS[detail] ?? detail;
  if (chat.disconnectedBecause) why = `disconnected by a moderator (${chat.disconnectedBecause})`;
  else if (detail === 'fetchTokenError' && chat.tokenError) why = describeError(chat.tokenError);
  showState('closed', why);
  const ended = `Session ended: ${why}.`;
  if (app.session.role === 'viewer' && detail !== 'fetchTokenError') {
    endedView(ended, '', true);
    return;
  }
  // Whether this user may come back is the API's answer to a new token request.
  endedView(ended, 'Checking whether you can rejoin…');
  try {
    const token = await app.api.chatToken(chat.roomId);
    if (chat !== app.chat) return;
    chat.spareToken = token;
    endedView(ended, 'You can rejoin this room.', true);
  } catch (error) {
    if (chat !== app.chat) return;
    endedView(ended, `${describeError(error)} You cannot rejoin.`);
  }
}

function onRejoin() {
  const chat = app.chat;
  if (!chat) return;
  const token = chat.spareToken && new Date(chat.spareToken.tokenExpirationTime).getTime() > Date.now() + 2_000 ? chat.spareToken : undefined;
  joinRoom(chat.roomId, token);
}

// --- moderation ------------------------------------------------------------------------------

function moderateUser(userId) {
  $('moderate-user').value = userId;
  $('moderate-reason').focus();
}

async function moderation(action) {
  const form = $('moderate-form');
  const status = $('moderation-status');
  if (!form.reportValidity() || !app.chat) return;
  const userId = $('moderate-user').value.trim();
  const reason = $('moderate-reason').value.trim();
  try {
    if (action === 'disconnect') {
      await app.api.disconnectUser(app.chat.roomId, userId, reason);
      status.textContent = `${userId} was disconnected.`;
    } else {
      const minutes = $('ban-duration').value;
      await app.api.ban(app.chat.roomId, userId, reason, minutes ? Number(minutes) : undefined);
      status.textContent = `${userId} is banned ${minutes ? `for ${$('ban-duration').selectedOptions[0].textContent}` : 'permanently'}.`;
      await refreshBans();
    }
  } catch (error) {
    status.textContent = `Not done: ${describeError(error)}`;
  }
}

async function refreshBans() {
  if (!app.chat) return;
  const list = $('ban-list');
  try {
    const page = await app.api.listBans(app.chat.roomId);
    const items = (page.items ?? []).map((ban) =>
      el(
        'li',
        { 'data-user-id': ban.userId },
        el('span', { class: 'ban-user' }, ban.userId),
        el(
          'span',
          { class: 'ban-details' },
          [ban.expiresAt ? `until ${new Date(ban.expiresAt).toLocaleString()}` : 'permanent', ban.reason, `by ${ban.bannedBy}`].filter(Boolean).join(' · '),
        ),
        el('button', { type: 'button', onclick: () => unban(ban.userId), 'aria-label': `Unban ${ban.userId}` }, 'Unban'),
      ),
    );
    list.replaceChildren(...(items.length ? items : [el('li', { class: 'note' }, 'No bans.')]));
  } catch (error) {
    list.replaceChildren(el('li', { class: 'error' }, `Bans could not be listed: ${describeError(error)}`));
  }
}

async function unban(userId) {
  try {
    await app.api.unban(app.chat.roomId, userId);
    $('moderation-status').textContent = `${userId} is no longer banned.`;
  } catch (error) {
    $('moderation-status').textContent = `Not unbanned: ${describeError(error)}`;
  }
  await refreshBans();
}

// --- start -----------------------------------------------------------------------------------

async function start() {
  $('local-sign-in').addEventListener('submit', onLocalSignIn);
  $('remote-sign-in').addEventListener('submit', onRemoteSignIn);
  $('sign-out').addEventListener('click', signOut);
  $('join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    joinRoom($('join-room-id').value.trim());
  });
  $('refresh-rooms').addEventListener('click', refreshRooms);
  $('room-form').addEventListener('submit', onRoomForm);
  $('room-form-cancel').addEventListener('click', () => {
    resetRoomForm();
    $('room-form-details').open = false;
  });
  $('composer').addEventListener('submit', onSend);
  $('leave').addEventListener('click', leaveRoom);
  $('rejoin').addEventListener('click', onRejoin);
  $('disconnect-user').addEventListener('click', () => moderation('disconnect'));
  $('ban-user').addEventListener('click', () => moderation('ban'));
  $('refresh-bans').addEventListener('click', refreshBans);

  app.config = await loadConfig();
  if (app.config) {
    app.groups = {
      groupsClaim: app.config.groupsClaim || DEFAULT_GROUPS.groupsClaim,
      moderatorGroup: app.config.moderatorGroup || DEFAULT_GROUPS.moderatorGroup,
      adminGroup: app.config.adminGroup || DEFAULT_GROUPS.adminGroup,
    };
    if (app.config.issuer) $('local-sign-in').hidden = false;
    $('remote-api').value = app.config.apiUrl ?? '';
  } else {
    $('remote').open = true;
  }
  document.body.dataset.ready = 'true';
}

start();
