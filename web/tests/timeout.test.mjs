// Timeouts and "ban and remove recent messages", from a message's menu and the user card, each
// confirmed first: a timeout (1, 5 or 10 minutes) is a short room ban the user is told about;
// a ban that removes recent messages deletes the user's messages of the chosen time (as the
// chat history has them) for everyone.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import { WAIT_MS, audit, browserTest, callApi, closeBrowser, join, messageWith, openMessageMenu, ownRoom, send, unique, waitForHistory } from './harness.mjs';

after(closeBrowser);

browserTest('a moderator times a user out from the message menu, after confirming; the user sees why and cannot rejoin until it ends', async (env) => {
  env.expectStatus(403); // the timed-out user's token requests
  const room = await ownRoom('timeout-');
  const user = unique('troll');
  const troll = await env.open({ user, name: 'Troll' });
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  await join(troll, room.id);
  await join(moderator, room.id);

  const text = unique('loud ');
  await send(troll, text);
  const line = await openMessageMenu(moderator, text);
  await line.getByRole('menuitem', { name: 'Time out Troll…' }).click();
  const confirm = moderator.getByRole('dialog', { name: 'Time out Troll?' });
  await confirm.waitFor({ timeout: WAIT_MS });
  const choices = await confirm.getByLabel('Time out for').locator('option').evaluateAll((options) => options.map((o) => o.value));
  assert.deepEqual(choices, ['1', '5', '10']);
  assert.equal(await confirm.getByLabel('Ban for').isVisible(), false, 'no ban durations');
  await audit(moderator, 'the timeout confirmation');
  // Cancel first: nothing happens.
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'hidden', timeout: WAIT_MS });
  assert.equal(await troll.locator('#connection').getAttribute('data-state'), 'connected');

  await openMessageMenu(moderator, text);
  await line.getByRole('menuitem', { name: 'Time out Troll…' }).click();
  await confirm.getByLabel('Time out for').selectOption('1');
  await confirm.getByLabel(/Reason/).fill('calm down');
  await confirm.getByRole('button', { name: 'Time out', exact: true }).click();
  await moderator.locator('#moderation-status', { hasText: 'Troll is timed out for 1 minute.' }).waitFor({ timeout: WAIT_MS });

  await troll.locator('#connection[data-state="closed"]').waitFor({ timeout: WAIT_MS });
  assert.match(await troll.locator('#session-ended-text').textContent(), /disconnected by a moderator \(timed out for 1 minute: calm down\)/);
  await troll.locator('#rejoin-state', { hasText: 'You cannot rejoin' }).waitFor({ timeout: WAIT_MS });
  assert.match(await troll.locator('#rejoin-state').textContent(), /banned from this room until /);

  const ban = moderator.locator(`#ban-list li[data-user-id="${user}"]`);
  await ban.waitFor({ timeout: WAIT_MS });
  assert.match(await ban.textContent(), /until .* · calm down/);
  const [, bans] = await callApi('GET', `/rooms/${room.id}/bans`, room.admin);
  const until = new Date(bans.items.find((b) => b.userId === user).expiresAt).getTime() - Date.now();
  assert.ok(until > 30_000 && until <= 61_000, `the timeout ends in about a minute (${until} ms)`);
  for (const page of env.pages) await page.close();
  await room.drop();
});

browserTest('"ban and remove recent messages" from the user card removes the user’s recent messages for everyone', async (env) => {
  env.expectStatus(403); // the banned user's token requests
  const room = await ownRoom('purge-');
  const user = unique('spammer');
  const spammer = await env.open({ user, name: 'Spammer' });
  const bob = await env.open({ user: unique('bob') });
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  for (const page of [spammer, bob, moderator]) await join(page, room.id);

  const texts = [unique('buy '), unique('cheap '), unique('now ')];
  for (const text of texts) {
    await send(spammer, text);
    await messageWith(spammer, text).waitFor({ timeout: WAIT_MS });
  }
  const kept = unique('hello from bob ');
  await send(bob, kept);
  // The route removes what the chat history has: wait until it has the last one.
  await waitForHistory(room.id, texts.at(-1));
  for (const text of texts) await messageWith(bob, text).waitFor({ timeout: WAIT_MS });

  await messageWith(moderator, texts[0]).getByRole('button', { name: 'Spammer', exact: true }).click();
  const card = moderator.getByRole('dialog', { name: 'Spammer' });
  await card.waitFor({ timeout: WAIT_MS });
  await audit(moderator, 'the user card with timeout and ban-and-remove');
  assert.equal(await card.getByRole('button', { name: 'Time out…' }).count(), 1);
  await card.getByRole('button', { name: 'Ban and remove messages…' }).click();
  const confirm = moderator.getByRole('dialog', { name: /^Ban Spammer from .+ and remove their recent messages\?$/ });
  await confirm.waitFor({ timeout: WAIT_MS });
  await audit(moderator, 'the ban-and-remove confirmation');
  await confirm.getByLabel('Remove their messages of the last').selectOption('10');
  await confirm.getByLabel('Ban for').selectOption('10');
  await confirm.getByLabel(/Reason/).fill('spam');
  await confirm.getByRole('button', { name: 'Ban and remove' }).click();
  await moderator
    .locator('#moderation-status', { hasText: 'Spammer is banned for 10 minutes. 3 of their messages of the last 10 minutes were removed.' })
    .waitFor({ timeout: WAIT_MS });

  for (const page of [bob, moderator]) {
    const removed = page.locator('#messages li.message.deleted', { hasText: 'Message deleted by a moderator: removed with the sender\'s ban' });
    await removed.nth(2).waitFor({ timeout: WAIT_MS });
    for (const text of texts) assert.equal(await page.locator('#messages li.message', { hasText: text }).count(), 0, `“${text}” is gone`);
    assert.equal(await page.locator('#messages li.message.deleted').count(), 3);
    await messageWith(page, kept).waitFor({ timeout: WAIT_MS });
  }
  await spammer.locator('#connection[data-state="closed"]').waitFor({ timeout: WAIT_MS });
  assert.match(await spammer.locator('#session-ended-text').textContent(), /banned: spam/);
  for (const page of env.pages) await page.close();
  await room.drop();
});
