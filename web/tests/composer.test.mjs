// The message box: a character counter against the room's limit, a note on one's own masked
// message, every refusal of a burst reported, and refusal reasons without doubled full stops.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import { WAIT_MS, browserTest, callApi, closeBrowser, demoRoom, join, jwtFor, messageWith, send, unique } from './harness.mjs';

after(closeBrowser);

async function roomWith(limits) {
  const admin = await jwtFor(unique('root'), ['admins']);
  const [status, room] = await callApi('POST', '/rooms', admin, { name: unique('composer-'), messageReviewHandler: null, ...limits });
  assert.equal(status, 201, JSON.stringify(room));
  return { room, drop: () => callApi('DELETE', `/rooms/${room.id}`, admin) };
}

browserTest('a character counter follows the room’s message length limit', async (env) => {
  const { room, drop } = await roomWith({ maximumMessageLength: 20 });
  // An admin's page reads the room's limit at once.
  const admin = await env.open({ user: unique('root'), role: 'admin' });
  await join(admin, room.id);
  await admin.locator('#char-count', { hasText: '0/20' }).waitFor({ timeout: WAIT_MS });
  await admin.locator('#message-input').fill('héllo 🎉');
  assert.equal(await admin.locator('#char-count').textContent(), '7/20', 'counts characters, an emoji as one');
  await admin.locator('#message-input').fill('x'.repeat(25));
  assert.equal(await admin.locator('#char-count').getAttribute('data-over'), 'true');
  assert.equal(await admin.locator('#message-input').getAttribute('aria-invalid'), 'true');
  await admin.locator('#message-input').press('Enter');
  await admin.locator('#send-error', { hasText: 'was not sent: too long: 25 characters, this room allows 20; shorten it.' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await admin.locator('#message-input').inputValue(), 'x'.repeat(25), 'kept in the box');

  // A user's page counts against IVS Chat's 500 until the room refuses a longer message.
  const alice = await env.open({ user: unique('alice') });
  await join(alice, room.id);
  assert.equal(await alice.locator('#char-count').textContent(), '0/500');
  await send(alice, 'y'.repeat(30));
  await alice.locator('#send-error', { hasText: 'not accepted' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await alice.locator('#char-count').textContent(), '30/20', 'the limit the room named');
  // Closed before the room goes, so that no page asks about a deleted room.
  for (const page of env.pages) await page.close();
  await drop();
});

browserTest('every refusal of a burst is reported, each reason ending in one full stop', async (env) => {
  const { room, drop } = await roomWith({ maximumMessageRatePerSecond: 1 });
  const alice = await env.open({ user: unique('alice') });
  await join(alice, room.id);
  const burst = ['first of four', 'second of four', 'third of four', 'fourth of four'];
  // Each written and sent in one page task, as a fast typist's would be: a refusal that comes back
  // between writing and sending cannot land in the box halfway through.
  for (const text of burst) {
    await alice.evaluate((line) => {
      const input = document.getElementById('message-input');
      input.value = line;
      input.form.requestSubmit();
    }, text);
  }
  const refusals = alice.locator('#send-error p');
  await refusals.nth(1).waitFor({ timeout: WAIT_MS });
  await alice.waitForTimeout(500);
  const lines = await refusals.allTextContents();
  assert.ok(lines.length >= 2, lines.join(' | '));
  for (const text of burst.slice(-2)) assert.ok(lines.some((line) => line.includes(`“${text}” was not sent`)), `${text} reported: ${lines.join(' | ')}`);
  for (const line of lines) assert.doesNotMatch(line, /\.\.$/, 'no doubled full stop');
  assert.notEqual(await alice.locator('#message-input').inputValue(), 'second of four', 'no older text back in the box');
  // A send that goes through clears them.
  await alice.waitForTimeout(1_200);
  await alice.locator('#message-input').fill('');
  await send(alice, 'calmer now');
  await messageWith(alice, 'calmer now').waitFor({ timeout: WAIT_MS });
  await alice.locator('#send-error p').first().waitFor({ state: 'detached', timeout: WAIT_MS });
  await drop();
});

browserTest('a review denial reads as one sentence, and a masked message says so to its sender', async (env) => {
  const alice = await env.open({ user: unique('alice') });
  const bob = await env.open({ user: unique('bob') });
  await join(alice, demoRoom);
  await join(bob, demoRoom);
  await send(alice, '🎉😀🎈🍕🚀🌟🐱🎵🔥🍩🌈🎯🍀');
  const error = alice.locator('#send-error');
  await error.filter({ hasText: 'refused by review' }).waitFor({ timeout: WAIT_MS });
  assert.match(await error.textContent(), /refused by review: Message looks like spam\.$/);

  const marker = unique('m');
  await alice.locator('#message-input').fill('');
  await send(alice, `${marker} what the fuck`);
  const own = messageWith(alice, marker);
  await own.locator('.masked-note', { hasText: 'masked by moderation' }).waitFor({ timeout: WAIT_MS });
  await messageWith(bob, marker).waitFor({ timeout: WAIT_MS });
  assert.equal(await messageWith(bob, marker).locator('.masked-note').count(), 0, 'only the sender is told');
  const clean = unique('clean ');
  await send(alice, clean);
  await messageWith(alice, clean).waitFor({ timeout: WAIT_MS });
  await alice.waitForTimeout(300);
  assert.equal(await messageWith(alice, clean).locator('.masked-note').count(), 0, 'an unchanged message has no note');
});
