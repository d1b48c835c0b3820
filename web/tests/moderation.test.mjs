// Moderating through the console: a moderator deletes a message (every client sees it at
// once), disconnects a user (whose page says why and may rejoin), and bans a user (whose
// session ends, who gets no new token, and who is back after the unban).

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

browserTest('a moderator deletes a message and every client sees the deletion at once', async (env) => {
  const alice = await env.open({ user: unique('alice') });
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  const viewer = await env.open({ role: 'viewer' });
  for (const page of [alice, moderator, viewer]) await join(page, demoRoom);
  assert.equal(await messageWith(alice, 'x').locator('button', { hasText: 'Delete' }).count(), 0);

  const text = unique('buy cheap stuff ');
  await send(alice, text);
  const line = messageWith(moderator, text);
  await line.waitFor({ timeout: WAIT_MS });
  assert.equal(await messageWith(alice, text).getByRole('button', { name: /Delete/ }).count(), 0, 'users get no delete button');
  await line.getByRole('button', { name: /Delete the message/ }).click();
  await line.getByLabel('Reason for deleting the message').fill('off topic');
  await line.getByRole('button', { name: 'Delete message' }).click();

  for (const page of [alice, moderator, viewer]) {
    const deleted = page.locator('#messages li.message.deleted', { hasText: 'Message deleted by a moderator: off topic' });
    await deleted.waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator('#messages li.message', { hasText: text }).count(), 0, 'the text is gone');
  }
});

browserTest('a disconnected user’s page says why, and the user can rejoin', async (env) => {
  const user = unique('alice');
  const alice = await env.open({ user });
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  await join(alice, demoRoom);
  await join(moderator, demoRoom);
  const text = unique('too loud ');
  await send(alice, text);
  await messageWith(moderator, text).getByRole('button', { name: `Moderate ${user}` }).click();
  assert.equal(await moderator.locator('#moderate-user').inputValue(), user);
  await moderator.locator('#moderate-reason').fill('cool down');
  await moderator.getByRole('button', { name: 'Disconnect' }).click();

  await alice.locator('#connection[data-state="closed"]').waitFor({ timeout: WAIT_MS });
  assert.match(await alice.locator('#connection').textContent(), /disconnected by a moderator \(cool down\)/);
  assert.match(await alice.locator('#session-ended-text').textContent(), /Session ended: disconnected by a moderator/);
  await alice.locator('#rejoin-state', { hasText: 'You can rejoin' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await alice.locator('#composer').isVisible(), false);
  await moderator.locator('#messages li.system', { hasText: `${user} was disconnected: cool down` }).waitFor({ timeout: WAIT_MS });

  await alice.getByRole('button', { name: 'Rejoin' }).click();
  await connected(alice);
  const back = unique('sorry ');
  await send(alice, back);
  await messageWith(moderator, back).waitFor({ timeout: WAIT_MS });
});

browserTest('a ban ends the session, the page says it cannot rejoin, no token is issued, and unban lets the user back', async (env) => {
  env.expectStatus(403); // the banned user's token requests
  const user = unique('troll');
  const troll = await env.open({ user });
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  await join(troll, demoRoom);
  await join(moderator, demoRoom);
  assert.equal(await troll.locator('#moderation').isVisible(), false, 'users get no moderation panel');

  await moderator.locator('#moderate-user').fill(user);
  await moderator.locator('#moderate-reason').fill('spam');
  await moderator.locator('#ban-duration').selectOption('');
  await moderator.getByRole('button', { name: 'Ban', exact: true }).click();
  await moderator.locator('#moderation-status', { hasText: `${user} is banned permanently` }).waitFor({ timeout: WAIT_MS });

  await troll.locator('#connection[data-state="closed"]').waitFor({ timeout: WAIT_MS });
  assert.match(await troll.locator('#session-ended-text').textContent(), /Session ended: disconnected by a moderator/);
  await troll.locator('#rejoin-state', { hasText: 'You cannot rejoin' }).waitFor({ timeout: WAIT_MS });
  assert.match(await troll.locator('#rejoin-state').textContent(), /banned from this room permanently/);
  assert.equal(await troll.locator('#rejoin').isVisible(), false, 'no rejoin button');

  // The chat-token route refuses the banned user.
  const jwt = await jwtFor(user);
  const [status, body] = await callApi('POST', `/rooms/${demoRoom}/chat-token`, jwt);
  assert.equal(status, 403);
  assert.equal(body.code, 'banned');

  // Joining again from the room list is refused too.
  await troll.locator(`#room-list li[data-room-id="${demoRoom}"] button`, { hasText: 'Join' }).click();
  await troll.locator('#session-ended-text', { hasText: 'banned' }).waitFor({ timeout: WAIT_MS });

  // The ban list shows the ban; unban lets the user back in.
  const ban = moderator.locator(`#ban-list li[data-user-id="${user}"]`);
  await ban.waitFor({ timeout: WAIT_MS });
  assert.match(await ban.textContent(), /permanent · spam/);
  await ban.getByRole('button', { name: `Unban ${user}` }).click();
  await ban.waitFor({ state: 'detached', timeout: WAIT_MS });
  await troll.locator(`#room-list li[data-room-id="${demoRoom}"] button`, { hasText: 'Join' }).click();
  await connected(troll);
});

browserTest('a timed ban shows its end in the ban list', async (env) => {
  const user = unique('noisy');
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  await join(moderator, demoRoom);
  await moderator.locator('#moderate-user').fill(user);
  await moderator.locator('#ban-duration').selectOption('60');
  await moderator.getByRole('button', { name: 'Ban', exact: true }).click();
  const ban = moderator.locator(`#ban-list li[data-user-id="${user}"]`);
  await ban.waitFor({ timeout: WAIT_MS });
  assert.match(await ban.textContent(), /until /);
  await ban.getByRole('button', { name: `Unban ${user}` }).click();
  await ban.waitFor({ state: 'detached', timeout: WAIT_MS });
});
