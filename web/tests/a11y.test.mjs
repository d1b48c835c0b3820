// Accessibility (WCAG 2.2 AA): axe-core finds nothing on any view; the focus goes somewhere
// sensible after sign-in, leave and delete; Esc cancels; the message log is one Tab stop with
// arrow keys inside; targets of at least 24 px; a focus ring of at least 3:1; the live region
// announces new messages, not the history; the skip link only with its target; sign-in fields
// that fit the role, and user ids checked as the API checks them.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import { WAIT_MS, audit, browserTest, closeBrowser, demoRoom, demoRoomName, join, messageWith, send, unique, waitForHistory } from './harness.mjs';

after(closeBrowser);

const focusedId = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);

function luminance([r, g, b]) {
  const channel = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}
const rgb = (css) => css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
function contrast(a, b) {
  const [light, dark] = [luminance(rgb(a)), luminance(rgb(b))].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

browserTest('sign-in: fields fit the role, user ids are checked as the API does, and the focus lands on the rooms', async (env) => {
  const page = await env.open({ signIn: false });
  await audit(page, 'the sign-in view');
  assert.equal(await page.locator('#skip').isVisible(), false, 'no skip link without a message box');
  await page.locator('#sign-in-role').selectOption('viewer');
  assert.equal(await page.locator('#sign-in-user').isVisible(), false, 'an anonymous viewer has no user id');
  assert.equal(await page.locator('#sign-in-name').isVisible(), false);
  await page.locator('#sign-in-role').selectOption('user');
  assert.equal(await page.locator('#sign-in-user').isVisible(), true);

  await page.locator('#sign-in-user').fill('x'.repeat(129));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#sign-in-error', { hasText: 'at most 128 characters' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await page.locator('#sign-in-user').getAttribute('aria-invalid'), 'true');
  assert.equal(await focusedId(page), 'sign-in-user');
  await page.locator('#sign-in-user').fill('   ');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#sign-in-error', { hasText: 'Enter a user id' }).waitFor({ timeout: WAIT_MS });
  await audit(page, 'the sign-in view with an error');

  // 128 characters of two bytes each: the local issuer counts characters as the API and IVS
  // Chat's CreateChatToken do, so this id signs in and gets a chat token.
  const base = unique('ana');
  const longId = `${base}${'é'.repeat(128 - base.length)}`;
  await page.locator('#sign-in-user').fill(longId);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#workspace').waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.equal(await focusedId(page), 'rooms-title', 'focus on the rooms after sign-in');
  assert.match(await page.locator('#whoami-text').textContent(), new RegExp(`^${longId} · user$`));
  await audit(page, 'a user’s room list');
  await join(page, demoRoom);
});

browserTest('the message log is one Tab stop with arrow keys inside, and the live region speaks only of new messages', async (env) => {
  const alice = await env.open({ user: unique('alice') });
  await join(alice, demoRoom);
  const marker = unique('t');
  for (let i = 0; i < 12; i += 1) {
    await alice.waitForTimeout(110);
    await send(alice, `${marker} line ${i}`);
  }
  await messageWith(alice, `${marker} line 11`).waitFor({ timeout: WAIT_MS });
  await waitForHistory(demoRoom, `${marker} line 11`);

  const mod = await env.open({ user: unique('mod'), role: 'moderator' });
  await join(mod, demoRoom);
  await mod.locator('#messages[data-history="loaded"]').waitFor({ timeout: WAIT_MS });
  assert.equal(await mod.locator('#messages').getAttribute('aria-live'), null, 'the list itself is not live');
  assert.equal(await mod.locator('#announcer').textContent(), '', 'the history is not announced');
  assert.equal(await mod.locator('#skip').isHidden(), false, 'the skip link, now that the message box is there');
  await audit(mod, 'a moderator’s chat');

  // From Leave to the message box: the log is one stop.
  await mod.getByRole('button', { name: 'Leave' }).focus();
  let presses = 0;
  while ((await focusedId(mod)) !== 'message-input' && presses < 20) {
    await mod.keyboard.press('Tab');
    presses += 1;
  }
  assert.ok(presses <= 3, `${presses} Tab presses from Leave to the message box`);
  // Shift+Tab back into the log, then the arrows move between messages.
  await mod.keyboard.press('Shift+Tab');
  const active = () => mod.evaluate(() => document.activeElement?.querySelector?.('.content')?.textContent ?? document.activeElement?.textContent);
  assert.equal(await active(), `${marker} line 11`, 'the newest message has the log’s stop');
  await mod.keyboard.press('ArrowUp');
  assert.equal(await active(), `${marker} line 10`);
  await mod.keyboard.press('Enter');
  await mod.getByRole('menu').waitFor({ timeout: WAIT_MS });
  assert.equal(await mod.evaluate(() => document.activeElement?.getAttribute('role')), 'menuitem', 'Enter opens its menu');
  await mod.keyboard.press('Escape');
  await mod.getByRole('menu').waitFor({ state: 'detached', timeout: WAIT_MS });
  assert.equal(await active(), `${marker} line 10`, 'Esc closes it, back on the message');

  // Targets: every visible button at least 24 px each way.
  const small = await mod.evaluate(() =>
    [...document.querySelectorAll('button, summary, input[type="checkbox"]')]
      .filter((node) => node.offsetParent !== null)
      .map((node) => [node.getAttribute('aria-label') || node.textContent.trim(), node.getBoundingClientRect()])
      .filter(([, r]) => r.width < 24 || r.height < 24)
      .map(([name, r]) => `${name} ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
  assert.deepEqual(small, [], 'targets smaller than 24 px');

  // The focus ring stands out from what surrounds it by at least 3:1.
  await mod.getByRole('button', { name: 'Leave' }).focus();
  await mod.keyboard.press('Shift+Tab');
  await mod.keyboard.press('Tab');
  const [ring, ground] = await mod.evaluate(() => {
    const node = document.activeElement;
    let around = node.parentElement;
    while (around && getComputedStyle(around).backgroundColor === 'rgba(0, 0, 0, 0)') around = around.parentElement;
    return [getComputedStyle(node).outlineColor, getComputedStyle(around ?? document.body).backgroundColor];
  });
  assert.ok(contrast(ring, ground) >= 3, `focus ring ${ring} on ${ground}: ${contrast(ring, ground).toFixed(2)}:1`);

  // A new message is announced.
  const fresh = unique('news ');
  await send(alice, fresh);
  await mod.locator('#announcer', { hasText: fresh }).waitFor({ timeout: WAIT_MS });
});

browserTest('Esc cancels forms and menus; the focus goes somewhere sensible after leave and delete', async (env) => {
  const admin = await env.open({ user: unique('root'), role: 'admin' });
  await admin.locator(`#room-list li[data-room-id="${demoRoom}"]`, { hasText: 'reviewed' }).waitFor({ timeout: WAIT_MS });
  await admin.getByRole('button', { name: `Edit ${demoRoomName}` }).click();
  await admin.locator('#room-form-title', { hasText: `Edit room ${demoRoomName}` }).waitFor({ timeout: WAIT_MS });
  await audit(admin, 'the room form');
  await admin.keyboard.press('Escape');
  assert.equal(await admin.locator('#room-form-details').evaluate((d) => d.open), false, 'Esc closes the form');
  assert.equal(await admin.locator('#room-form-title').textContent(), 'Create a room', 'and cancels the edit');
  assert.equal(await focusedId(admin), 'room-form-title');

  await join(admin, demoRoom);
  await audit(admin, 'an admin’s chat');
  await admin.getByRole('button', { name: 'Leave' }).click();
  assert.equal(await focusedId(admin), 'Join', 'focus on the Join button of the room left');
  assert.equal(
    await admin.evaluate(() => document.activeElement.closest('li')?.dataset.roomId),
    demoRoom,
  );

  // Deleting a room: Esc cancels the confirmation; after deleting, the focus is on the rooms.
  await admin.locator('#room-form-title').click();
  const name = unique('gone-');
  await admin.locator('#room-form').getByLabel('Name').fill(name);
  await admin.getByRole('button', { name: 'Create room' }).click();
  const row = admin.locator('#room-list li', { hasText: name });
  await row.waitFor({ timeout: WAIT_MS });
  await row.getByRole('button', { name: `Delete ${name}` }).click();
  await admin.getByRole('dialog').waitFor({ timeout: WAIT_MS });
  await audit(admin, 'the delete-room confirmation');
  await admin.keyboard.press('Escape');
  await admin.getByRole('dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
  assert.equal(await row.count(), 1, 'not deleted');
  await row.getByRole('button', { name: `Delete ${name}` }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Delete room' }).click();
  await row.waitFor({ state: 'detached', timeout: WAIT_MS });
  assert.equal(await focusedId(admin), 'rooms-title');
});

browserTest('an anonymous viewer’s chat has no violations and no skip link', async (env) => {
  const viewer = await env.open({ role: 'viewer' });
  await join(viewer, demoRoom);
  assert.equal(await viewer.locator('#skip').isVisible(), false);
  await audit(viewer, 'a viewer’s chat');
});
