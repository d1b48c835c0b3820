// A room's live moderation settings in the moderation panel (GET/PUT
// /rooms/{roomId}/moderation): blocked terms (mask, deny or hold), allowed terms, links, slow
// mode, strikes, category levels and how long held messages wait. The whole document goes
// back with the version it was read at, so a concurrent edit is reported (409) instead of
// lost; a 400 is shown next to the field it names; a save says what was saved.

import { routeMissing } from './api.js';
import { $, el } from './dom.js';

/** The API's limits (see RoomModerationSettings in api/openapi.yaml). */
const MAX_TERMS = 1000;
const MAX_TERM_CHARS = 100;
const CATEGORIES = [
  ['profanity', 'Profanity'],
  ['sexual', 'Sexual'],
  ['discrimination', 'Discrimination'],
  ['hostility', 'Hostility'],
];
const ACTIONS = [
  ['mask', 'mask'],
  ['deny', 'deny'],
  ['hold', 'hold'],
];
const STRIKE_DEFAULTS = { limit: 3, windowMinutes: 10, timeoutMinutes: 10 };
const FIELD_LABELS = {
  links: 'Links',
  slowModeSeconds: 'Slow mode',
  strikes: 'Strikes',
  'strikes.limit': 'Refused messages',
  'strikes.windowMinutes': 'Within minutes',
  'strikes.timeoutMinutes': 'Timeout minutes',
  heldMessageMinutes: 'Held messages wait',
  blockedTerms: 'Blocked terms',
  allowedTerms: 'Allowed terms',
  version: 'Version',
  body: 'The settings',
};
for (const [name, label] of CATEGORIES) FIELD_LABELS[`categories.${name}`] = label;

/** What the page gives this module: {api(), describeError(error), announce(text)}. */
let page;
const state = { roomId: null, version: undefined, saving: false };
let rowIds = 0;

const lists = {
  blocked: { list: 'blocked-list', input: 'blocked-new', error: 'error-blocked-new', count: 'blocked-count', label: 'Blocked term' },
  allowed: { list: 'allowed-list', input: 'allowed-new', error: 'error-allowed-new', count: 'allowed-count', label: 'Allowed term' },
};

function sentence(text) {
  return `${String(text).trim().replace(/[.!?…]+$/u, '')}.`;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : 'an unknown time';
}

/** "Version N, saved by X at T" (version 0: never saved). */
function describeVersion(doc) {
  if (!doc.version) return 'Never changed in this room: the stack’s policy applies (version 0).';
  return `Version ${doc.version}, saved by ${doc.updatedBy ?? 'someone'} at ${when(doc.updatedAt)}.`;
}

// --- term lists --------------------------------------------------------------------------------

function rows(kind) {
  return [...$(lists[kind].list).children];
}

function relabel(kind) {
  const { label, count } = lists[kind];
  const items = rows(kind);
  items.forEach((row, i) => {
    const term = row.querySelector('input').value;
    row.querySelector('input').setAttribute('aria-label', `${label} ${i + 1}`);
    row.querySelector('select')?.setAttribute('aria-label', `Action for ${label.toLowerCase()} ${i + 1}`);
    row.querySelector('button').setAttribute('aria-label', `Remove ${label.toLowerCase()} “${term}”`);
  });
  $(count).textContent = `${items.length} of ${MAX_TERMS}`;
}

function termRow(kind, term, action) {
  rowIds += 1;
  const errorId = `term-error-${rowIds}`;
  const input = el('input', { value: term, maxlength: MAX_TERM_CHARS, spellcheck: 'false', 'aria-describedby': errorId });
  input.value = term;
  const select =
    kind === 'blocked'
      ? el('select', {}, ...ACTIONS.map(([value, text]) => el('option', { value }, text)))
      : null;
  if (select) select.value = action;
  const row = el(
    'li',
    {},
    input,
    select,
    el('button', { type: 'button', class: 'danger', onclick: () => removeTerm(kind, row) }, 'Remove'),
    el('p', { class: 'field-error', id: errorId }),
  );
  input.addEventListener('input', () => {
    row.querySelector('button').setAttribute('aria-label', `Remove ${lists[kind].label.toLowerCase()} “${input.value}”`);
  });
  return row;
}

function removeTerm(kind, row) {
  const items = rows(kind);
  const at = items.indexOf(row);
  const term = row.querySelector('input').value;
  row.remove();
  relabel(kind);
  unsaved();
  page.announce(`Removed “${term}”. Save the settings to apply.`);
  const next = rows(kind)[Math.min(at, rows(kind).length - 1)];
  (next?.querySelector('button') ?? $(lists[kind].input)).focus();
}

function addTerm(kind) {
  const { input: inputId, error: errorId } = lists[kind];
  const input = $(inputId);
  const error = $(errorId);
  const term = input.value.trim();
  const known = rows(kind).map((row) => row.querySelector('input').value.trim().toLowerCase());
  let problem = '';
  if (!term) problem = 'Enter a word or phrase.';
  else if ([...term].length > MAX_TERM_CHARS) problem = `A term has at most ${MAX_TERM_CHARS} characters.`;
  else if (known.includes(term.toLowerCase())) problem = `“${term}” is already listed.`;
  else if (known.length >= MAX_TERMS) problem = `At most ${MAX_TERMS} terms: remove one first.`;
  error.textContent = problem;
  if (problem) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  const action = kind === 'blocked' ? $('blocked-new-action').value : undefined;
  $(lists[kind].list).append(termRow(kind, term, action));
  relabel(kind);
  input.value = '';
  input.focus();
  unsaved();
  page.announce(`Added “${term}”${action ? ` (${action})` : ''}. Save the settings to apply.`);
}

// --- the form ----------------------------------------------------------------------------------

function strikesChanged() {
  const on = $('set-strikes').checked;
  for (const name of ['limit', 'windowMinutes', 'timeoutMinutes']) {
    const input = $(`set-strikes-${name}`);
    input.disabled = !on;
    if (on && !input.value) input.value = String(STRIKE_DEFAULTS[name]);
  }
}

function fill(doc) {
  state.version = doc.version;
  $('blocked-list').replaceChildren(...(doc.blockedTerms ?? []).map((t) => termRow('blocked', t.term, t.action)));
  $('allowed-list').replaceChildren(...(doc.allowedTerms ?? []).map((t) => termRow('allowed', t)));
  relabel('blocked');
  relabel('allowed');
  $('set-links').value = doc.links ?? '';
  $('set-slowModeSeconds').value = String(doc.slowModeSeconds ?? 0);
  $('set-strikes').checked = Boolean(doc.strikes);
  for (const name of ['limit', 'windowMinutes', 'timeoutMinutes']) {
    $(`set-strikes-${name}`).value = String(doc.strikes?.[name] ?? STRIKE_DEFAULTS[name]);
  }
  strikesChanged();
  for (const [name] of CATEGORIES) $(`set-categories-${name}`).value = String(doc.categories?.[name] ?? 0);
  $('set-heldMessageMinutes').value = String(doc.heldMessageMinutes ?? 60);
  $('settings-version').textContent = describeVersion(doc);
  $('settings-details').dataset.version = String(doc.version);
}

function clearErrors() {
  const form = $('settings-form');
  for (const node of form.querySelectorAll('.field-error')) node.textContent = '';
  for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  $('settings-error').textContent = '';
  $('settings-conflict').hidden = true;
}

function unsaved() {
  $('settings-status').textContent = 'Changes not saved yet.';
}

/** The input and the error line of a field the API names, e.g. `blockedTerms[2].term`. */
function fieldTarget(field) {
  const row = /^(blockedTerms|allowedTerms)\[(\d+)\](\.(\w+))?$/.exec(field);
  if (row) {
    const item = rows(row[1] === 'blockedTerms' ? 'blocked' : 'allowed')[Number(row[2])];
    if (!item) return null;
    const kind = row[1] === 'blockedTerms' ? 'Blocked term' : 'Allowed term';
    const input = row[4] === 'action' ? item.querySelector('select') : item.querySelector('input');
    return { input, error: item.querySelector('.field-error'), label: `${kind} ${Number(row[2]) + 1} (“${item.querySelector('input').value}”)` };
  }
  if (field === 'blockedTerms') return { input: $('blocked-new'), error: $('error-blockedTerms'), label: FIELD_LABELS[field] };
  if (field === 'allowedTerms') return { input: $('allowed-new'), error: $('error-allowedTerms'), label: FIELD_LABELS[field] };
  const id = field.replace(/\./g, '-');
  const input = $(`set-${id}`);
  const error = $(`error-${id}`);
  return input && error ? { input, error, label: FIELD_LABELS[field] ?? field } : null;
}

/** Shows `message` beside `field` (or under the form when no field of it is known) and focuses it. */
function showFieldError(field, message) {
  const detail = String(message ?? '').replace(new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\s*`), '');
  const target = field ? fieldTarget(field) : null;
  if (!target) {
    $('settings-error').textContent = sentence(`Not saved: ${detail}`);
    return;
  }
  target.error.textContent = sentence(`${target.label}: ${detail}`);
  target.input.setAttribute('aria-invalid', 'true');
  target.input.focus();
  $('settings-status').textContent = 'Not saved: see the field marked above.';
}

/** The body to PUT, or null after showing what must be fixed first. */
function collect() {
  let first = null;
  const whole = (id, field) => {
    const text = $(id).value.trim();
    if (/^-?\d+$/.test(text)) return Number(text);
    const target = fieldTarget(field);
    target.error.textContent = sentence(`${target.label}: enter a whole number`);
    target.input.setAttribute('aria-invalid', 'true');
    first ??= target.input;
    return null;
  };
  const body = {
    blockedTerms: rows('blocked').map((row) => ({ term: row.querySelector('input').value.trim(), action: row.querySelector('select').value })),
    allowedTerms: rows('allowed').map((row) => row.querySelector('input').value.trim()),
    links: $('set-links').value || null,
    slowModeSeconds: whole('set-slowModeSeconds', 'slowModeSeconds'),
    strikes: $('set-strikes').checked
      ? {
          limit: whole('set-strikes-limit', 'strikes.limit'),
          windowMinutes: whole('set-strikes-windowMinutes', 'strikes.windowMinutes'),
          timeoutMinutes: whole('set-strikes-timeoutMinutes', 'strikes.timeoutMinutes'),
        }
      : null,
    categories: Object.fromEntries(CATEGORIES.map(([name]) => [name, Number($(`set-categories-${name}`).value)])),
    heldMessageMinutes: whole('set-heldMessageMinutes', 'heldMessageMinutes'),
  };
  if (first) {
    first.focus();
    $('settings-status').textContent = 'Not saved: see the fields marked above.';
    return null;
  }
  if (state.version !== undefined) body.version = state.version;
  return body;
}

async function save(event) {
  event.preventDefault();
  const roomId = state.roomId;
  if (!roomId || state.saving) return;
  clearErrors();
  const body = collect();
  if (!body) return;
  state.saving = true;
  $('settings-status').textContent = 'Saving…';
  try {
    const saved = await page.api().putRoomModeration(roomId, body);
    if (roomId !== state.roomId) return;
    fill(saved);
    const text = `Saved: version ${saved.version}, by ${saved.updatedBy ?? 'you'} at ${when(saved.updatedAt)}. Messages follow it within seconds.`;
    $('settings-status').textContent = text;
  } catch (error) {
    if (roomId !== state.roomId) return;
    if (error.status === 400 && error.field) {
      showFieldError(error.field, error.message);
    } else if (error.status === 409) {
      const now = /now version (\d+)/.exec(error.message ?? '')?.[1];
      $('settings-conflict-text').textContent =
        `Not saved: another moderator saved these settings after you loaded them${now ? ` (now version ${now})` : ''}. ` +
        'Your changes are still in the form; load the latest settings and make them again.';
      $('settings-conflict').hidden = false;
      $('settings-status').textContent = '';
      $('settings-load-latest').focus();
    } else {
      $('settings-error').textContent = `Not saved: ${page.describeError(error)}`;
      $('settings-status').textContent = '';
    }
  } finally {
    state.saving = false;
  }
}

/** Reads the room's settings into the form (discarding unsaved changes). */
async function load(roomId, { after = '' } = {}) {
  clearErrors();
  try {
    const doc = await page.api().roomModeration(roomId);
    if (roomId !== state.roomId) return;
    fill(doc);
    $('settings-details').hidden = false;
    $('settings-status').textContent = after ? `${after} ${describeVersion(doc)}` : '';
  } catch (error) {
    if (roomId !== state.roomId) return;
    // A stack without live room moderation: nothing to edit.
    if (routeMissing(error)) {
      $('settings-details').hidden = true;
      return;
    }
    $('settings-error').textContent = `The room’s settings could not be read: ${page.describeError(error)}`;
  }
}

// --- for the page ------------------------------------------------------------------------------

/** Wires the form; `context`: {api(), describeError(error), announce(text)}. */
export function initSettings(context) {
  page = context;
  $('category-levels').replaceChildren(
    ...CATEGORIES.map(([name, label]) =>
      el(
        'div',
        {},
        el(
          'label',
          {},
          label,
          el(
            'select',
            { id: `set-categories-${name}`, name: `categories.${name}`, 'aria-describedby': `error-categories-${name}` },
            ...[0, 1, 2, 3, 4].map((level) => el('option', { value: level }, level === 0 ? '0 (off)' : level === 4 ? '4 (most)' : String(level))),
          ),
        ),
        el('p', { class: 'field-error', id: `error-categories-${name}` }),
      ),
    ),
  );
  $('settings-form').addEventListener('submit', save);
  $('settings-form').addEventListener('input', (event) => {
    if (event.target.closest('#blocked-new, #allowed-new')) return;
    unsaved();
  });
  $('set-strikes').addEventListener('change', strikesChanged);
  $('blocked-add').addEventListener('click', () => addTerm('blocked'));
  $('allowed-add').addEventListener('click', () => addTerm('allowed'));
  for (const kind of Object.keys(lists)) {
    $(lists[kind].input).addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        addTerm(kind);
      }
    });
  }
  $('settings-reload').addEventListener('click', () => state.roomId && load(state.roomId, { after: 'Reloaded:' }));
  $('settings-load-latest').addEventListener('click', async () => {
    if (!state.roomId) return;
    await load(state.roomId, { after: 'Loaded the latest settings; make your changes again.' });
    $('settings-title').focus();
  });
}

/** Shows the settings of `roomId` (a moderator joined it). */
export function loadSettings(roomId) {
  state.roomId = roomId;
  state.version = undefined;
  $('settings-status').textContent = '';
  return load(roomId);
}

/** Forgets the room (left, or signed out). */
export function resetSettings() {
  state.roomId = null;
  state.version = undefined;
  clearErrors();
  $('blocked-list').replaceChildren();
  $('allowed-list').replaceChildren();
  $('settings-status').textContent = '';
  $('settings-version').textContent = '';
}
