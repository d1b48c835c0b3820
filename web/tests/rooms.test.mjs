// Rooms in the console: admins create, update and delete rooms (expiry, review handler,
// limits) through the HTTP API; others are offered the stack's rooms and a room id field, and
// the API refuses them administration whatever the page does.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import {
  WAIT_MS,
  browserTest,
  callApi,
  closeBrowser,
  demoRoom,
  demoRoomName,
  join,
  jwtFor,
  messageWith,
  send,
  stack,
  unique,
} from './harness.mjs';

after(closeBrowser);

browserTest('an admin creates, updates and deletes a room with expiry and review handler', async (env) => {
  env.expectStatus(404); // the page asks whether it can rejoin the room it was in, now deleted
  const admin = await env.open({ user: unique('root'), role: 'admin' });
  await admin.locator(`#room-list li[data-room-id="${demoRoom}"]`).waitFor({ timeout: WAIT_MS });
  const name = unique('launch-');
  const jwt = await jwtFor(unique('root'), ['admins']);

  await admin.locator('#room-form-title').click();
  const form = admin.locator('#room-form');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Maximum message length').fill('120');
  await form.getByLabel('Messages per second').fill('5');
  await form.getByLabel('Expires at').fill('2031-06-01T12:00');
  await form.getByRole('button', { name: 'Create room' }).click();
  await admin.locator('#rooms-status', { hasText: `Room ${name} created` }).waitFor({ timeout: WAIT_MS });
  const row = admin.locator('#room-list li', { hasText: name });
  await row.waitFor({ timeout: WAIT_MS });
  assert.match(await row.textContent(), /reviewed · expires /);
  const roomId = await row.getAttribute('data-room-id');

  let [status, room] = await callApi('GET', `/rooms/${roomId}`, jwt);
  assert.equal(status, 200);
  assert.equal(room.maximumMessageLength, 120);
  assert.equal(room.maximumMessageRatePerSecond, 5);
  assert.match(room.messageReviewHandler.uri, /:function:message-review$/, "the stack's review function");
  assert.equal(new Date(room.tags['ivschat-serverless:expires-at']).getTime(), new Date(2031, 5, 1, 12, 0).getTime());

  await row.getByRole('button', { name: `Edit ${name}` }).click();
  await admin.locator('#room-form-title', { hasText: `Edit room ${name}` }).waitFor({ timeout: WAIT_MS });
  assert.equal(await form.getByLabel('Messages per second').inputValue(), '5');
  await form.getByLabel('Messages per second').fill('7');
  await form.getByLabel('No review handler').check();
  await form.getByLabel('Expires at').fill('');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await admin.locator('#rooms-status', { hasText: `Room ${name} updated` }).waitFor({ timeout: WAIT_MS });

  [status, room] = await callApi('GET', `/rooms/${roomId}`, jwt);
  assert.equal(room.maximumMessageRatePerSecond, 7);
  assert.equal(room.messageReviewHandler ?? null, null, 'the review handler is removed');
  assert.equal(room.tags['ivschat-serverless:expires-at'], undefined, 'the expiry is removed');

  // Admins chat in their rooms too.
  await join(admin, roomId);

  await row.getByRole('button', { name: `Delete ${name}` }).click();
  const confirm = admin.getByRole('dialog', { name: `Delete the room ${name}?` });
  await confirm.waitFor({ timeout: WAIT_MS });
  await confirm.getByRole('button', { name: 'Delete room' }).click();
  await admin.locator('#rooms-status', { hasText: `Room ${name} deleted` }).waitFor({ timeout: WAIT_MS });
  await row.waitFor({ state: 'detached', timeout: WAIT_MS });
  await admin.locator('#connection[data-state="closed"]').waitFor({ timeout: WAIT_MS });
  [status] = await callApi('GET', `/rooms/${roomId}`, jwt);
  assert.equal(status, 404);
});

browserTest('users are offered the stack’s rooms and a room id field, and the API refuses them administration', async (env) => {
  env.expectStatus(404);
  const user = unique('alice');
  const page = await env.open({ user, role: 'moderator' });
  assert.equal(await page.locator('#room-admin').isVisible(), false, 'no room administration');
  await page.locator(`#room-list li[data-room-id="${demoRoom}"]`, { hasText: demoRoomName }).waitFor({ timeout: WAIT_MS });
  assert.equal(await page.getByRole('button', { name: /^Delete / }).count(), 0);

  const [status, body] = await callApi('GET', '/rooms', await jwtFor(user, ['moderators']));
  assert.equal(status, 403, JSON.stringify(body));

  // An unknown room id is answered by the API, and the page says so.
  await page.locator('#join-room-id').fill('AAAAAAAAAAAA');
  await page.locator('#join-form button[type="submit"]').click();
  await page.locator('#session-ended-text', { hasText: 'Cannot join AAAAAAAAAAAA' }).waitFor({ timeout: WAIT_MS });
  const said = await page.locator('#session-ended-text').textContent();
  assert.match(said, /There is no such room/);
  assert.doesNotMatch(said, /404|room_not_found/, 'plain words, no status or code');
  assert.equal(await page.locator('#connection').textContent(), 'Not connected');
});

browserTest('pointed at a stack by API URL and a pasted JWT, the console chats as that user', async (env) => {
  const user = unique('remote');
  const jwt = await jwtFor(user, ['moderators']);
  const page = await env.open({ signIn: false, user });
  await page.locator('#remote summary').click();
  await page.locator('#remote-api').fill(stack.apiUrl);
  await page.locator('#remote-jwt').fill(jwt);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.locator('#workspace').waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.match(await page.locator('#whoami-text').textContent(), new RegExp(`${user}.*moderator`));
  await join(page, demoRoom);
  assert.equal(await page.locator('#moderation').isVisible(), true, 'a moderator is offered moderation');
  const text = unique('from afar ');
  await send(page, text);
  await messageWith(page, text).waitFor({ timeout: WAIT_MS });
});
