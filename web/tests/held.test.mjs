// Held messages: a room's hold rule keeps a message back (its sender is told it waits for a
// moderator); the moderation panel lists it on its own (read again every few seconds) with
// approve and reject; an approved message reaches everyone as its sender's message, marked
// "Approved by a moderator" (live, from the approval's event, and from the history later); a
// rejected one never appears.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import { WAIT_MS, audit, browserTest, callApi, closeBrowser, join, messageWith, oddWord, ownRoom, send, sendUntilRefused, unique, waitForHistory } from './harness.mjs';

after(closeBrowser);

browserTest('a held message waits in the moderation panel; approved, everyone sees it by its sender, marked approved; rejected, nobody does', async (env) => {
  const room = await ownRoom('held-');
  const term = oddWord('hq');
  const [status] = await callApi('PUT', `/rooms/${room.id}/moderation`, room.admin, { blockedTerms: [{ term, action: 'hold' }] });
  assert.equal(status, 200);
  const aliceId = unique('alice');
  const alice = await env.open({ user: aliceId, name: 'Alice' });
  const bob = await env.open({ user: unique('bob') });
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  for (const page of [alice, bob, moderator]) await join(page, room.id);
  assert.equal(await bob.locator('#held').isVisible(), false, 'users see no held messages');
  await moderator.locator('#held-title', { hasText: 'Held messages (0)' }).waitFor({ timeout: WAIT_MS });

  // Review applies the rule within seconds: send until the message is held.
  const first = await sendUntilRefused(alice, (i) => `please ${term} ${i} ${unique('a')}`, /held for a moderator/);
  const kept = /“(.+)” was not sent/.exec(first)[1];
  assert.match(first, /was not sent: held for a moderator, who may approve it/);
  const rejected = `${unique('nope ')} ${term}`;
  await send(alice, rejected);
  await alice.locator('#send-error p', { hasText: rejected }).waitFor({ timeout: WAIT_MS });

  // The moderator's list fills in by itself (no click on Refresh).
  const heldKept = moderator.locator('#held-list li', { hasText: kept });
  const heldRejected = moderator.locator('#held-list li', { hasText: rejected });
  await heldKept.waitFor({ timeout: WAIT_MS });
  await heldRejected.waitFor({ timeout: WAIT_MS });
  assert.match(await heldKept.textContent(), new RegExp(`Alice @${aliceId}.*held .*room\\.hold.* waits until `));
  await audit(moderator, 'the held messages');

  await heldRejected.getByRole('button', { name: 'Reject the message from Alice' }).click();
  await moderator.locator('#held-status', { hasText: 'Rejected: the message from Alice is discarded.' }).waitFor({ timeout: WAIT_MS });
  await heldRejected.waitFor({ state: 'detached', timeout: WAIT_MS });
  assert.equal(
    await moderator.evaluate(() => document.activeElement?.getAttribute('aria-label')),
    'Approve the message from Alice',
    'the focus on the next message waiting',
  );

  await heldKept.getByRole('button', { name: 'Approve the message from Alice' }).click();
  await moderator.locator('#held-status', { hasText: 'Approved: the message from Alice is delivered to the room.' }).waitFor({ timeout: WAIT_MS });
  await heldKept.waitFor({ state: 'detached', timeout: WAIT_MS });
  await moderator.locator('#held-title', { hasText: 'Held messages (0)' }).waitFor({ timeout: WAIT_MS });
  for (const page of [alice, bob, moderator]) {
    const line = messageWith(page, kept);
    await line.waitFor({ timeout: WAIT_MS });
    assert.equal(await line.getAttribute('data-sender'), aliceId);
    assert.equal(await line.locator('.sender').textContent(), 'Alice');
    assert.equal(await line.locator('.approved-note').textContent(), 'Approved by a moderator');
    assert.equal(await messageWith(page, rejected).count(), 0, 'the rejected message never appears');
  }
  assert.equal(await bob.locator('#messages li.event').count(), 0, 'not shown as a bare event');
  await audit(bob, 'an approved message');

  // Later, from the history: the same message, by Alice, marked approved.
  await waitForHistory(room.id, kept);
  const carol = await env.open({ user: unique('carol') });
  await join(carol, room.id);
  const later = messageWith(carol, kept);
  await later.waitFor({ timeout: WAIT_MS });
  assert.equal(await later.getAttribute('data-sender'), aliceId);
  assert.equal(await later.locator('.approved-note').count(), 1);
  assert.equal(await messageWith(carol, rejected).count(), 0);
  for (const page of env.pages) await page.close();
  await room.drop();
});
