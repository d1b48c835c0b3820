// The console on a phone-sized window and a wide one, the connection state it shows, and the
// SDK's connection renewal with fresh tokens from the API. With UPDATE_SCREENSHOT=1 the wide
// test also writes web/screenshot.png (the README's picture).

import assert from 'node:assert/strict';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

import { WAIT_MS, browserTest, closeBrowser, connected, demoRoom, join, messageWith, send, unique } from './harness.mjs';

after(closeBrowser);

const PHONE = { width: 390, height: 844 };
const WIDE = { width: 1440, height: 900 };

async function box(page, selector) {
  const found = await page.locator(selector).boundingBox();
  assert.ok(found, `${selector} is laid out`);
  return found;
}

async function noSidewaysScrolling(page) {
  const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px window`);
}

browserTest('on a phone-sized window everything is in one column and chatting works', async (env) => {
  const page = await env.open({ user: unique('pat'), name: 'Pat on a phone', role: 'moderator', viewport: PHONE });
  await noSidewaysScrolling(page);
  await join(page, demoRoom);
  const text = unique('from my phone ');
  await send(page, text);
  await messageWith(page, text).waitFor({ timeout: WAIT_MS });
  await noSidewaysScrolling(page);

  const rooms = await box(page, '#rooms');
  const chat = await box(page, '#chat');
  const moderation = await box(page, '#moderation');
  assert.ok(chat.y >= rooms.y + rooms.height, 'chat below rooms');
  assert.ok(moderation.y >= chat.y + chat.height, 'moderation below chat');
  for (const panel of [rooms, chat, moderation]) assert.ok(panel.x + panel.width <= PHONE.width, 'within the window');
  const input = await box(page, '#message-input');
  const button = await box(page, '#composer button');
  assert.ok(button.x + button.width <= PHONE.width && input.width >= 150, 'the message box and its button fit');
});

browserTest('on a wide window rooms, chat and moderation sit side by side', async (env) => {
  const alice = await env.open({ user: 'alice', name: 'Alice', role: 'user', viewport: WIDE });
  const mod = await env.open({ user: 'morgan', name: 'Morgan', role: 'moderator', viewport: WIDE });
  await join(alice, demoRoom);
  await join(mod, demoRoom);
  const rooms = await box(mod, '#rooms');
  const chat = await box(mod, '#chat');
  const moderation = await box(mod, '#moderation');
  assert.ok(rooms.x + rooms.width <= chat.x && chat.x + chat.width <= moderation.x, 'three columns');
  assert.equal(Math.round(rooms.y), Math.round(chat.y));
  assert.equal(Math.round(chat.y), Math.round(moderation.y));
  await noSidewaysScrolling(mod);

  if (process.env.UPDATE_SCREENSHOT === '1') {
    const lines = [
      [alice, 'Hi everyone! Is the launch stream starting soon?'],
      [mod, 'Welcome Alice, it starts in five minutes.'],
      [alice, 'what the fuck, I missed the intro'],
      [alice, 'buy followers at spam dot example'],
    ];
    for (const [page, text] of lines) {
      await send(page, text);
      await mod.waitForTimeout(300);
    }
    await alice.waitForTimeout(1_200);
    await send(alice, '🎉😀🎈🍕🚀🌟🐱🎵🔥🍩🌈🎯🍀');
    await alice.locator('#send-error', { hasText: 'refused' }).waitFor({ timeout: WAIT_MS });
    const spam = messageWith(mod, 'spam dot example');
    await spam.getByRole('button', { name: /Delete the message/ }).click();
    await spam.getByLabel('Reason for deleting the message').fill('advertising');
    await spam.getByRole('button', { name: 'Delete message' }).click();
    await mod.locator('#messages li.deleted').waitFor({ timeout: WAIT_MS });
    await mod.locator('#moderate-user').fill('troll');
    await mod.locator('#moderate-reason').fill('flooding');
    await mod.getByRole('button', { name: 'Ban', exact: true }).click();
    await mod.locator('#ban-list li[data-user-id="troll"]').waitFor({ timeout: WAIT_MS });
    const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshot.png');
    await mod.screenshot({ path: file, clip: { x: 0, y: 0, width: WIDE.width, height: 540 } });
    await mod.getByRole('button', { name: 'Unban troll' }).click();
    console.log(`wrote ${file}`);
  }
});

browserTest('the connection state is always shown: connecting, connected, closed with the reason', async (env) => {
  const page = await env.open({ user: unique('sam') });
  await page.evaluate(() => {
    window.seenStates = [];
    const node = document.getElementById('connection');
    new MutationObserver(() => window.seenStates.push(node.dataset.state)).observe(node, { attributes: true, childList: true });
  });
  await join(page, demoRoom);
  await page.getByRole('button', { name: 'Leave' }).click();
  await page.locator('#connection[data-state="idle"]').waitFor({ timeout: WAIT_MS });
  const seen = await page.evaluate(() => window.seenStates.filter((s, i, all) => s !== all[i - 1]));
  assert.deepEqual(seen.slice(-3), ['connecting', 'connected', 'idle']);
});

browserTest('the SDK renews the connection with a fresh token from the API before the token expires', async (env) => {
  const page = await env.open({ user: unique('lee') });
  const other = await env.open({ user: unique('max') });
  await join(page, demoRoom);
  await join(other, demoRoom);
  assert.equal(await page.evaluate(() => globalThis.ivschatConsole.tokenRequests()), 1);
  // The stack of scripts/browser-test issues 40-second tokens: the SDK renews 30 s before.
  await page.waitForFunction(() => globalThis.ivschatConsole.tokenRequests() >= 2, null, { timeout: 60_000 });
  await page.waitForTimeout(1_000);
  await connected(page);
  const text = unique('still here ');
  await send(page, text);
  await messageWith(other, text).waitFor({ timeout: WAIT_MS });
  assert.equal(await page.locator('#connection').getAttribute('data-state'), 'connected');
});

browserTest('when a chat session expires the SDK reconnects with a fresh token and chatting goes on', async (env) => {
  // One-minute sessions (`?sessionMinutes=1`). The SDK renews a connection before its token
  // expires, which with this stack's 40-second tokens would always come before the session's
  // end; so this page is shown tokens that seem to last ten minutes, and the session ends
  // first, as with long-lived tokens and short sessions.
  const longLived = async (page) => {
    await page.route('**/chat-token', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      if (response.status() === 200) body.tokenExpirationTime = new Date(Date.now() + 600_000).toISOString();
      await route.fulfill({ response, json: body });
    });
  };
  const page = await env.open({ user: unique('sam'), query: '?sessionMinutes=1', beforeLoad: longLived });
  const other = await env.open({ user: unique('kim') });
  await join(page, demoRoom);
  await join(other, demoRoom);
  assert.equal(await page.evaluate(() => globalThis.ivschatConsole.tokenRequests()), 1);
  await page.evaluate(() => {
    window.seenStates = [];
    new MutationObserver(() => window.seenStates.push(document.getElementById('connection').dataset.state)).observe(
      document.getElementById('connection'),
      { attributes: true },
    );
  });
  // The local service ends the session after a minute (ERROR 401, then close).
  await page.waitForFunction(() => globalThis.ivschatConsole.tokenRequests() >= 2, null, { timeout: 90_000 });
  await connected(page);
  const seen = await page.evaluate(() => window.seenStates.filter((s, i, all) => s !== all[i - 1]));
  assert.deepEqual(seen.slice(-2), ['reconnecting', 'connected'], seen.join(' → '));
  assert.equal(await page.locator('#session-ended').isHidden(), true, 'no "session ended" view');
  const text = unique('after the session ');
  await send(page, text);
  await messageWith(other, text).waitFor({ timeout: WAIT_MS });
}, { timeout: 150_000 });
