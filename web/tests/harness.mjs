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
];

function loadStack() {
  const file = process.env.IVSCHAT_STACK_FILE;
  if (!file) throw new Error('IVSCHAT_STACK_FILE is not set: run the browser tests with scripts/browser-test');
  const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!stack.consoleUrl) throw new Error(`${file} names no consoleUrl: is the web console served?`);
  return stack;
}

export const stack = loadStack();
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

let browser;
async function sharedBrowser() {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
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
