// Continuity: the session and the room survive a reload, ?room=ID links open a room, rooms go
// by one name for everyone, errors are plain words, history older than today shows its date,
// and custom events read as words.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import { WAIT_MS, audit, browserTest, callApi, closeBrowser, connected, demoRoom, demoRoomName, join, jwtFor, messageWith, send, signInAs, stack, unique } from './harness.mjs';

after(closeBrowser);

browserTest('the session and the room survive a reload, and ?room=ID opens that room after sign-in', async (env) => {
  const user = unique('rita');
  const page = await env.open({ user, name: 'Rita' });
  await join(page, demoRoom);
  assert.equal(new URL(page.url()).searchParams.get('room'), demoRoom, 'the address names the room');
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor({ timeout: WAIT_MS });
  await connected(page);
  assert.match(await page.locator('#whoami-text').textContent(), new RegExp(`Rita \\(${user}\\)`));
  assert.equal(await page.locator('#chat-title').textContent(), `Chat in ${demoRoomName}`);
  const text = unique('after reload ');
  await send(page, text);
  await messageWith(page, text).waitFor({ timeout: WAIT_MS });
  await page.getByRole('button', { name: 'Leave' }).click();
  assert.equal(new URL(page.url()).searchParams.get('room'), null, 'leaving takes the room out of the address');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor({ timeout: WAIT_MS });
  assert.equal(await page.locator('#sign-in').isVisible(), true, 'signed out stays signed out');

  // A link to a room.
  const linked = await env.open({ signIn: false, query: `?room=${demoRoom}` });
  assert.equal(await linked.locator('#join-room-id').inputValue(), demoRoom);
  await signInAs(linked, { user: unique('lin') });
  await connected(linked);
  assert.equal(await linked.locator('#chat-title').textContent(), `Chat in ${demoRoomName}`);
});

browserTest('rooms go by one name for users and admins; errors are plain words', async (env) => {
  env.expectStatus(404);
  const user = await env.open({ user: unique('ula') });
  const admin = await env.open({ user: unique('root'), role: 'admin' });
  // The admin's list has the room from GET /rooms too (its details say "reviewed").
  await admin.locator(`#room-list li[data-room-id="${demoRoom}"]`, { hasText: 'reviewed' }).waitFor({ timeout: WAIT_MS });
  // The IVS Chat name, for a user (from config.json) as for an admin (from GET /rooms), never
  // the template's logical id.
  assert.notEqual(demoRoomName, 'DemoRoom');
  for (const page of [user, admin]) {
    assert.equal(await page.locator(`#room-list li[data-room-id="${demoRoom}"] .room-name`).textContent(), demoRoomName);
    assert.equal(await page.getByRole('button', { name: `Join ${demoRoomName}` }).count(), 1);
  }
  await audit(user, 'a user’s rooms');
  await audit(admin, 'an admin’s rooms');
  await join(user, demoRoom);
  await join(admin, demoRoom);
  for (const page of [user, admin]) {
    assert.equal(await page.locator('#connection').textContent(), `Connected to ${demoRoomName}`);
    assert.equal(await page.locator('#chat-title').textContent(), `Chat in ${demoRoomName}`);
  }
  await user.getByRole('button', { name: 'Leave' }).click();

  // A room joined by id is offered by the list later.
  const jwt = await jwtFor(unique('root'), ['admins']);
  const [, room] = await callApi('POST', '/rooms', jwt, { name: unique('side-'), messageReviewHandler: null });
  await join(user, room.id);
  await user.getByRole('button', { name: 'Leave' }).click();
  await user.locator(`#room-list li[data-room-id="${room.id}"]`, { hasText: 'joined before' }).waitFor({ timeout: WAIT_MS });
  await callApi('DELETE', `/rooms/${room.id}`, jwt);
  await user.locator(`#room-list li[data-room-id="${room.id}"] button`, { hasText: 'Join' }).click();
  await user.locator('#session-ended-text', { hasText: 'There is no such room' }).waitFor({ timeout: WAIT_MS });
  const said = `${await user.locator('#session-ended-text').textContent()} ${await user.locator('#connection').textContent()}`;
  assert.doesNotMatch(said, /404|room_not_found|no chat token|Closed:/);
});

browserTest('history older than today shows its date, and custom events read as words', async (env) => {
  const old = new Date(Date.now() - 3 * 86_400_000);
  const oldId = 'OLDmessage01';
  const page = await env.open({
    user: unique('dora'),
    beforeLoad: async (p) => {
      await p.route('**/history?*', async (route) => {
        const response = await route.fetch();
        const body = await response.json();
        if (!new URL(route.request().url()).searchParams.has('from')) {
          body.messages = [{ id: oldId, content: 'from three days ago', sendTime: old.toISOString(), attributes: {}, sender: { userId: 'elder', attributes: { displayName: 'Elder' } } }, ...body.messages];
        }
        await route.fulfill({ response, json: body });
      });
    },
  });
  await join(page, demoRoom);
  await page.locator('#messages[data-history="loaded"]').waitFor({ timeout: WAIT_MS });
  const oldLine = messageWith(page, 'from three days ago');
  const expected = await page.evaluate((iso) => new Date(iso).toLocaleString([], { day: 'numeric', month: 'short' }), old.toISOString());
  assert.ok((await oldLine.locator('time').textContent()).includes(expected), `the date ${expected} is shown`);
  const today = unique('today ');
  await send(page, today);
  await messageWith(page, today).waitFor({ timeout: WAIT_MS });
  assert.doesNotMatch(await messageWith(page, today).locator('time').textContent(), new RegExp(expected), 'today: the time alone');

  const moderator = await jwtFor(unique('mod'), ['moderators']);
  const [status] = await callApi('POST', `/rooms/${demoRoom}/events`, moderator, { eventName: 'poll-started', attributes: { question: 'Tea or coffee?', closes: 'in 5 minutes' } });
  assert.equal(status, 200);
  const event = page.locator('#messages li.event[data-event-name="poll-started"]');
  await event.waitFor({ timeout: WAIT_MS });
  const said = await event.textContent();
  assert.match(said, /Event “poll started” — /);
  assert.ok(said.includes('question: Tea or coffee?') && said.includes('closes: in 5 minutes'), said);
  assert.doesNotMatch(await event.textContent(), /[{}"]/, 'no JSON');
});
