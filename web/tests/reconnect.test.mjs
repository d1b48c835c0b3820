// Reconnection: when the socket drops, the SDK connects again; the page then fills the gap
// from the history (since the last message it saw, merged by id), and says so when the gap
// cannot be filled.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import { WAIT_MS, browserTest, closeBrowser, connected, demoRoom, join, messageWith, send, unique } from './harness.mjs';

after(closeBrowser);

/** Keeps the page's WebSockets within reach of the test, to drop one as a network would. */
async function droppable(page) {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    window.openSockets = [];
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        window.openSockets.push(this);
      }
    };
  });
}

/** Drops the page's live chat socket: an abnormal closure (1006), as when the network fails. */
async function dropSocket(page) {
  await page.evaluate(() => {
    const socket = window.openSockets.filter((s) => s.readyState === WebSocket.OPEN).at(-1);
    socket.dispatchEvent(new CloseEvent('close', { code: 1006, wasClean: false }));
    socket.close();
  });
}

/** Holds the page's next chat-token request until `release()`. */
async function holdNextToken(page) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  let held = false;
  await page.route('**/chat-token', async (route) => {
    if (!held) {
      held = true;
      await released;
    }
    await route.continue();
  });
  return release;
}

browserTest('a message sent while the socket was down is filled in from the history after the reconnect', async (env) => {
  const page = await env.open({ user: unique('rae'), beforeLoad: droppable });
  const other = await env.open({ user: unique('ola') });
  await join(page, demoRoom);
  await join(other, demoRoom);
  await page.locator('#messages[data-history="loaded"]').waitFor({ timeout: WAIT_MS });
  const before = unique('before the drop ');
  await send(other, before);
  await messageWith(page, before).waitFor({ timeout: WAIT_MS });

  const release = await holdNextToken(page);
  await dropSocket(page);
  await page.locator('#connection[data-state="reconnecting"]').waitFor({ timeout: WAIT_MS });
  const missed = unique('sent in the gap ');
  await send(other, missed);
  await messageWith(other, missed).waitFor({ timeout: WAIT_MS });
  await page.waitForTimeout(2_500); // the chat log's delivery to the history (about a second here)
  assert.equal(await messageWith(page, missed).count(), 0, 'not delivered live');
  release();
  await connected(page);
  await messageWith(page, missed).waitFor({ timeout: WAIT_MS });
  assert.equal(await messageWith(page, missed).count(), 1, 'shown once');
  assert.equal(await messageWith(page, before).count(), 1, 'what was seen is not shown twice');
  await page.locator('#messages li.system', { hasText: 'sent while the connection was down' }).waitFor({ timeout: WAIT_MS });
  const order = await page.locator('#messages li.message .content').allTextContents();
  assert.ok(order.indexOf(before) < order.indexOf(missed), 'in send order');
  const later = unique('after the reconnect ');
  await send(other, later);
  await messageWith(page, later).waitFor({ timeout: WAIT_MS });
});

browserTest('when the gap cannot be filled, the page says so', async (env) => {
  env.expectStatus(500);
  const page = await env.open({ user: unique('rae'), beforeLoad: droppable });
  await join(page, demoRoom);
  await page.locator('#messages[data-history="loaded"]').waitFor({ timeout: WAIT_MS });
  await page.route('**/history?*', (route) => route.fulfill({ status: 500, json: { message: 'store unavailable', code: 'internal' } }));
  await dropSocket(page);
  await connected(page);
  const warning = page.locator('#messages li.system.warning', { hasText: 'Messages sent while the connection was down could not be loaded' });
  await warning.waitFor({ timeout: WAIT_MS });
  assert.match(await warning.textContent(), /The chat service had a problem/);
});
