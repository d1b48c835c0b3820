// Chatting through the console: two users in the demo room (reviewed by the stack's
// message-review function), what review and the room's limits refuse, anonymous viewers, and
// the keyboard alone.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import {
  WAIT_MS,
  browserTest,
  callApi,
  closeBrowser,
  connected,
  demoRoom,
  join,
  jwtFor,
  messageWith,
  send,
  unique,
} from './harness.mjs';

after(closeBrowser);

browserTest('two users in one room see each other’s messages with name, avatar and time', async (env) => {
  const alice = await env.open({ user: unique('alice'), name: 'Alice Liddell' });
  const bob = await env.open({ user: unique('bob'), name: 'Bob', role: 'moderator' });
  await join(alice, demoRoom);
  await join(bob, demoRoom);

  const hello = unique('hello from alice ');
  await send(alice, hello);
  for (const page of [alice, bob]) {
    const line = messageWith(page, hello);
    await line.waitFor({ timeout: WAIT_MS });
    assert.equal(await line.locator('.sender').textContent(), 'Alice Liddell');
    assert.equal(await line.locator('.avatar').textContent(), 'A');
    assert.match(await line.locator('time').getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
  }
  const reply = unique('hi alice, bob here ');
  await send(bob, reply);
  await messageWith(alice, reply).waitFor({ timeout: WAIT_MS });
  assert.equal(await messageWith(alice, reply).locator('.sender').textContent(), 'Bob');
  assert.equal(await alice.locator('#message-input').inputValue(), '', 'the box is cleared after sending');
});

browserTest('profanity arrives masked, as the review function delivered it', async (env) => {
  const alice = await env.open({ user: unique('alice') });
  const bob = await env.open({ user: unique('bob') });
  await join(alice, demoRoom);
  await join(bob, demoRoom);

  const marker = unique('m');
  await send(alice, `${marker} what the fuck is this`);
  for (const page of [alice, bob]) {
    const line = messageWith(page, marker);
    await line.waitFor({ timeout: WAIT_MS });
    const content = await line.locator('.content').textContent();
    assert.equal(content, `${marker} what the **** is this`);
  }
});

browserTest('a message the review denies shows its reason where it was typed, and reaches no one', async (env) => {
  const alice = await env.open({ user: unique('alice') });
  const bob = await env.open({ user: unique('bob') });
  await join(alice, demoRoom);
  await join(bob, demoRoom);

  // Thirteen different emoji (a run of one would only be shortened): an emoji flood.
  const flood = '🎉😀🎈🍕🚀🌟🐱🎵🔥🍩🌈🎯🍀';
  await send(alice, flood);
  const error = alice.locator('#send-error');
  await error.filter({ hasText: 'refused by review' }).waitFor({ timeout: WAIT_MS });
  assert.match(await error.textContent(), /refused by review: Message looks like spam\./);
  assert.equal(await alice.locator('#message-input').inputValue(), flood, 'the refused text stays in the box');

  // The next message goes through, and the refused one never arrived.
  const fine = unique('fine ');
  await send(alice, fine);
  await messageWith(bob, fine).waitFor({ timeout: WAIT_MS });
  assert.equal(await messageWith(bob, flood).count(), 0);
  assert.equal(await alice.locator('#send-error').textContent(), '', 'the error is cleared by the next send');
});

browserTest('the room’s rate limit and message length are reported where the message was typed', async (env) => {
  const admin = await jwtFor(unique('root'), ['admins']);
  const [status, room] = await callApi('POST', '/rooms', admin, {
    name: unique('limits-'),
    maximumMessageRatePerSecond: 1,
    maximumMessageLength: 20,
    messageReviewHandler: null,
  });
  assert.equal(status, 201, JSON.stringify(room));
  const alice = await env.open({ user: unique('alice') });
  await join(alice, room.id);

  await send(alice, 'one');
  await send(alice, 'two');
  await send(alice, 'three');
  await alice.locator('#send-error', { hasText: 'rate limit' }).waitFor({ timeout: WAIT_MS });

  await alice.waitForTimeout(1_500);
  await send(alice, 'x'.repeat(30));
  await alice.locator('#send-error', { hasText: 'not accepted' }).waitFor({ timeout: WAIT_MS });
  assert.match(await alice.locator('#send-error').textContent(), /x{30}” was not sent: not accepted/);
  await callApi('DELETE', `/rooms/${room.id}`, admin);
});

browserTest('an anonymous viewer watches the room without a send box', async (env) => {
  const viewer = await env.open({ role: 'viewer' });
  const alice = await env.open({ user: unique('alice') });
  await join(viewer, demoRoom);
  await join(alice, demoRoom);
  assert.equal(await viewer.locator('#composer').isVisible(), false, 'no send box');
  assert.equal(await viewer.locator('#view-only').isVisible(), true, 'says it is view only');
  assert.equal(await viewer.locator('#moderation').isVisible(), false, 'no moderation');
  assert.match(await viewer.locator('#whoami-text').textContent(), /Anonymous viewer/);

  const text = unique('for the audience ');
  await send(alice, text);
  await messageWith(viewer, text).waitFor({ timeout: WAIT_MS });
  assert.equal(await messageWith(viewer, text).locator('button').count(), 0, 'no actions on messages');
});

browserTest('sign in, join and send with the keyboard alone', async (env) => {
  const page = await env.open({ signIn: false });
  const user = unique('kim');
  const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
  const tabTo = async (want) => {
    for (let i = 0; i < 30; i += 1) {
      await page.keyboard.press('Tab');
      if ((await focused()) === want) return;
    }
    assert.fail(`Tab never reached ${want}`);
  };
  await tabTo('sign-in-role');
  await page.keyboard.press('Tab');
  await page.keyboard.type(user);
  await tabTo('Sign in');
  await page.keyboard.press('Enter');
  await page.locator('#workspace').waitFor({ state: 'visible', timeout: WAIT_MS });
  await tabTo('Join');
  await page.keyboard.press('Enter');
  await connected(page);
  assert.equal(await focused(), 'message-input', 'the message box has the focus after joining');
  const text = unique('typed ');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await messageWith(page, text).waitFor({ timeout: WAIT_MS });
});

browserTest('a late joiner sees the room’s latest messages from the history: masked, without deleted ones', async (env) => {
  const alice = await env.open({ user: unique('alice') });
  await join(alice, demoRoom);
  const marker = unique('h');
  const first = `${marker} first`;
  const rude = `${marker} what the fuck`;
  const removed = `${marker} deleted soon`;
  for (const text of [first, rude, removed]) {
    await send(alice, text);
    await messageWith(alice, text.replace('fuck', '****')).waitFor({ timeout: WAIT_MS });
  }
  const removedId = await messageWith(alice, removed).getAttribute('data-message-id');
  const moderator = await jwtFor(unique('mod'), ['moderators']);
  const [status] = await callApi('DELETE', `/rooms/${demoRoom}/messages/${removedId}?reason=spam`, moderator);
  assert.equal(status, 200);

  // The chat log reaches the history within the subscription's delivery interval.
  const reader = await jwtFor(unique('reader'));
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const [, body] = await callApi('GET', `/rooms/${demoRoom}/history?limit=100`, reader);
    const contents = body.messages.map((m) => m.content);
    if (contents.includes(`${marker} what the ****`) && !contents.includes(removed)) break;
    assert.ok(Date.now() < deadline, `the history never got there: ${JSON.stringify(contents)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const carol = await env.open({ user: unique('carol') });
  await join(carol, demoRoom);
  await carol.locator('#messages[data-history="loaded"]').waitFor({ timeout: WAIT_MS });
  const earlier = carol.locator('#messages li.message.history');
  await messageWith(carol, first).waitFor({ timeout: WAIT_MS });
  assert.equal(await earlier.filter({ hasText: first }).count(), 1, 'shown once, as history');
  assert.equal(await messageWith(carol, `${marker} what the ****`).count(), 1, 'masked as delivered');
  assert.equal(await messageWith(carol, removed).count(), 0, 'the deleted message is not shown');
  // History comes before what is said after joining.
  const live = unique('after joining ');
  await send(alice, live);
  await messageWith(carol, live).waitFor({ timeout: WAIT_MS });
  const order = await carol.locator('#messages li.message .content').allTextContents();
  assert.ok(order.indexOf(first) < order.indexOf(live), order.join(' | '));
});
