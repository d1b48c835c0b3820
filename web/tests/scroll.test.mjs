// The message list opens at the newest message, follows new messages while the reader is at
// the bottom, and counts them ("N new messages ↓") while the reader has scrolled up.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import { WAIT_MS, browserTest, closeBrowser, demoRoom, inView, join, messageWith, send, unique, waitForHistory } from './harness.mjs';

after(closeBrowser);

browserTest('the chat opens at the newest message, follows new ones at the bottom, and counts them when scrolled up', async (env) => {
  const alice = await env.open({ user: unique('alice') });
  await join(alice, demoRoom);
  const marker = unique('s');
  const said = [];
  for (let i = 0; i < 24; i += 1) {
    said.push(`${marker} number ${i}`);
    await alice.waitForTimeout(110); // the demo room allows 10 messages a second
    await send(alice, said.at(-1));
    await messageWith(alice, said.at(-1)).waitFor({ timeout: WAIT_MS });
    assert.ok(await inView(alice, messageWith(alice, said.at(-1))), `the sender sees its own message ${i}`);
  }
  await waitForHistory(demoRoom, said.at(-1));

  // A late joiner sees the newest of the history, not the oldest.
  const bob = await env.open({ user: unique('bob') });
  await join(bob, demoRoom);
  await bob.locator('#messages[data-history="loaded"]').waitFor({ timeout: WAIT_MS });
  await messageWith(bob, said.at(-1)).waitFor({ timeout: WAIT_MS });
  assert.ok(await inView(bob, messageWith(bob, said.at(-1))), 'opens at the newest message');
  assert.equal(await inView(bob, messageWith(bob, said[0])), false, 'the oldest is scrolled away');

  // At the bottom, new messages scroll into view.
  const live = unique('live ');
  await send(alice, live);
  await messageWith(bob, live).waitFor({ timeout: WAIT_MS });
  await bob.waitForTimeout(100);
  assert.ok(await inView(bob, messageWith(bob, live)), 'follows a new message');
  assert.equal(await bob.locator('#new-messages').isVisible(), false);

  // Scrolled up, new messages are counted, out of sight.
  await bob.locator('#messages').evaluate((list) => { list.scrollTop = 0; });
  const later = [unique('later one '), unique('later two ')];
  for (const text of later) await send(alice, text);
  for (const text of later) await messageWith(bob, text).waitFor({ timeout: WAIT_MS });
  await bob.locator('#new-messages', { hasText: '2 new messages ↓' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await inView(bob, messageWith(bob, later[1])), false, 'the reader stays where they were');
  await bob.locator('#new-messages').click();
  await bob.waitForTimeout(100);
  assert.ok(await inView(bob, messageWith(bob, later[1])), 'the button goes to the newest');
  assert.equal(await bob.locator('#new-messages').isVisible(), false);

  // Scrolled up, one's own message still comes into view.
  await bob.locator('#messages').evaluate((list) => { list.scrollTop = 0; });
  const own = unique('my own ');
  await send(bob, own);
  await messageWith(bob, own).waitFor({ timeout: WAIT_MS });
  await bob.waitForTimeout(100);
  assert.ok(await inView(bob, messageWith(bob, own)), 'one’s own message is shown');
});
