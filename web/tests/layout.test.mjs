// The console on a phone-sized window and a wide one, the connection state it shows, and the
// SDK's connection renewal with fresh tokens from the API. With UPDATE_SCREENSHOT=1 the wide
// test also writes web/screenshot.png (the README's picture).

import assert from 'node:assert/strict';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

import { WAIT_MS, audit, browserTest, closeBrowser, connected, demoRoom, join, messageWith, send, unique } from './harness.mjs';

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

browserTest('on a phone, the rooms come first; in a room the message box is pinned to the bottom and the side panels are drawers', async (env) => {
  const page = await env.open({ user: unique('pat'), name: 'Pat on a phone', role: 'moderator', viewport: PHONE });
  await noSidewaysScrolling(page);
  await page.locator(`#room-list li[data-room-id="${demoRoom}"]`).waitFor({ timeout: WAIT_MS });
  await audit(page, 'the phone’s room list');
  await join(page, demoRoom);
  const text = unique('from my phone ');
  await send(page, text);
  await messageWith(page, text).waitFor({ timeout: WAIT_MS });
  await noSidewaysScrolling(page);

  // The chat fills the window: the message box is at the bottom, without scrolling the page.
  const input = await box(page, '#message-input');
  const button = await box(page, '#composer button');
  assert.ok(input.y + input.height <= PHONE.height && input.y + input.height > PHONE.height - 120, `the message box at the bottom (${input.y})`);
  assert.ok(button.x + button.width <= PHONE.width && input.width >= 150, 'the message box and its button fit');
  const scrollHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(scrollHeight <= PHONE.height, `the page does not scroll (${scrollHeight}px)`);
  assert.equal(await page.locator('#rooms').isVisible(), false, 'rooms are in a drawer');
  assert.equal(await page.locator('#moderation').isVisible(), false, 'moderation is in a drawer');
  await audit(page, 'the phone’s chat');

  // The drawers open over the chat, and Esc closes them with the focus back on their button.
  for (const [toggle, panel] of [['Rooms', '#rooms'], ['Moderation', '#moderation']]) {
    await page.getByRole('button', { name: toggle, exact: true }).click();
    await page.locator(panel).waitFor({ state: 'visible', timeout: WAIT_MS });
    const drawer = await box(page, panel);
    assert.ok(drawer.x >= 0 && drawer.x + drawer.width <= PHONE.width, 'within the window');
    assert.equal(await page.getByRole('button', { name: toggle, exact: true }).getAttribute('aria-expanded'), 'true');
    await audit(page, `the phone’s ${toggle} drawer`);
    await page.keyboard.press('Escape');
    await page.locator(panel).waitFor({ state: 'hidden', timeout: WAIT_MS });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), toggle, 'focus back on the drawer’s button');
  }
});

browserTest('long names and long refusals wrap or are cut short with the whole text at hand; room cards give their actions a row', async (env) => {
  const longName = 'N'.repeat(64);
  const page = await env.open({ user: unique('long'), name: longName, viewport: PHONE });
  await join(page, demoRoom);
  const text = unique('a long name ');
  await send(page, text);
  const line = messageWith(page, text);
  await line.waitFor({ timeout: WAIT_MS });
  await noSidewaysScrolling(page);
  const list = await box(page, '#messages');
  const sender = await line.locator('.sender').boundingBox();
  assert.ok(sender.x + sender.width <= list.x + list.width, 'the name wraps inside the list');
  const who = await box(page, '#whoami-text');
  assert.ok(who.x + who.width <= PHONE.width, 'the header’s name is cut short inside the window');
  assert.equal(await page.locator('#whoami-text').getAttribute('title'), await page.locator('#whoami-text').textContent(), 'the whole name on hover');
  assert.match(await page.locator('#whoami-text').textContent(), new RegExp(longName));

  // A refused 600-character message: quoted in part, the whole text one click away.
  const long = `${'word '.repeat(119)}words`;
  await send(page, long);
  const refusal = page.locator('#send-error');
  await refusal.filter({ hasText: 'was not sent' }).waitFor({ timeout: WAIT_MS });
  const quoted = await refusal.locator('p').first().textContent();
  assert.ok(quoted.length < 200, `quoted in part (${quoted.length} characters)`);
  assert.match(quoted, /was not sent: too long: 600 characters, this room allows 500; shorten it\.$/);
  const panel = await box(page, '#chat');
  const error = await box(page, '#send-error');
  assert.ok(error.x + error.width <= panel.x + panel.width, 'within the panel');
  await refusal.getByText('Show the whole message').click();
  assert.equal(await refusal.locator('.full').textContent(), long);
  await noSidewaysScrolling(page);

  // An admin's room card: the name on its own line, the actions on a row of their own.
  const admin = await env.open({ user: unique('root'), role: 'admin', viewport: { width: 1280, height: 860 } });
  const card = admin.locator(`#room-list li[data-room-id="${demoRoom}"]`, { hasText: 'reviewed' });
  await card.waitFor({ timeout: WAIT_MS });
  await audit(admin, 'an admin’s room list');
  const [name, actions, nameLines] = await card.evaluate((item) => {
    const nameNode = item.querySelector('.room-name');
    const lines = Math.round(nameNode.getBoundingClientRect().height / parseFloat(getComputedStyle(nameNode).lineHeight));
    return [nameNode.getBoundingClientRect().toJSON(), item.querySelector('.room-actions').getBoundingClientRect().toJSON(), lines];
  });
  assert.ok(actions.y >= name.y + name.height, 'the actions below the name');
  assert.equal(nameLines, 1, 'the room name on one line');
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
  await audit(mod, 'a wide window');

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
    await spam.getByRole('button', { name: /^Actions for the message/ }).click();
    await spam.getByRole('menuitem', { name: 'Delete message…' }).click();
    await mod.getByRole('dialog').getByLabel(/Reason/).fill('advertising');
    await mod.getByRole('dialog').getByRole('button', { name: 'Delete message' }).click();
    await mod.locator('#messages li.deleted').waitFor({ timeout: WAIT_MS });
    await mod.locator('#moderate-user').fill('troll');
    await mod.getByRole('button', { name: 'Ban…' }).click();
    await mod.getByRole('dialog').getByLabel(/Reason/).fill('flooding');
    await mod.getByRole('dialog').getByRole('button', { name: 'Ban', exact: true }).click();
    await mod.locator('#ban-list li[data-user-id="troll"]').waitFor({ timeout: WAIT_MS });
    await mod.locator('#moderation-status').evaluate((node) => { node.textContent = ''; });
    const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshot.png');
    await mod.screenshot({ path: file, clip: { x: 0, y: 0, width: WIDE.width, height: 760 } });
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
