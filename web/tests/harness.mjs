// Shared set-up of the browser tests: the running stack (from the stack.json that
// `ivschat-local up` wrote; scripts/browser-test starts it), Chromium through playwright-core
// (the system's browser, no download), one browser context per user, and checks that each
// page logged no error. A failing test keeps a screenshot of every page it opened in
// web/test-results/ (git-ignored).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = path.join(WEB_ROOT, 'test-results');
/** How long a test waits for something the stack should do at once. */
export const WAIT_MS = 15_000;
const TEST_TIMEOUT_MS = 120_000;

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Only loopback traffic: every other host name fails to resolve.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];
const DISABLED_FEATURES = ['AutofillServerCommunication', 'OptimizationHints'];

function loadStack() {
  const file = process.env.IVSCHAT_STACK_FILE;
  if (!file) throw new Error('IVSCHAT_STACK_FILE is not set: run the browser tests with scripts/browser-test');
  const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!stack.consoleUrl) throw new Error(`${file} names no consoleUrl: is the web console served?`);
  return stack;
}

export const stack = loadStack();

// While developing, `CONSOLE_DIST=dist` serves the page's bundle from that folder instead of
// the one embedded in ivschat-local (no rebuild of the binary after each `npm run build`).
const DIST_OVERRIDE = process.env.CONSOLE_DIST ? path.resolve(WEB_ROOT, process.env.CONSOLE_DIST) : null;
// A page the test fulfils has no address: without this, Chromium would treat it as public and
// refuse its requests to the loopback stack.
if (DIST_OVERRIDE) DISABLED_FEATURES.push('LocalNetworkAccessChecks');
const CONTENT_TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

async function serveDistFromDisk(context) {
  if (!DIST_OVERRIDE) return;
  await context.route(`${stack.consoleUrl}**`, async (route) => {
    const url = new URL(route.request().url());
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const file = path.join(DIST_OVERRIDE, name);
    if (!Object.hasOwn(CONTENT_TYPES, path.extname(name)) || !fs.existsSync(file)) return route.fallback();
    const response = await route.fetch();
    await route.fulfill({ response, body: fs.readFileSync(file), headers: { ...response.headers(), 'content-type': CONTENT_TYPES[path.extname(name)] } });
  });
}

// axe-core (a devDependency) runs inside the page, loaded from node_modules: no network.
const AXE_SOURCE = fs.readFileSync(path.join(WEB_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is now (its WCAG 2.0 to 2.2 A and AA rules, target size
 * included, and its best practices) and fails with the violations, if any. `what` names the view.
 */
export async function audit(page, what) {
  // Evaluated by the browser's debugging protocol, which the page's CSP does not govern.
  if (!(await page.evaluate(() => Boolean(globalThis.axe)))) await page.evaluate(AXE_SOURCE);
  const [checked, violations] = await page.evaluate(async () => {
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
    const result = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return [result.passes.length, result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`).join('\n    ')}`)];
  });
  assert.ok(checked > 10, `axe-core ran (${checked} rules passed)`);
  assert.deepEqual(violations, [], `axe-core found accessibility problems in ${what}:\n${violations.join('\n')}`);
}
export const demoRoom = stack.rooms.DemoRoom;

/** A short unique suffix for user ids and messages of one test. */
export function unique(prefix) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** A JWT of the local issuer (what the console's sign-in asks for), for calls from the test. */
export async function jwtFor(user, groups = []) {
  const response = await fetch(`${stack.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, groups }),
  });
  assert.equal(response.status, 200, 'the local issuer mints a token');
  return (await response.json()).idToken;
}

/** The HTTP API called directly (not through a page): [status, body]. */
export async function callApi(method, route, jwt, body) {
  const headers = {};
  if (jwt) headers.authorization = `Bearer ${jwt}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${stack.apiUrl}${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return [response.status, text ? JSON.parse(text) : null];
}

/**
 * The demo room's name as IVS Chat keeps it (`name` of GET /rooms/{id}, the template's
 * `${AWS::StackName}-demo`): the one name every role's page must show for it.
 */
export const demoRoomName = await (async () => {
  const [status, room] = await callApi('GET', `/rooms/${demoRoom}`, await jwtFor(unique('root'), ['admins']));
  assert.equal(status, 200, JSON.stringify(room));
  assert.ok(room.name, 'the demo room has a name');
  return room.name;
})();

let browser;
async function sharedBrowser() {
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, `--disable-features=${DISABLED_FEATURES.join(',')}`],
    headless: true,
  });
  return browser;
}

/** Closes the file's browser (call from `after`). */
export async function closeBrowser() {
  if (browser) await browser.close();
  browser = undefined;
}

function safeName(text) {
  return text.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/**
 * `browserTest(name, async (env) => ...)`: a node:test test with `env.open(...)` to open the
 * console as a user. After the body, every page must have logged no error (other than the
 * HTTP statuses the test names in `env.expectStatus(...)`); on failure every page is
 * screenshotted into test-results/, beside the chat SDK's log of that page.
 */
export function browserTest(name, body, { timeout = TEST_TIMEOUT_MS } = {}) {
  test(name, { timeout }, async () => {
    const pages = [];
    const contexts = [];
    const expectedStatuses = new Set();
    const env = {
      pages,
      expectStatus: (...statuses) => statuses.forEach((s) => expectedStatuses.add(s)),
      /** Opens the console in a new context and signs in; `role`: viewer, user, moderator or admin. */
      open: async ({ user, role = 'user', name, picture, viewport = { width: 1280, height: 860 }, signIn = true, query = '', beforeLoad } = {}) => {
        const context = await (await sharedBrowser()).newContext({ viewport });
        contexts.push(context);
        await serveDistFromDisk(context);
        const page = await context.newPage();
        page.label = user ?? role;
        page.problems = [];
        page.on('console', (message) => {
          if (message.type() === 'error') page.problems.push(`console error: ${message.text()}`);
        });
        page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
        pages.push(page);
        if (beforeLoad) await beforeLoad(page);
        await page.goto(`${stack.consoleUrl}${query}`);
        await page.locator('body[data-ready="true"]').waitFor({ timeout: WAIT_MS });
        if (signIn) await signInAs(page, { user, role, name, picture });
        return page;
      },
    };
    try {
      await body(env);
      for (const page of pages) {
        const unexpected = page.problems.filter((problem) => {
          const status = /status of (\d{3})/.exec(problem);
          return !(status && expectedStatuses.has(Number(status[1])));
        });
        assert.deepEqual(unexpected, [], `${page.label}'s page logged errors`);
      }
    } catch (error) {
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      for (const page of pages) {
        const file = path.join(RESULTS_DIR, `${safeName(name)}--${safeName(page.label)}.png`);
        try {
          await page.screenshot({ path: file, fullPage: true });
          console.error(`screenshot: ${file}`);
          // The chat SDK's own log lines (kept by the page), and what the page logged.
          const sdkLog = await page.evaluate(() => globalThis.ivschatConsole?.sdkLog ?? []);
          fs.writeFileSync(file.replace(/\.png$/, '.log'), [...page.problems, ...sdkLog].join('\n'));
        } catch {
          // A closed page has nothing to show.
        }
      }
      throw error;
    } finally {
      for (const context of contexts) await context.close().catch(() => {});
    }
  });
}

/** Fills the local sign-in form and waits for the workspace. */
export async function signInAs(page, { user, role = 'user', name, picture }) {
  await page.locator('#sign-in-role').selectOption(role);
  if (role !== 'viewer') {
    await page.locator('#sign-in-user').fill(user);
    if (name) await page.locator('#sign-in-name').fill(name);
    if (picture) await page.locator('#sign-in-picture').fill(picture);
  }
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#workspace').waitFor({ state: 'visible', timeout: WAIT_MS });
}

/** Joins `roomId` (a listed room, else through the room id field) and waits until connected. */
export async function join(page, roomId) {
  // On a phone, in a room, the rooms are in a drawer.
  if (await page.locator('#open-rooms').isVisible()) await page.locator('#open-rooms').click();
  const listed = page.locator(`#room-list li[data-room-id="${roomId}"] button`, { hasText: 'Join' });
  if (await listed.count()) await listed.click();
  else {
    await page.locator('#join-room-id').fill(roomId);
    await page.locator('#join-form button[type="submit"]').click();
  }
  await connected(page);
}

export async function connected(page) {
  await page.locator('#connection[data-state="connected"]').waitFor({ timeout: WAIT_MS });
}

/** Types `text` into the message box and presses Enter. */
export async function send(page, text) {
  await page.locator('#message-input').fill(text);
  await page.locator('#message-input').press('Enter');
}

/** The message list item whose content is `text` (a locator). */
export function messageWith(page, text) {
  return page.locator('#messages li.message', { has: page.locator('.content', { hasText: text }) });
}

/** Whether `locator` (a message) is wholly within the message list's visible part. */
export async function inView(page, locator) {
  const list = await page.locator('#messages').boundingBox();
  const item = await locator.boundingBox();
  if (!list || !item) return false;
  return item.y >= list.y - 1 && item.y + item.height <= list.y + list.height + 1;
}

/** Opens the actions menu of the message whose content is `text` (a moderator's page). */
export async function openMessageMenu(page, text) {
  const line = messageWith(page, text);
  await line.waitFor({ timeout: WAIT_MS });
  await line.getByRole('button', { name: /^Actions for the message from / }).click();
  await line.getByRole('menu').waitFor({ timeout: WAIT_MS });
  return line;
}

/** Polls the history route until a message with `text` is in the room's latest 100. */
export async function waitForHistory(roomId, text) {
  const reader = await jwtFor(unique('reader'));
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const [, body] = await callApi('GET', `/rooms/${roomId}/history?limit=100`, reader);
    if ((body?.messages ?? []).some((m) => m.content === text)) return;
    assert.ok(Date.now() < deadline, `the history never got "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A word of letters only (digits would read as leetspeak), unlike anything ordinary. */
export function oddWord(prefix) {
  const letters = Array.from({ length: 6 }, () => 'bcdfghjkmnpqrstvwxz'[Math.floor(Math.random() * 19)]).join('');
  return `${prefix}${letters}`;
}

/** A room of the test's own, reviewed by the stack's review function; `drop()` deletes it. */
export async function ownRoom(prefix) {
  const admin = await jwtFor(unique('root'), ['admins']);
  const [status, room] = await callApi('POST', '/rooms', admin, { name: unique(prefix) });
  assert.equal(status, 201, JSON.stringify(room));
  return { id: room.id, admin, drop: () => callApi('DELETE', `/rooms/${room.id}`, admin) };
}

/**
 * Sends `make(i)` from `page` again and again (each outcome awaited) until one is refused with
 * a reason matching `reason`; review applies new settings within seconds, so a fixed sleep
 * would be a guess. Returns the refusal's line.
 */
export async function sendUntilRefused(page, make, reason) {
  const deadline = Date.now() + WAIT_MS;
  for (let i = 0; ; i += 1) {
    assert.ok(Date.now() < deadline, `no message was refused with ${reason} in time`);
    const text = make(i);
    await send(page, text);
    const refused = page.locator('#send-error p', { hasText: text });
    const delivered = messageWith(page, text);
    await refused.or(delivered).first().waitFor({ timeout: WAIT_MS });
    if (await refused.count()) {
      const line = await refused.first().textContent();
      if (reason.test(line)) return line;
    }
    // Delivered (the new settings are not applied yet) or refused for another reason: again.
    await page.waitForTimeout(250);
  }
}
