// Moderating through the console, where the message is: each message's menu and the user
// card offer delete, disconnect and ban, each confirmed first (a moderator about to ban
// themself is warned); the affected user sees the moderator's reason; an unbanned user's page
// offers Rejoin without a reload; the moderation panel does the same by user id.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import {
  WAIT_MS,
  audit,
  browserTest,
  callApi,
  closeBrowser,
  connected,
  demoRoom,
  join,
  jwtFor,
  messageWith,
  openMessageMenu,
  send,
  unique,
  waitForHistory,
} from './harness.mjs';

after(closeBrowser);

browserTest('a moderator deletes a message from its menu, after confirming, and every client sees the deletion', async (env) => {
  const alice = await env.open({ user: unique('alice') });
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  const viewer = await env.open({ role: 'viewer' });
  for (const page of [alice, moderator, viewer]) await join(page, demoRoom);

  const text = unique('buy cheap stuff ');
  await send(alice, text);
  await messageWith(alice, text).waitFor({ timeout: WAIT_MS });
  assert.equal(await messageWith(alice, text).getByRole('button').count(), 0, 'users get no message menu');
  const line = await openMessageMenu(moderator, text);
  await audit(moderator, 'a message menu');
  await line.getByRole('menuitem', { name: 'Delete message…' }).click();
  const confirm = moderator.getByRole('dialog', { name: /Delete this message from/ });
  await confirm.waitFor({ timeout: WAIT_MS });
  await audit(moderator, 'the delete confirmation');
  // Esc cancels: nothing is deleted, and the focus is back on the message.
  await moderator.keyboard.press('Escape');
  await confirm.waitFor({ state: 'hidden', timeout: WAIT_MS });
  assert.equal(await line.evaluate((item) => item === document.activeElement), true, 'focus back on the message');
  assert.equal(await line.locator('.content').textContent(), text, 'not deleted');

  await openMessageMenu(moderator, text);
  await line.getByRole('menuitem', { name: 'Delete message…' }).click();
  await confirm.getByLabel(/Reason/).fill('off topic');
  await confirm.getByRole('button', { name: 'Delete message' }).click();
  for (const page of [alice, moderator, viewer]) {
    const deleted = page.locator('#messages li.message.deleted', { hasText: 'Message deleted by a moderator: off topic' });
    await deleted.waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator('#messages li.message', { hasText: text }).count(), 0, 'the text is gone');
  }
});

browserTest('a disconnected user sees the moderator’s reason and can rejoin; disconnecting someone not seen here since joining says so', async (env) => {
  const user = unique('alice');
  const alice = await env.open({ user, name: 'Alice' });
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  await join(alice, demoRoom);
  await join(moderator, demoRoom);
  const text = unique('too loud ');
  await send(alice, text);
  // The user card, from the sender's name.
  await messageWith(moderator, text).waitFor({ timeout: WAIT_MS });
  await messageWith(moderator, text).getByRole('button', { name: 'Alice', exact: true }).click();
  const card = moderator.getByRole('dialog', { name: 'Alice' });
  await card.waitFor({ timeout: WAIT_MS });
  assert.match(await card.textContent(), new RegExp(`@${user}`));
  await audit(moderator, 'the user card');
  await card.getByRole('button', { name: 'Disconnect…' }).click();
  const confirm = moderator.getByRole('dialog', { name: 'Disconnect Alice?' });
  await confirm.getByLabel(/Reason/).fill('cool down');
  await confirm.getByRole('button', { name: 'Disconnect' }).click();

  // Alice's message reached the moderator's page live: she is known to be here.
  await moderator.locator('#moderation-status', { hasText: 'Alice was disconnected.' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await moderator.locator('#moderation-status').textContent(), 'Alice was disconnected.');
  await alice.locator('#connection[data-state="closed"]').waitFor({ timeout: WAIT_MS });
  assert.match(await alice.locator('#connection').textContent(), /disconnected by a moderator \(cool down\)/);
  assert.match(await alice.locator('#session-ended-text').textContent(), /Session ended: disconnected by a moderator \(cool down\)\.$/);
  await alice.locator('#rejoin-state', { hasText: 'You can rejoin' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await alice.locator('#composer').isVisible(), false);
  await moderator.locator('#messages li.system', { hasText: `${user} was disconnected: cool down` }).waitFor({ timeout: WAIT_MS });
  await alice.getByRole('button', { name: 'Rejoin' }).click();
  await connected(alice);
  const back = unique('sorry ');
  await send(alice, back);
  await messageWith(moderator, back).waitFor({ timeout: WAIT_MS });

  // Someone never seen in the room: IVS Chat answers as for anyone, the page does not claim
  // a disconnect it cannot know of.
  const ghost = unique('ghost');
  await moderator.locator('#moderate-user').fill(ghost);
  await moderator.getByRole('button', { name: 'Disconnect…' }).click();
  await moderator.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
  const unseen = `${ghost} has not been seen in this room since you joined; if they are connected they were disconnected.`;
  await moderator.locator('#moderation-status', { hasText: unseen }).waitFor({ timeout: WAIT_MS });
  await audit(moderator, 'the moderation panel after a disconnect');

  // A moderator who joined after Alice's last message knows it from the history only, which
  // says nothing of now: the page says so, and Alice, who was connected, is disconnected.
  await waitForHistory(demoRoom, back);
  const late = await env.open({ user: unique('mod'), role: 'moderator' });
  await join(late, demoRoom);
  await messageWith(late, back).waitFor({ timeout: WAIT_MS });
  await late.locator('#moderate-user').fill(user);
  await late.getByRole('button', { name: 'Disconnect…' }).click();
  await late.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
  await late
    .locator('#moderation-status', { hasText: `${user} has not been seen in this room since you joined; if they are connected they were disconnected.` })
    .waitFor({ timeout: WAIT_MS });
  await alice.locator('#connection[data-state="closed"]').waitFor({ timeout: WAIT_MS });
});

browserTest('a ban from the message menu ends the session with the moderator’s reason; after the unban the page offers Rejoin without a reload', async (env) => {
  env.expectStatus(403); // the banned user's token requests
  const user = unique('troll');
  const troll = await env.open({ user, name: 'Troll' });
  const moderator = await env.open({ user: unique('mod'), role: 'moderator' });
  await join(troll, demoRoom);
  await join(moderator, demoRoom);
  assert.equal(await troll.locator('#moderation').isVisible(), false, 'users get no moderation panel');

  const text = unique('spam spam ');
  await send(troll, text);
  const line = await openMessageMenu(moderator, text);
  await line.getByRole('menuitem', { name: 'Ban Troll…' }).click();
  const confirm = moderator.getByRole('dialog', { name: /^Ban Troll from / });
  await confirm.waitFor({ timeout: WAIT_MS });
  assert.equal(await confirm.locator('#confirm-warning').isVisible(), false, 'no self-ban warning');
  await audit(moderator, 'the ban confirmation');
  await confirm.getByLabel(/Reason/).fill('spam');
  await confirm.getByLabel('Ban for').selectOption('');
  // The ban alone: the page makes no disconnect call of its own.
  const calls = [];
  moderator.on('request', (request) => calls.push(`${request.method()} ${new URL(request.url()).pathname}`));
  await confirm.getByRole('button', { name: 'Ban', exact: true }).click();
  await moderator.locator('#moderation-status', { hasText: 'Troll is banned permanently' }).waitFor({ timeout: WAIT_MS });
  assert.ok(calls.includes(`PUT /rooms/${demoRoom}/bans/${user}`), calls.join('\n'));
  assert.deepEqual(calls.filter((call) => call.endsWith('/disconnect')), [], 'no disconnect besides the ban’s');

  await troll.locator('#connection[data-state="closed"]').waitFor({ timeout: WAIT_MS });
  assert.match(await troll.locator('#session-ended-text').textContent(), /disconnected by a moderator \(banned: spam\)/);
  await troll.locator('#rejoin-state', { hasText: 'You cannot rejoin' }).waitFor({ timeout: WAIT_MS });
  assert.match(await troll.locator('#rejoin-state').textContent(), /banned from this room permanently/);
  assert.equal(await troll.locator('#rejoin').isVisible(), false, 'no rejoin button');

  const [status, body] = await callApi('POST', `/rooms/${demoRoom}/chat-token`, await jwtFor(user));
  assert.equal(status, 403);
  assert.equal(body.code, 'banned');

  const ban = moderator.locator(`#ban-list li[data-user-id="${user}"]`);
  await ban.waitFor({ timeout: WAIT_MS });
  assert.match(await ban.textContent(), /permanent · spam/);
  await ban.getByRole('button', { name: `Unban ${user}` }).click();
  await ban.waitFor({ state: 'detached', timeout: WAIT_MS });
  // The same page, no reload: it asks again (on its own every few seconds, or at once here).
  await troll.getByRole('button', { name: 'Check again' }).click();
  await troll.locator('#rejoin-state', { hasText: 'You can rejoin' }).waitFor({ timeout: WAIT_MS });
  await troll.getByRole('button', { name: 'Rejoin' }).click();
  await connected(troll);
});

browserTest('a moderator about to ban themself is warned, and a timed ban shows its end', async (env) => {
  const self = unique('mod');
  const moderator = await env.open({ user: self, role: 'moderator' });
  await join(moderator, demoRoom);
  const text = unique('mine ');
  await send(moderator, text);
  const line = await openMessageMenu(moderator, text);
  await line.getByRole('menuitem', { name: /^Ban \S+…$/ }).click();
  const confirm = moderator.getByRole('dialog', { name: /^Ban / });
  await confirm.locator('#confirm-warning', { hasText: 'This is you' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await confirm.getByRole('button', { name: 'Ban myself' }).count(), 1);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'hidden', timeout: WAIT_MS });
  assert.equal(await moderator.locator('#connection').getAttribute('data-state'), 'connected', 'still here');

  const user = unique('noisy');
  await moderator.locator('#moderate-user').fill(user);
  await moderator.getByRole('button', { name: 'Ban…' }).click();
  await moderator.getByRole('dialog').getByLabel('Ban for').selectOption('60');
  await moderator.getByRole('dialog').getByRole('button', { name: 'Ban', exact: true }).click();
  const ban = moderator.locator(`#ban-list li[data-user-id="${user}"]`);
  await ban.waitFor({ timeout: WAIT_MS });
  assert.match(await ban.textContent(), /until /);
  await ban.getByRole('button', { name: `Unban ${user}` }).click();
  await ban.waitFor({ state: 'detached', timeout: WAIT_MS });
});
