// The web console: sign in (locally through the stack's JWT issuer, or with a JWT for a
// deployed stack), list and administer rooms, chat in one room with the official SDK, and
// moderate through the HTTP API. The page offers what the signed-in role suggests; the API
// and the chat token's capabilities decide what is allowed.

import { ApiError, HttpApi, routeMissing } from './api.js';
import { openChat, sdkLog } from './chat.js';
import { $, el } from './dom.js';
import { initSettings, loadSettings, resetSettings } from './room-settings.js';
import { claimsOf, localSignIn, sessionFor } from './session.js';


const EXPIRES_AT_TAG = 'ivschat-serverless:expires-at';
const DEFAULT_GROUPS = { groupsClaim: 'cognito:groups', moderatorGroup: 'moderators', adminGroup: 'admins' };
/** The most characters IVS Chat allows in a message (a room may allow fewer). */
const MAX_MESSAGE_LENGTH = 500;
/** The longest user id the API accepts, in characters (IVS Chat's limit). */
const MAX_USER_ID_CHARS = 128;
/** Where the page keeps the signed-in session and the open room across reloads (this tab only). */
const SESSION_KEY = 'ivschat-console.session';
/** Rooms this browser joined by id, so that they are offered by name later. */
const RECENT_KEY = 'ivschat-console.recent-rooms';
/** How long after joining (or reconnecting) the page reads the history again (the chat log's delivery delay). */
const HISTORY_CATCH_UP_MS = 15_000;
/** How often a banned user's page asks again whether it may rejoin. */
const REJOIN_POLL_MS = 10_000;
/** How many characters of a refused message the error line quotes. */
const QUOTE_CHARS = 80;
/** How often a moderator's page reads the held messages again. */
const HELD_POLL_MS = 5_000;
/** The event an approved held message arrives as (attributes: Content, UserId, MessageId, Sender.<name>). */
const APPROVED_EVENT = 'ivschat-serverless:approved-message';
/** The attribute the history gives an approved held message (the held message's id). */
const APPROVED_ATTRIBUTE = 'moderation.approved';

const app = {
  /** The stack's /config.json when ivschat-local serves the page, else null. */
  config: null,
  groups: DEFAULT_GROUPS,
  api: null,
  session: null,
  /** How the page signed in, to sign in again after a reload: {apiUrl, jwt, groups}. */
  signIn: null,
  /** The rooms to offer besides GET /rooms: the local stack's, by id: {id, name}. */
  stackRooms: [],
  /** The rooms GET /rooms listed (admins). */
  listedRooms: [],
  /** The open chat (see chat.js), or null. */
  chat: null,
  roomNames: new Map(),
  /** Sends so far (a refusal is cleared by a later send that goes through). */
  sends: 0,
};
// For diagnostics in the browser's developer tools: the SDK's log lines, and how many chat
// tokens the open chat has used (the SDK asks for one per connection).
globalThis.ivschatConsole = { sdkLog, tokenRequests: () => app.chat?.tokenRequests ?? 0 };

const chars = (text) => [...text].length;

function truncated(text, limit) {
  const all = [...text];
  return all.length <= limit ? text : `${all.slice(0, limit - 1).join('')}…`;
}

/** `text` ending in one full stop (reasons from the API and the review may bring their own). */
function sentence(text) {
  return `${String(text).trim().replace(/[.!?…]+$/u, '')}.`;
}

/** What went wrong, in plain words (the API's code stays out of sight). */
function describeError(error) {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'banned':
        return error.bannedUntil
          ? `You are banned from this room until ${new Date(error.bannedUntil).toLocaleString()}.`
          : 'You are banned from this room permanently.';
      case 'room_not_found':
        return 'There is no such room (it may have been deleted).';
      case 'sign_in_required':
        return 'This room is for signed-in users: anonymous viewers may not watch it.';
      default:
        break;
    }
    if (error.status === 0) return 'The chat service cannot be reached. Check the connection and try again.';
    if (error.status === 401) return 'Your sign-in has expired or is not accepted. Sign in again.';
    if (error.status === 403) return 'You are not allowed to do that.';
    if (error.status === 404) return 'Not found: it may have been deleted.';
    if (error.status === 409) return 'Someone else is changing this right now. Try again.';
    if (error.status === 429) return `Too many requests. Try again in ${error.retryAfter ?? 'a few'} seconds.`;
    if (error.status >= 500) return 'The chat service had a problem. Try again in a moment.';
    if (error.status === 400) return sentence(`Not accepted: ${error.message}`);
    return sentence(error.message);
  }
  return sentence(error?.message ?? String(error));
}

// --- connection state ------------------------------------------------------------------------

const DISCONNECT_REASONS = {
  clientDisconnect: 'you left the room',
  serverDisconnect: 'the chat service ended the session',
  socketError: 'the connection failed',
  fetchTokenError: 'the chat service did not let this page in',
};

function roomLabel(roomId) {
  return app.roomNames.get(roomId) ?? roomId;
}

function showState(state, detail) {
  const node = $('connection');
  node.dataset.state = state;
  const room = app.chat ? ` to ${roomLabel(app.chat.roomId)}` : '';
  node.textContent = {
    idle: 'Not connected',
    connecting: `Connecting${room}…`,
    connected: `Connected${room}`,
    reconnecting: `Reconnecting${room}…`,
    closed: `Disconnected: ${detail ?? 'the connection ended'}`,
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

function readJson(storage, key, fallback) {
  try {
    return JSON.parse(storage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
}

function writeJson(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage may be off: the page works without it, it only forgets on reload.
  }
}

function saveSession() {
  if (!app.signIn) return writeJson(sessionStorage, SESSION_KEY, null);
  return writeJson(sessionStorage, SESSION_KEY, { ...app.signIn, room: app.chat?.roomId ?? null });
}

/** The room of `?room=ID`, or null. */
function roomFromUrl() {
  const room = new URLSearchParams(window.location.search).get('room');
  return room && /^[a-zA-Z0-9]{12}$/.test(room) ? room : null;
}

function setUrlRoom(roomId) {
  const url = new URL(window.location.href);
  if (roomId) url.searchParams.set('room', roomId);
  else url.searchParams.delete('room');
  if (url.href !== window.location.href) window.history.replaceState(null, '', url);
}

/**
 * The stack's rooms from config.json, `{logicalId: {id, name}}` with the room's IVS Chat name
 * (older documents: `{logicalId: id}`); the logical id only for a room without a name.
 */
function stackRoomsOf(config) {
  return Object.entries(config?.rooms ?? {}).map(([logicalId, value]) =>
    typeof value === 'string' ? { id: value, name: logicalId } : { id: value.id, name: value.name || logicalId },
  );
}

function signedIn({ apiUrl, jwt, groups, remote = false }, { room } = {}) {
  app.groups = groups ?? app.groups;
  app.api = new HttpApi(apiUrl, jwt);
  app.signIn = { apiUrl, jwt, groups: app.groups, remote };
  // A deployed stack's rooms are not the local stack's.
  app.stackRooms = remote ? [] : stackRoomsOf(app.config);
  // `?sessionMinutes=N` asks for N-minute chat sessions (the API allows 1 up to its maximum).
  const sessionMinutes = Number(new URLSearchParams(window.location.search).get('sessionMinutes'));
  if (Number.isInteger(sessionMinutes) && sessionMinutes > 0) app.api.sessionMinutes = sessionMinutes;
  app.session = sessionFor(jwt, app.groups);
  const { session } = app;
  const who =
    session.role === 'viewer'
      ? 'Anonymous viewer'
      : `${session.name === session.userId ? session.userId : `${session.name} (${session.userId})`} · ${session.role}`;
  $('whoami-text').textContent = who;
  $('whoami-text').title = who;
  $('whoami').hidden = false;
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('room-admin').hidden = session.role !== 'admin';
  $('moderation').hidden = true;
  showState('idle');
  renderRooms();
  if (session.role === 'admin') refreshRooms();
  saveSession();
  if (room) joinRoom(room);
  else $('rooms-title').focus();
}

function signOut() {
  leaveRoom();
  app.api = null;
  app.session = null;
  app.signIn = null;
  app.listedRooms = [];
  saveSession();
  setUrlRoom(null);
  $('whoami').hidden = true;
  $('workspace').hidden = true;
  $('sign-in').hidden = false;
  $('room-list').replaceChildren();
  showState('idle');
  $('sign-in-role').focus();
}

/** Why `id` is not a user id the API accepts, or null (the API's rule: 1 to 128 characters). */
function userIdProblem(id) {
  if (!id) return 'Enter a user id.';
  if (chars(id) > MAX_USER_ID_CHARS) return `A user id has at most ${MAX_USER_ID_CHARS} characters; this one has ${chars(id)}.`;
  return null;
}

function onRoleChange() {
  const viewer = $('sign-in-role').value === 'viewer';
  $('sign-in-identity').hidden = viewer;
  $('sign-in-error').textContent = '';
  $('sign-in-user').removeAttribute('aria-invalid');
}

async function onLocalSignIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const data = Object.fromEntries(new FormData(form));
  const error = $('sign-in-error');
  error.textContent = '';
  const after = { room: roomFromUrl() };
  if (data.role === 'viewer') {
    signedIn({ apiUrl: app.config.apiUrl, jwt: null }, after);
    return;
  }
  const user = data.user.trim();
  const problem = userIdProblem(user);
  if (problem) {
    error.textContent = problem;
    $('sign-in-user').setAttribute('aria-invalid', 'true');
    $('sign-in-user').focus();
    return;
  }
  $('sign-in-user').removeAttribute('aria-invalid');
  try {
    const jwt = await localSignIn(app.config.issuer, app.groups, {
      user,
      name: data.name.trim(),
      picture: data.picture.trim(),
      role: data.role,
    });
    signedIn({ apiUrl: app.config.apiUrl, jwt }, after);
  } catch (failure) {
    error.textContent = `Not signed in: ${describeError(failure)}`;
  }
}

function onRemoteSignIn(event) {
  event.preventDefault();
  const data = Object.fromEntries(new FormData(event.currentTarget));
  const groups = { ...DEFAULT_GROUPS, groupsClaim: data.groupsClaim.trim() || DEFAULT_GROUPS.groupsClaim };
  signedIn({ apiUrl: data.apiUrl.trim(), jwt: data.jwt.trim() || null, groups, remote: true }, { room: roomFromUrl() });
}

// --- rooms -----------------------------------------------------------------------------------

function recentRooms() {
  const recent = readJson(localStorage, RECENT_KEY, []);
  return Array.isArray(recent) ? recent.filter((r) => typeof r?.id === 'string') : [];
}

function rememberRoom(roomId) {
  if (app.stackRooms.some((r) => r.id === roomId)) return;
  const recent = recentRooms().filter((r) => r.id !== roomId);
  recent.unshift({ id: roomId, name: roomLabel(roomId) });
  writeJson(localStorage, RECENT_KEY, recent.slice(0, 8));
}

function forgetRoom(roomId) {
  writeJson(localStorage, RECENT_KEY, recentRooms().filter((r) => r.id !== roomId));
}

/**
 * The rooms to offer: the stack's (config.json, by their IVS Chat name), those GET /rooms lists
 * (admins), and those this browser joined before. A room has one name everywhere, its IVS
 * Chat name: config.json gives the stack's rooms by that name, and GET /rooms (the name as it
 * is now, should an admin have renamed one) wins over it.
 */
function renderRooms() {
  const rooms = new Map();
  for (const room of app.stackRooms) rooms.set(room.id, { ...room, stack: true });
  for (const room of app.listedRooms) {
    const known = rooms.get(room.id);
    rooms.set(room.id, { ...room, name: room.name || known?.name || room.id, stack: Boolean(known) });
  }
  if (app.session?.role !== 'admin') {
    for (const room of recentRooms()) if (!rooms.has(room.id)) rooms.set(room.id, { ...room, recent: true });
  }
  for (const room of rooms.values()) app.roomNames.set(room.id, room.name || room.id);
  const admin = app.session?.role === 'admin';
  const items = [...rooms.values()].map((room) => {
    const name = room.name || room.id;
    const expires = room.tags?.[EXPIRES_AT_TAG];
    const details = [room.id];
    if (room.messageReviewHandler) details.push('reviewed');
    if (room.maximumMessageLength) details.push(`${room.maximumMessageLength} characters`);
    if (expires) details.push(`expires ${new Date(expires).toLocaleString()}`);
    if (room.recent) details.push('joined before');
    return el(
      'li',
      { class: 'room', 'data-room-id': room.id, 'aria-current': app.chat?.roomId === room.id ? 'true' : null },
      el('span', { class: 'room-name' }, name),
      el('span', { class: 'room-details' }, details.join(' · ')),
      el(
        'span',
        { class: 'room-actions' },
        el('button', { type: 'button', onclick: () => joinRoom(room.id), 'aria-label': `Join ${name}` }, 'Join'),
        admin ? el('button', { type: 'button', onclick: () => editRoom(room.id), 'aria-label': `Edit ${name}` }, 'Edit') : null,
        admin
          ? el('button', { type: 'button', class: 'danger', onclick: () => deleteRoom(room.id), 'aria-label': `Delete ${name}` }, 'Delete…')
          : null,
      ),
    );
  });
  $('room-list').replaceChildren(...items);
}

async function refreshRooms() {
  try {
    const page = await app.api.listRooms();
    app.listedRooms = page.items ?? [];
    renderRooms();
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

function cancelRoomForm() {
  resetRoomForm();
  $('room-form-details').open = false;
  $('room-form-title').focus();
}

async function onRoomForm(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const roomId = form.elements.roomId.value;
  const status = $('rooms-status');
  try {
    if (roomId) {
      const room = await app.api.updateRoom(roomId, roomBody(form, true));
      status.textContent = `Room ${roomLabel(room.id) || room.name} updated.`;
    } else {
      const room = await app.api.createRoom(roomBody(form, false));
      status.textContent = `Room ${room.name || room.id} created (${room.id}).`;
    }
    resetRoomForm();
    $('room-form-details').open = false;
    await refreshRooms();
    $('room-form-title').focus();
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
    $('room-form-title').textContent = `Edit room ${roomLabel(room.id)}`;
    $('room-form-submit').textContent = 'Save changes';
    $('room-form-cancel').hidden = false;
    $('room-form-details').open = true;
    form.elements.name.focus();
  } catch (error) {
    status.textContent = `Room ${roomLabel(roomId)} could not be read: ${describeError(error)}`;
  }
}

async function deleteRoom(roomId) {
  const status = $('rooms-status');
  const name = roomLabel(roomId);
  const confirmed = await confirmAction({
    title: `Delete the room ${name}?`,
    text: 'Everyone in it is disconnected, and the room cannot be brought back.',
    confirm: 'Delete room',
    reason: false,
  });
  if (!confirmed) return;
  try {
    await app.api.deleteRoom(roomId);
    status.textContent = `Room ${name} deleted.`;
    forgetRoom(roomId);
    await refreshRooms();
  } catch (error) {
    status.textContent = `Not deleted: ${describeError(error)}`;
  }
  $('rooms-title').focus();
}

// --- the message log ---------------------------------------------------------------------------

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

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A time, with its date when it is not today. */
function timeOf(date) {
  const now = new Date();
  const time = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  const text = sameDay(date, now)
    ? date.toLocaleTimeString([], time)
    : date.toLocaleString([], {
        ...time,
        day: 'numeric',
        month: 'short',
        year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric',
      });
  return el('time', { datetime: date.toISOString() }, text);
}

const log = {
  /** Whether the reader is at the bottom of the list (then new messages scroll into view). */
  following: true,
  unseen: 0,
};

function atBottom(list) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 24;
}

function scrollToNewest() {
  const list = $('messages');
  list.scrollTop = list.scrollHeight;
  log.following = true;
  setUnseen(0);
}

function setUnseen(count) {
  log.unseen = count;
  const button = $('new-messages');
  button.hidden = count === 0;
  button.textContent = `${count} new message${count === 1 ? '' : 's'} ↓`;
}

function onLogScroll() {
  const list = $('messages');
  log.following = atBottom(list);
  if (log.following && log.unseen) setUnseen(0);
}

/** The list items the arrow keys move through (messages and notices). */
function logItems() {
  return [...$('messages').children];
}

/** Makes `item` the log's one Tab stop (and focuses it when `focus`). */
function setActiveItem(item, focus = false) {
  for (const other of $('messages').querySelectorAll('li[tabindex="0"]')) {
    if (other !== item) other.tabIndex = -1;
  }
  if (!item) return;
  item.tabIndex = 0;
  if (focus) item.focus();
}

function addToLog(node, { before = null, own = false, unseen = true } = {}) {
  const list = $('messages');
  const follow = log.following || atBottom(list);
  node.tabIndex = -1;
  const previousLast = list.lastElementChild;
  if (before) list.insertBefore(node, before);
  else list.append(node);
  while (list.children.length > 500) list.firstElementChild.remove();
  // The log's Tab stop stays on the newest item unless the reader moved it (or is on it).
  const active = list.querySelector('li[tabindex="0"]');
  if (!active || (!before && active === previousLast && active !== document.activeElement)) setActiveItem(list.lastElementChild);
  if (follow || own) scrollToNewest();
  else if (unseen && !before) setUnseen(log.unseen + 1);
}

function systemLine(text, { warning = false } = {}) {
  addToLog(el('li', { class: warning ? 'system warning' : 'system' }, timeOf(new Date()), ' ', text));
}

function onLogKey(event) {
  const item = event.target.closest?.('#messages > li');
  if (!item || event.target !== item) return;
  const items = logItems();
  const at = items.indexOf(item);
  const move = { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: items.length - 1, PageUp: at - 10, PageDown: at + 10 }[event.key];
  if (move !== undefined) {
    event.preventDefault();
    setActiveItem(items[Math.max(0, Math.min(items.length - 1, move))], true);
    return;
  }
  if (event.key === 'Enter' || event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
    const button = item.querySelector('.menu-button');
    if (button) {
      event.preventDefault();
      openMenu(item);
    }
  }
}

function canDo(capability) {
  return app.chat?.capabilities.includes(capability) ?? false;
}

function isModerator() {
  return app.session?.role === 'moderator' || app.session?.role === 'admin';
}

function senderName(message) {
  return message.sender.attributes?.displayName || message.sender.userId;
}

function announce(text) {
  $('announcer').textContent = text;
}

function onMessage(message) {
  const chat = app.chat;
  if (!chat) return;
  const own = message.sender.userId === chat.userId;
  if (chat.deletedIds.has(message.id) || findMessage(message.id)) return;
  noteSeen(chat, message.sendTime);
  chat.seenUsers.add(message.sender.userId);
  addToLog(messageItem(message), { own });
  if (!own) announce(`${senderName(message)}: ${message.content}`);
}

function findMessage(id) {
  return $('messages').querySelector(`li[data-message-id="${CSS.escape(id)}"]`);
}

/** The list item of a message (live, or from the history). */
function messageItem(message) {
  const name = senderName(message);
  const moderator = isModerator();
  const sender = moderator
    ? el('button', { type: 'button', class: 'sender', tabindex: '-1', onclick: () => openUserCard(message.sender) }, name)
    : el('span', { class: 'sender' }, name);
  const actions = moderator
    ? el(
        'span',
        { class: 'message-actions' },
        el('button', {
          type: 'button',
          class: 'menu-button',
          tabindex: '-1',
          'aria-haspopup': 'menu',
          'aria-expanded': 'false',
          'aria-label': `Actions for the message from ${name}`,
          onclick: (event) => openMenu(event.currentTarget.closest('li')),
        }, '⋯'),
      )
    : null;
  const masked = app.chat?.maskedIds?.has(message.id);
  const approved = message.approved || message.attributes?.[APPROVED_ATTRIBUTE] !== undefined;
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
      el('div', { class: 'message-meta' }, sender, ' ', el('span', { class: 'user-id' }, `@${message.sender.userId}`), ' ', timeOf(message.sendTime)),
      el('p', { class: 'content' }, message.content),
      masked ? maskedNote() : null,
      approved ? el('p', { class: 'approved-note' }, 'Approved by a moderator') : null,
    ),
    actions,
  );
}

function maskedNote() {
  return el('p', { class: 'masked-note' }, 'Your message was masked by moderation: others see it as shown.');
}

// --- the message menu and the user card ------------------------------------------------------

function closeMenu(item, focusItem = true) {
  const menu = item?.querySelector('.menu');
  if (!menu) return;
  menu.remove();
  item.querySelector('.menu-button')?.setAttribute('aria-expanded', 'false');
  if (focusItem) setActiveItem(item, true);
}

function openMenu(item) {
  if (!item || item.classList.contains('deleted')) return;
  for (const open of $('messages').querySelectorAll('.menu')) closeMenu(open.closest('li'), false);
  const sender = { userId: item.dataset.sender, name: item.querySelector('.sender')?.textContent ?? item.dataset.sender };
  const entries = [];
  const entry = (label, action, danger = false) =>
    entries.push(
      el('li', { role: 'none' }, el('button', { type: 'button', role: 'menuitem', tabindex: '-1', class: danger ? 'danger' : null, onclick: () => {
        closeMenu(item, false);
        setActiveItem(item, true);
        action();
      } }, label)),
    );
  if (canDo('DELETE_MESSAGE')) entry('Delete message…', () => askDeleteMessage(item), true);
  entry(`About ${sender.name}`, () => openUserCard({ userId: sender.userId, attributes: { displayName: sender.name } }));
  if (canDo('DISCONNECT_USER') || isModerator()) entry(`Disconnect ${sender.name}…`, () => askDisconnect(sender.userId, sender.name));
  entry(`Time out ${sender.name}…`, () => askTimeout(sender.userId, sender.name));
  entry(`Ban ${sender.name}…`, () => askBan(sender.userId, sender.name), true);
  entry(`Ban ${sender.name} and remove recent messages…`, () => askBan(sender.userId, sender.name, { remove: true }), true);
  const button = item.querySelector('.menu-button');
  const menu = el('ul', { class: 'menu', role: 'menu', 'aria-label': button.getAttribute('aria-label') }, ...entries);
  menu.addEventListener('keydown', (event) => {
    const buttons = [...menu.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement);
    const next = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next !== undefined) {
      event.preventDefault();
      buttons[(next + buttons.length) % buttons.length].focus();
    } else if (event.key === 'Escape' || event.key === 'Tab') {
      if (event.key === 'Escape') event.preventDefault();
      event.stopPropagation();
      closeMenu(item, event.key === 'Escape');
    }
  });
  menu.addEventListener('focusout', (event) => {
    if (!menu.contains(event.relatedTarget)) setTimeout(() => menu.isConnected && !menu.contains(document.activeElement) && closeMenu(item, false));
  });
  item.querySelector('.message-body').append(menu);
  button.setAttribute('aria-expanded', 'true');
  menu.querySelector('button').focus();
}

function openUserCard(sender) {
  const card = $('user-card');
  const name = sender.attributes?.displayName || sender.userId;
  const seen = $('messages').querySelectorAll(`li.message[data-sender="${CSS.escape(sender.userId)}"]:not(.deleted)`).length;
  $('user-card-avatar').replaceChildren(avatar(sender.attributes, name));
  $('user-card-name').textContent = name;
  $('user-card-id').textContent = `@${sender.userId}${sender.userId === app.session?.userId ? ' (you)' : ''}`;
  $('user-card-seen').textContent = `${seen} message${seen === 1 ? '' : 's'} on this page.`;
  card.dataset.userId = sender.userId;
  card.dataset.name = name;
  card.returnFocus = document.activeElement;
  card.showModal();
  $('user-card-close').focus();
}

function closeUserCard() {
  const card = $('user-card');
  card.close();
}

// --- confirmations -----------------------------------------------------------------------------

/**
 * Asks to confirm a destructive action in a modal dialog. Resolves with {reason, minutes}, or
 * null when cancelled (Cancel, or Esc). Focus returns to where it was.
 */
function confirmAction({ title, text, confirm, reason = true, duration = false, timeout = false, remove = false, warning = '' }) {
  const dialog = $('confirm');
  const back = document.activeElement;
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-warning').textContent = warning;
  $('confirm-warning').hidden = !warning;
  $('confirm-reason-label').hidden = !reason;
  $('confirm-reason').value = '';
  $('confirm-duration-label').hidden = !duration;
  $('confirm-duration').value = '10';
  $('confirm-timeout-label').hidden = !timeout;
  $('confirm-timeout').value = '5';
  $('confirm-remove-label').hidden = !remove;
  $('confirm-remove').value = '60';
  $('confirm-ok').textContent = confirm;
  return new Promise((resolve) => {
    let answer = null;
    const form = $('confirm-form');
    const onSubmit = (event) => {
      event.preventDefault();
      const minutes = $('confirm-duration').value;
      answer = {
        reason: $('confirm-reason').value.trim(),
        minutes: minutes ? Number(minutes) : undefined,
        label: $('confirm-duration').selectedOptions[0].textContent,
        timeoutMinutes: Number($('confirm-timeout').value),
        timeoutLabel: $('confirm-timeout').selectedOptions[0].textContent,
        removeMinutes: Number($('confirm-remove').value),
        removeLabel: $('confirm-remove').selectedOptions[0].textContent,
      };
      dialog.close();
    };
    const onCancel = () => dialog.close();
    const onClose = () => {
      form.removeEventListener('submit', onSubmit);
      $('confirm-cancel').removeEventListener('click', onCancel);
      if (back?.isConnected) back.focus();
      resolve(answer);
    };
    form.addEventListener('submit', onSubmit);
    $('confirm-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose, { once: true });
    dialog.showModal();
    (reason ? $('confirm-reason') : duration ? $('confirm-duration') : timeout ? $('confirm-timeout') : $('confirm-cancel')).focus();
  });
}

function moderationStatus(text) {
  $('moderation-status').textContent = text;
  announce(text);
}

async function askDeleteMessage(item) {
  const name = item.querySelector('.sender')?.textContent ?? item.dataset.sender;
  const content = item.querySelector('.content')?.textContent ?? '';
  const answer = await confirmAction({
    title: `Delete this message from ${name}?`,
    text: `“${truncated(content, QUOTE_CHARS)}” disappears for everyone in the room.`,
    confirm: 'Delete message',
  });
  if (!answer || !app.chat) return;
  try {
    await app.api.deleteMessage(app.chat.roomId, item.dataset.messageId, answer.reason);
    moderationStatus(`The message from ${name} was deleted.`);
  } catch (error) {
    moderationStatus(`Not deleted: ${describeError(error)}`);
  }
}

async function askDisconnect(userId, name = userId) {
  if (!app.chat) return;
  const answer = await confirmAction({
    title: `Disconnect ${name}?`,
    text: `Every session of @${userId} in ${roomLabel(app.chat.roomId)} ends now; they may rejoin.`,
    confirm: 'Disconnect',
    warning: userId === app.session?.userId ? 'This is you: your own session ends too.' : '',
  });
  if (!answer || !app.chat) return;
  try {
    // IVS Chat's DisconnectUser answers the same whether or not the user was connected, and
    // nothing lists who is: say only what this page knows (itself, or someone whose message
    // it received since joining and who was not disconnected since), as it was before the
    // disconnect's own event arrives.
    const known = userId === app.chat.userId || app.chat.seenUsers.has(userId);
    await app.api.disconnectUser(app.chat.roomId, userId, answer.reason);
    moderationStatus(
      known
        ? `${name} was disconnected.`
        : `${name} has not been seen in this room since you joined; if they are connected they were disconnected.`,
    );
  } catch (error) {
    moderationStatus(`Not disconnected: ${describeError(error)}`);
  }
}

async function askBan(userId, name = userId, { remove = false } = {}) {
  if (!app.chat) return;
  const self = userId === app.session?.userId;
  const answer = await confirmAction({
    title: remove ? `Ban ${name} from ${roomLabel(app.chat.roomId)} and remove their recent messages?` : `Ban ${name} from ${roomLabel(app.chat.roomId)}?`,
    text: remove
      ? `@${userId} is disconnected and cannot rejoin until the ban ends or is lifted; their messages of the time you choose disappear for everyone (those sent in the last seconds may stay).`
      : `@${userId} is disconnected and cannot rejoin until the ban ends or is lifted.`,
    confirm: self ? 'Ban myself' : remove ? 'Ban and remove' : 'Ban',
    duration: true,
    remove,
    warning: self ? 'This is you: you will be disconnected and cannot come back until another moderator lifts the ban or it ends.' : '',
  });
  if (!answer || !app.chat) return;
  const roomId = app.chat.roomId;
  try {
    // The ban route stores the ban, then disconnects the user with its reason ("banned: …").
    const banned = await app.api.ban(roomId, userId, answer.reason, answer.minutes, remove ? answer.removeMinutes : undefined);
    let removed = '';
    if (remove) {
      const count = banned?.removedMessages ?? 0;
      const failed = banned?.removeFailedMessages?.length ?? 0;
      removed = ` ${count} of their messages of the last ${answer.removeLabel} ${count === 1 ? 'was' : 'were'} removed${failed ? `; ${failed} could not be removed` : ''}.`;
    }
    moderationStatus(`${name} is banned ${answer.minutes ? `for ${answer.label}` : 'permanently'}.${removed}`);
    await refreshBans();
  } catch (error) {
    moderationStatus(`Not banned: ${describeError(error)}`);
  }
}

async function askTimeout(userId, name = userId) {
  if (!app.chat) return;
  const self = userId === app.session?.userId;
  const answer = await confirmAction({
    title: `Time out ${name}?`,
    text: `@${userId} is disconnected and cannot rejoin ${roomLabel(app.chat.roomId)} until the timeout ends.`,
    confirm: self ? 'Time myself out' : 'Time out',
    timeout: true,
    warning: self ? 'This is you: you will be disconnected until the timeout ends.' : '',
  });
  if (!answer || !app.chat) return;
  const roomId = app.chat.roomId;
  try {
    // The route disconnects the user with the reason ("timed out for 5 minutes: …").
    await app.api.timeOut(roomId, userId, answer.timeoutMinutes, answer.reason);
    moderationStatus(`${name} is timed out for ${answer.timeoutLabel}.`);
    await refreshBans();
  } catch (error) {
    moderationStatus(`Not timed out: ${describeError(error)}`);
  }
}

// --- history and reconnection --------------------------------------------------------------------

function noteSeen(chat, sendTime) {
  const time = sendTime instanceof Date ? sendTime : new Date(sendTime);
  if (!chat.lastSeen || time > chat.lastSeen) chat.lastSeen = time;
}

/**
 * Merges messages of the room's history (GET /rooms/{id}/history) into the list: each in
 * send-time order among those shown, none twice (live and history share ids), none a
 * moderator deleted while this page watched.
 */
function mergeHistory(chat, messages) {
  if (chat !== app.chat) return 0;
  const list = $('messages');
  let added = 0;
  for (const raw of messages) {
    noteSeen(chat, raw.sendTime);
    // Seen since joining only: the history also holds messages from before.
    if (new Date(raw.sendTime).getTime() >= chat.joinedAt) chat.seenUsers.add(raw.sender?.userId);
    if (chat.deletedIds.has(raw.id) || findMessage(raw.id)) continue;
    const message = { ...raw, sendTime: new Date(raw.sendTime), fromHistory: true };
    const item = messageItem(message);
    const later = [...list.querySelectorAll('li.message')].find((other) => other.dataset.sendTime > item.dataset.sendTime);
    addToLog(item, { before: later ?? null });
    added += 1;
  }
  return added;
}

/** Every page of the history since `from` (at most `pages` pages), or throws. */
async function historySince(chat, from, pages = 5) {
  const messages = [];
  let nextToken;
  for (let page = 0; page < pages; page += 1) {
    const answer = await app.api.history(chat.roomId, { limit: 100, from, nextToken });
    messages.push(...(answer?.messages ?? []));
    nextToken = answer?.nextToken;
    if (!nextToken) return { messages, complete: true };
  }
  return { messages, complete: false };
}

/** 404 without a room error code: the stack has no history routes (ChatHistory off). */
function noHistoryRoutes(error) {
  return error?.status === 404 && error.code !== 'room_not_found';
}

/** Reads the room's history for `chat` now and again after `HISTORY_CATCH_UP_MS`. */
async function loadHistory(chat) {
  let first;
  try {
    first = (await app.api.history(chat.roomId, {}))?.messages ?? [];
  } catch (error) {
    if (chat === app.chat && !noHistoryRoutes(error)) systemLine(`Earlier messages are not available: ${describeError(error)}`, { warning: true });
    first = null;
  }
  if (chat !== app.chat) return;
  if (first) mergeHistory(chat, first);
  $('messages').dataset.history = first ? 'loaded' : 'unavailable';
  scrollToNewest();
  if (!first) return;
  const since = first.at(-1)?.sendTime ?? new Date(chat.joinedAt - 60_000).toISOString();
  setTimeout(() => fillGap(chat, since, { quiet: true }), HISTORY_CATCH_UP_MS);
}

/**
 * After a reconnection: the messages sent while the page was not connected, from the history
 * since the last message seen, merged by id; read again after the chat log's delay. Says so
 * when the gap could not be filled.
 */
async function fillGap(chat, since, { quiet = false, again = false } = {}) {
  if (chat !== app.chat) return;
  const from = since ?? (chat.lastSeen ?? new Date(chat.joinedAt)).toISOString();
  try {
    const { messages, complete } = await historySince(chat, from);
    if (chat !== app.chat) return;
    const added = mergeHistory(chat, messages);
    if (!complete) systemLine('Some messages sent while the connection was down are not shown (too many to load).', { warning: true });
    else if (added && !quiet) systemLine(`${added} message${added === 1 ? '' : 's'} sent while the connection was down ${added === 1 ? 'is' : 'are'} shown above.`);
  } catch (error) {
    if (chat !== app.chat || noHistoryRoutes(error)) {
      if (chat === app.chat && !quiet) systemLine('Messages sent while the connection was down may be missing: this stack keeps no history.', { warning: true });
      return;
    }
    if (!quiet || again) systemLine(`Messages sent while the connection was down could not be loaded: ${describeError(error)}`, { warning: true });
    return;
  }
  if (!quiet && !again) setTimeout(() => fillGap(chat, from, { quiet: true, again: true }), HISTORY_CATCH_UP_MS);
}

function onMessageDelete(event) {
  app.chat?.deletedIds.add(event.messageId);
  const item = findMessage(event.messageId);
  if (!item) return;
  item.classList.add('deleted');
  item.querySelector('.message-actions')?.remove();
  item.querySelector('.menu')?.remove();
  item.querySelector('.masked-note')?.remove();
  const text = event.reason ? `Message deleted by a moderator: ${event.reason}` : 'Message deleted by a moderator';
  item.querySelector('.content').textContent = text;
}

function onUserDisconnect(event) {
  // Not connected any more, as far as this page knows.
  app.chat?.seenUsers.delete(event.userId);
  if (event.userId === app.chat?.userId) {
    app.chat.disconnectedBecause = event.reason || 'no reason given';
  } else {
    systemLine(`${event.userId} was disconnected${event.reason ? `: ${event.reason}` : ''}.`);
  }
}

/** An approved held message's event, as the message it was (by its sender), or null. */
function approvedMessage(event) {
  if (event.eventName !== APPROVED_EVENT) return null;
  const attributes = event.attributes ?? {};
  if (!attributes.UserId) return null;
  const sender = Object.fromEntries(
    Object.entries(attributes)
      .filter(([key]) => key.startsWith('Sender.'))
      .map(([key, value]) => [key.slice('Sender.'.length), value]),
  );
  return {
    id: event.id,
    content: attributes.Content ?? '',
    attributes: { [APPROVED_ATTRIBUTE]: attributes.MessageId ?? '' },
    sender: { userId: attributes.UserId, attributes: sender },
    sendTime: event.sendTime instanceof Date ? event.sendTime : new Date(),
    approved: true,
  };
}

/** A custom event, readably: its name and its attributes as "name: value". */
function onEvent(event) {
  const approved = approvedMessage(event);
  if (approved) {
    onMessage(approved);
    return;
  }
  const attributes = Object.entries(event.attributes ?? {});
  const name = event.eventName.replace(/[-_]+/g, ' ');
  const details = attributes.map(([key, value]) => `${key}: ${value}`).join(' · ');
  const line = el(
    'li',
    { class: 'system event', 'data-event-name': event.eventName },
    timeOf(event.sendTime instanceof Date ? event.sendTime : new Date()),
    ' ',
    el('strong', {}, `Event “${name}”`),
    details ? ` — ${details}` : '',
  );
  addToLog(line);
}

// --- the composer ------------------------------------------------------------------------------

function sendRefusal(error) {
  switch (error?.errorCode) {
    case 406:
      if (/awaits a moderator/i.test(error.errorMessage ?? '')) return 'held for a moderator, who may approve it (then everyone sees it)';
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

function updateCounter() {
  const counter = $('char-count');
  const limit = app.chat?.maxLength ?? MAX_MESSAGE_LENGTH;
  const count = chars($('message-input').value);
  counter.textContent = `${count}/${limit}`;
  counter.dataset.over = String(count > limit);
  counter.title = `${count} of at most ${limit} characters`;
  if (count > limit) $('message-input').setAttribute('aria-invalid', 'true');
  else $('message-input').removeAttribute('aria-invalid');
}

function setMaxLength(chat, limit) {
  if (!Number.isInteger(limit) || limit < 1) return;
  chat.maxLength = limit;
  if (chat === app.chat) updateCounter();
}

function refusalLine(text, reason, sendNumber) {
  const quote = truncated(text, QUOTE_CHARS);
  const line = el('p', { 'data-send': sendNumber }, `“${quote}” was not sent: ${sentence(reason)}`);
  if (quote === text) return line;
  return el('div', { 'data-send': sendNumber }, line, el('details', {}, el('summary', {}, 'Show the whole message'), el('p', { class: 'full' }, text)));
}

async function onSend(event) {
  event.preventDefault();
  const input = $('message-input');
  const text = input.value;
  const chat = app.chat;
  if (!text.trim() || !chat) return;
  const errors = $('send-error');
  const limit = chat.maxLength ?? MAX_MESSAGE_LENGTH;
  app.sends += 1;
  const sendNumber = app.sends;
  if (chars(text) > limit) {
    errors.replaceChildren(refusalLine(text, `too long: ${chars(text)} characters, this room allows ${limit}; shorten it`, sendNumber));
    return;
  }
  input.value = '';
  updateCounter();
  try {
    const delivered = await chat.send(text);
    // A send that goes through clears the refusals of the sends before it.
    for (const line of [...errors.children]) if (Number(line.dataset.send) < sendNumber) line.remove();
    if (delivered && delivered.content !== text) {
      chat.maskedIds.add(delivered.id);
      const item = findMessage(delivered.id);
      if (item && !item.querySelector('.masked-note')) item.querySelector('.message-body').append(maskedNote());
    }
  } catch (error) {
    if (chat !== app.chat) return;
    // "at most N characters": the room's limit, for the counter from now on.
    const limitSaid = /at most (\d+) characters/.exec(error?.errorMessage ?? '');
    if (limitSaid) setMaxLength(chat, Number(limitSaid[1]));
    errors.append(refusalLine(text, sendRefusal(error), sendNumber));
    errors.dataset.code = String(error?.errorCode ?? '');
    while (errors.children.length > 5) errors.firstElementChild.remove();
    // Back into an empty box, unless a later send has gone since: the box never holds an older text.
    if (!input.value && sendNumber === app.sends) {
      input.value = text;
      updateCounter();
    }
  }
}

// --- joining and leaving -------------------------------------------------------------------------

function setInRoom(inRoom) {
  document.body.dataset.inRoom = String(inRoom);
  if (!inRoom) closeDrawers(false);
}

function resetChatView() {
  $('messages').replaceChildren();
  delete $('messages').dataset.history;
  $('send-error').replaceChildren();
  $('session-ended').hidden = true;
  $('rejoin').hidden = true;
  $('check-rejoin').hidden = true;
  $('rejoin-state').textContent = '';
  $('composer').hidden = true;
  $('skip').hidden = true;
  $('view-only').hidden = true;
  $('leave').hidden = true;
  $('moderation').hidden = true;
  $('open-moderation').hidden = true;
  $('announcer').textContent = '';
  resetSettings();
  resetHeld();
  log.following = true;
  setUnseen(0);
}

function leaveRoom({ focus = false } = {}) {
  const left = app.chat?.roomId;
  if (app.chat) {
    clearTimeout(app.chat.rejoinTimer);
    clearTimeout(app.chat.heldTimer);
    app.chat.leave();
    app.chat = null;
  }
  if (app.pendingRejoin) clearTimeout(app.pendingRejoin.rejoinTimer);
  app.pendingRejoin = null;
  app.pendingJoin = null;
  resetChatView();
  setInRoom(false);
  $('chat-title').textContent = 'Chat';
  $('chat-hint').hidden = false;
  showState('idle');
  if (app.signIn) {
    saveSession();
    setUrlRoom(null);
    renderRooms();
  }
  if (focus) {
    const join = left && $('room-list').querySelector(`li[data-room-id="${CSS.escape(left)}"] button`);
    (join ?? $('rooms-title')).focus();
  }
}

async function joinRoom(roomId, firstToken) {
  leaveRoom();
  const name = roomLabel(roomId);
  $('chat-title').textContent = `Chat in ${name}`;
  $('chat-title').title = `Chat in ${name}`;
  $('chat-hint').hidden = true;
  setInRoom(true);
  showState('connecting');
  const pending = { roomId };
  app.pendingJoin = pending;
  let token = firstToken;
  if (!token) {
    try {
      token = await app.api.chatToken(roomId);
    } catch (error) {
      if (app.pendingJoin !== pending) return;
      showState('idle');
      endedView(`Cannot join ${name}: ${describeError(error)}`, error?.code === 'banned' ? 'You cannot rejoin while the ban lasts.' : '');
      if (error?.code === 'room_not_found') forgetRoom(roomId);
      if (error?.code === 'banned') pollRejoin({ roomId });
      $('leave').hidden = false;
      $('session-ended').focus?.();
      return;
    }
  }
  if (app.pendingJoin !== pending) return;
  const chat = openChat(app.api, roomId, token, {
    state: (state, detail) => onChatState(chat, state, detail),
    message: onMessage,
    messageDelete: onMessageDelete,
    userDisconnect: onUserDisconnect,
    event: onEvent,
  });
  chat.deletedIds = new Set();
  chat.maskedIds = new Set();
  chat.seenUsers = new Set();
  chat.joinedAt = Date.now();
  app.chat = chat;
  rememberRoom(roomId);
  saveSession();
  setUrlRoom(roomId);
  renderRooms();
  const canSend = chat.capabilities.includes('SEND_MESSAGE');
  $('composer').hidden = !canSend;
  $('skip').hidden = !canSend;
  $('view-only').hidden = canSend;
  $('leave').hidden = false;
  updateCounter();
  const moderator = isModerator();
  $('moderation').hidden = !moderator;
  $('open-moderation').hidden = !moderator;
  if (moderator) {
    refreshBans();
    loadSettings(roomId);
    refreshHeld(chat);
  }
  if (app.session.role === 'admin') {
    app.api.getRoom(roomId).then((room) => setMaxLength(chat, room?.maximumMessageLength)).catch(() => {});
  }
  // Connect first, then read the history: nothing sent in between is missed (see README).
  chat.connect();
  loadHistory(chat);
  if (canSend) $('message-input').focus();
  else $('chat-title').focus();
}

function endedView(text, rejoinText, canRejoin = false) {
  $('session-ended-text').textContent = text;
  $('rejoin-state').textContent = rejoinText;
  $('rejoin').hidden = !canRejoin;
  $('session-ended').hidden = false;
  $('composer').hidden = true;
  $('skip').hidden = true;
}

/** Whether the user may come back, by the API's answer to a token request; polled while banned. */
async function checkRejoin(target) {
  clearTimeout(target.rejoinTimer);
  try {
    const token = await app.api.chatToken(target.roomId);
    if (!isCurrent(target)) return;
    target.spareToken = token;
    $('rejoin-state').textContent = 'You can rejoin this room.';
    $('rejoin').hidden = false;
    $('check-rejoin').hidden = true;
  } catch (error) {
    if (!isCurrent(target)) return;
    $('rejoin-state').textContent = `${describeError(error)} You cannot rejoin${error?.code === 'banned' ? ' while the ban lasts' : ''}.`;
    $('rejoin').hidden = true;
    if (error?.code === 'banned' || error?.status === 429 || error?.status >= 500 || error?.status === 0) pollRejoin(target);
  }
}

function isCurrent(target) {
  return target === app.chat || (target === app.pendingRejoin && !app.chat);
}

function pollRejoin(target) {
  if (!target.rejoinTimer && target !== app.chat) app.pendingRejoin = target;
  $('check-rejoin').hidden = false;
  clearTimeout(target.rejoinTimer);
  target.rejoinTimer = setTimeout(() => isCurrent(target) && checkRejoin(target), REJOIN_POLL_MS);
}

async function onChatState(chat, state, detail) {
  if (chat !== app.chat) return;
  if (state !== 'closed') {
    showState(state);
    if (state === 'connected' && detail === 'reconnected') {
      fillGap(chat);
      refreshHeld(chat);
    }
    return;
  }
  // Held messages are read again once connected again (the room may be gone).
  clearTimeout(chat.heldTimer);
  if (detail === 'clientDisconnect') return;
  let why = DISCONNECT_REASONS[detail] ?? detail;
  if (chat.disconnectedBecause) why = `disconnected by a moderator (${chat.disconnectedBecause})`;
  else if (detail === 'fetchTokenError' && chat.tokenError) why = describeError(chat.tokenError).replace(/\.$/, '');
  showState('closed', why);
  const ended = sentence(`Session ended: ${why}`);
  if (app.session.role === 'viewer' && detail !== 'fetchTokenError') {
    endedView(ended, '', true);
    return;
  }
  endedView(ended, 'Checking whether you can rejoin…');
  // The ban routes store the ban before they disconnect, but review's strikes do both at once:
  // give the ban a moment to be stored before asking.
  if (/^(banned|timed out)/i.test(chat.disconnectedBecause ?? '')) await new Promise((resolve) => setTimeout(resolve, 1_500));
  if (chat !== app.chat) return;
  await checkRejoin(chat);
}

function onRejoin() {
  const target = app.chat ?? app.pendingRejoin;
  if (!target) return;
  const token = target.spareToken && new Date(target.spareToken.tokenExpirationTime).getTime() > Date.now() + 2_000 ? target.spareToken : undefined;
  joinRoom(target.roomId, token);
}

// --- the moderation panel ----------------------------------------------------------------------

function panelUser() {
  const input = $('moderate-user');
  const userId = input.value.trim();
  const problem = userIdProblem(userId);
  if (problem) {
    moderationStatus(problem);
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return null;
  }
  input.removeAttribute('aria-invalid');
  return userId;
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
    moderationStatus(`${userId} is no longer banned.`);
  } catch (error) {
    moderationStatus(`Not unbanned: ${describeError(error)}`);
  }
  await refreshBans();
  $('moderation-title').focus();
}

// --- held messages -------------------------------------------------------------------------------

function resetHeld() {
  if (app.chat) clearTimeout(app.chat.heldTimer);
  $('held').hidden = true;
  $('held-list').replaceChildren();
  $('held-count').textContent = '';
  $('held-status').textContent = '';
}

function heldItem(held) {
  const name = held.sender?.attributes?.displayName || held.sender?.userId || '?';
  const rules = (held.rules ?? []).join(', ');
  return el(
    'li',
    { 'data-held-id': held.id, 'data-sender': held.sender?.userId },
    el('span', { class: 'ban-user' }, name, ' ', el('span', { class: 'user-id' }, `@${held.sender?.userId}`)),
    el('p', { class: 'content' }, held.content),
    el(
      'span',
      { class: 'held-details' },
      'held ',
      timeOf(new Date(held.heldAt)),
      rules ? ` · ${rules}` : '',
      ' · waits until ',
      timeOf(new Date(held.expiresAt)),
    ),
    el(
      'span',
      { class: 'inline' },
      el('button', { type: 'button', onclick: () => decideHeld(held, 'approve'), 'aria-label': `Approve the message from ${name}` }, 'Approve'),
      el('button', { type: 'button', class: 'danger', onclick: () => decideHeld(held, 'reject'), 'aria-label': `Reject the message from ${name}` }, 'Reject'),
    ),
  );
}

/**
 * Reads the room's held messages into the panel (new ones added, decided or expired ones
 * removed, the others left as they are so the focus stays), then again every few seconds. A
 * stack that does not serve the route gets no section.
 */
async function refreshHeld(chat) {
  if (chat !== app.chat || !isModerator()) return;
  clearTimeout(chat.heldTimer);
  try {
    const page = await app.api.heldMessages(chat.roomId);
    if (chat !== app.chat) return;
    const items = page?.items ?? [];
    const list = $('held-list');
    const ids = new Set(items.map((held) => held.id));
    for (const item of [...list.children]) if (!ids.has(item.dataset.heldId)) item.remove();
    let previous = null;
    for (const held of items) {
      let item = list.querySelector(`li[data-held-id="${CSS.escape(held.id)}"]`);
      if (!item) {
        item = heldItem(held);
        list.insertBefore(item, previous ? previous.nextSibling : list.firstChild);
      }
      previous = item;
    }
    $('held-count').textContent = `(${items.length}${page?.nextToken ? '+' : ''})`;
    list.dataset.loaded = 'true';
    if (!items.length) $('held-status').textContent ||= 'Nothing is waiting.';
    else if ($('held-status').textContent === 'Nothing is waiting.') $('held-status').textContent = '';
    $('held').hidden = false;
  } catch (error) {
    if (chat !== app.chat) return;
    if (routeMissing(error)) {
      $('held').hidden = true;
      return;
    }
    $('held-status').textContent = `Held messages could not be read: ${describeError(error)}`;
    if (error?.code === 'room_not_found') return;
  }
  // Not while the session is over (the room may be gone): reading again once reconnected.
  const over = () => chat.wasConnected && chat.room?.state === 'disconnected';
  if (!over()) chat.heldTimer = setTimeout(() => !over() && refreshHeld(chat), HELD_POLL_MS);
}

async function decideHeld(held, decision) {
  const chat = app.chat;
  if (!chat) return;
  const name = held.sender?.attributes?.displayName || held.sender?.userId;
  const list = $('held-list');
  const item = list.querySelector(`li[data-held-id="${CSS.escape(held.id)}"]`);
  const next = item?.nextElementSibling ?? item?.previousElementSibling;
  let text;
  try {
    await app.api.decideHeld(chat.roomId, held.id, decision);
    text = decision === 'approve' ? `Approved: the message from ${name} is delivered to the room.` : `Rejected: the message from ${name} is discarded.`;
  } catch (error) {
    text =
      error?.status === 409
        ? `The message from ${name} was not ${decision}d: ${sentence(error.message)}`
        : error?.status === 404
          ? `The message from ${name} is no longer held (decided by someone else, or expired).`
          : `Not ${decision}d: ${describeError(error)}`;
  }
  if (chat !== app.chat) return;
  $('held-status').textContent = text;
  announce(text);
  await refreshHeld(chat);
  // The focus moves to the next message waiting, or to the section.
  const target = next?.isConnected ? next.querySelector('button') : list.querySelector('button');
  (target ?? $('refresh-held')).focus();
}

// --- drawers (phones) ----------------------------------------------------------------------------

function openDrawer(id) {
  closeDrawers(false);
  $(id).classList.add('open');
  document.querySelector(`.drawer-open[data-drawer="${id}"]`)?.setAttribute('aria-expanded', 'true');
  $(`${id}-title`).focus();
}

function closeDrawers(focusToggle = true) {
  for (const panel of document.querySelectorAll('.side.open')) {
    panel.classList.remove('open');
    const toggle = document.querySelector(`.drawer-open[data-drawer="${panel.id}"]`);
    toggle?.setAttribute('aria-expanded', 'false');
    if (focusToggle) toggle?.focus();
  }
}

function onEscape(event) {
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  if (document.querySelector('dialog[open]')) return;
  if (event.target.closest?.('#room-form')) {
    event.preventDefault();
    cancelRoomForm();
    return;
  }
  if (document.querySelector('.side.open')) {
    event.preventDefault();
    closeDrawers();
  }
}

// --- start -------------------------------------------------------------------------------------

function restoreSession() {
  const saved = readJson(sessionStorage, SESSION_KEY, null);
  if (!saved?.apiUrl) return false;
  if (saved.jwt) {
    const exp = claimsOf(saved.jwt)?.exp;
    if (exp && exp * 1000 < Date.now() + 30_000) {
      writeJson(sessionStorage, SESSION_KEY, null);
      $('sign-in-error').textContent = 'Your sign-in has expired. Sign in again.';
      return false;
    }
  }
  signedIn(saved, { room: roomFromUrl() ?? saved.room });
  return true;
}

async function start() {
  $('local-sign-in').addEventListener('submit', onLocalSignIn);
  $('sign-in-role').addEventListener('change', onRoleChange);
  $('remote-sign-in').addEventListener('submit', onRemoteSignIn);
  $('sign-out').addEventListener('click', signOut);
  $('join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    joinRoom($('join-room-id').value.trim());
  });
  $('refresh-rooms').addEventListener('click', refreshRooms);
  $('room-form').addEventListener('submit', onRoomForm);
  $('room-form-cancel').addEventListener('click', cancelRoomForm);
  $('composer').addEventListener('submit', onSend);
  $('message-input').addEventListener('input', updateCounter);
  $('messages').addEventListener('scroll', onLogScroll, { passive: true });
  $('messages').addEventListener('keydown', onLogKey);
  $('messages').addEventListener('focusin', (event) => {
    const item = event.target.closest?.('#messages > li');
    if (item && event.target === item) setActiveItem(item);
  });
  $('new-messages').addEventListener('click', () => {
    scrollToNewest();
    setActiveItem($('messages').lastElementChild, true);
  });
  $('leave').addEventListener('click', () => leaveRoom({ focus: true }));
  $('rejoin').addEventListener('click', onRejoin);
  $('check-rejoin').addEventListener('click', () => {
    const target = app.chat ?? app.pendingRejoin;
    if (target) checkRejoin(target);
  });
  $('disconnect-user').addEventListener('click', () => {
    const userId = panelUser();
    if (userId) askDisconnect(userId);
  });
  $('ban-user').addEventListener('click', () => {
    const userId = panelUser();
    if (userId) askBan(userId);
  });
  $('refresh-bans').addEventListener('click', refreshBans);
  $('refresh-held').addEventListener('click', () => app.chat && refreshHeld(app.chat));
  initSettings({ api: () => app.api, describeError, announce });
  $('user-card-close').addEventListener('click', closeUserCard);
  $('user-card').addEventListener('close', () => {
    const back = $('user-card').returnFocus;
    if (back?.isConnected) back.focus();
  });
  $('user-card-disconnect').addEventListener('click', () => {
    const { userId, name } = $('user-card').dataset;
    closeUserCard();
    askDisconnect(userId, name);
  });
  $('user-card-ban').addEventListener('click', () => {
    const { userId, name } = $('user-card').dataset;
    closeUserCard();
    askBan(userId, name);
  });
  $('user-card-timeout').addEventListener('click', () => {
    const { userId, name } = $('user-card').dataset;
    closeUserCard();
    askTimeout(userId, name);
  });
  $('user-card-ban-remove').addEventListener('click', () => {
    const { userId, name } = $('user-card').dataset;
    closeUserCard();
    askBan(userId, name, { remove: true });
  });
  for (const button of document.querySelectorAll('.drawer-open')) {
    button.addEventListener('click', () => openDrawer(button.dataset.drawer));
  }
  for (const button of document.querySelectorAll('.drawer-close')) button.addEventListener('click', () => closeDrawers());
  document.addEventListener('keydown', onEscape);

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
  if (roomFromUrl()) $('join-room-id').value = roomFromUrl();
  restoreSession();
  document.body.dataset.ready = 'true';
}

start();
