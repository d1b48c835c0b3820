// Moderation and control-plane activity as the official SDK sees it: deleteMessage and
// disconnectUser from a client, SendEvent, DeleteMessage, DisconnectUser and DeleteRoom from
// the control plane.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  DeleteMessageCommand,
  DeleteRoomCommand,
  DisconnectUserCommand,
  SendEventCommand,
} from '@aws-sdk/client-ivschat';
import { DeleteMessageRequest, DisconnectUserRequest, SendMessageRequest } from 'amazon-ivs-chat-messaging';

import { nextEvent, parseFailures, rejection, setUp, sleep, within } from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 60_000;
/** How long a disconnected room is watched for reconnection attempts. */
const NO_RECONNECT_WATCH_MS = 750;

function eventNames(chat) {
  return chat.events.map(([name]) => name);
}

/** Asserts that `chat` was disconnected by the server and did not try to come back. */
async function assertServerDisconnected(chat) {
  await sleep(NO_RECONNECT_WATCH_MS);
  assert.equal(chat.room.state, 'disconnected', `${chat.userId} stays disconnected`);
  assert.equal(chat.tokenRequests, 1, `${chat.userId} asked for no new token (no reconnection)`);
  const disconnects = chat.events.filter(([name]) => name === 'disconnect');
  assert.deepEqual(disconnects, [['disconnect', 'serverDisconnect']], `${chat.userId}'s disconnect events`);
  assert.equal(eventNames(chat).filter((name) => name === 'connecting').length, 1, `${chat.userId} never reconnects`);
}

test('deleteMessage: every client gets messageDelete with the message id and reason', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const alice = await env.connected(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });
  const moderator = await env.connected(room.arn, { userId: 'mod', capabilities: ['DELETE_MESSAGE'] });
  const bob = await env.connected(room.arn, { userId: 'bob' });

  const message = await within(alice.room.sendMessage(new SendMessageRequest('spam spam spam')), 'sendMessage');

  const bobSees = nextEvent(bob.room, 'messageDelete');
  const aliceSees = nextEvent(alice.room, 'messageDelete');
  const request = new DeleteMessageRequest(message.id, 'spam');
  const deleted = await within(moderator.room.deleteMessage(request), 'deleteMessage');
  assert.equal(deleted.requestId, request.requestId);
  assert.equal(deleted.messageId, message.id);
  assert.equal(deleted.reason, 'spam');
  assert.ok(deleted.sendTime instanceof Date && !Number.isNaN(deleted.sendTime.getTime()));

  for (const seen of [await bobSees, await aliceSees]) {
    assert.equal(seen.messageId, message.id);
    assert.equal(seen.reason, 'spam');
    assert.equal(seen.id, deleted.id);
    assert.equal(seen.attributes.MessageID, message.id);
    assert.equal(seen.attributes.MessageId, message.id);
  }

  // Without a reason.
  const bobSeesAgain = nextEvent(bob.room, 'messageDelete');
  const plain = await within(moderator.room.deleteMessage(new DeleteMessageRequest(message.id)), 'deleteMessage without reason');
  assert.equal(plain.reason, undefined);
  assert.equal((await bobSeesAgain).messageId, message.id);

  // System events do not reach the generic 'event' listener.
  for (const chat of [alice, moderator, bob]) {
    assert.ok(!eventNames(chat).includes('event'), `${chat.userId} got no generic event`);
    assert.deepEqual(parseFailures(chat), []);
  }
});

test('deleteMessage and disconnectUser without their capabilities reject with 403', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const alice = await env.connected(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });
  const bob = await env.connected(room.arn, { userId: 'bob' });
  const message = await within(alice.room.sendMessage(new SendMessageRequest('keep me')), 'sendMessage');

  const deleteRequest = new DeleteMessageRequest(message.id, 'no');
  const deleteError = await rejection(alice.room.deleteMessage(deleteRequest), 'deleteMessage without DELETE_MESSAGE');
  assert.equal(deleteError.errorCode, 403);
  assert.equal(deleteError.requestId, deleteRequest.requestId);

  const disconnectRequest = new DisconnectUserRequest('bob', 'no');
  const disconnectError = await rejection(
    alice.room.disconnectUser(disconnectRequest),
    'disconnectUser without DISCONNECT_USER',
  );
  assert.equal(disconnectError.errorCode, 403);
  assert.equal(disconnectError.requestId, disconnectRequest.requestId);

  await sleep(200);
  assert.equal(bob.room.state, 'connected');
  assert.ok(!eventNames(bob).includes('messageDelete'));
  assert.ok(!eventNames(bob).includes('userDisconnect'));
});

test('disconnectUser: the target gets userDisconnect, then disconnect with serverDisconnect, and stays out', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const moderator = await env.connected(room.arn, { userId: 'mod', capabilities: ['DISCONNECT_USER'] });
  const bob = await env.connected(room.arn, { userId: 'bob', capabilities: ['SEND_MESSAGE'] });
  // A second connection of the same user (another tab) goes too.
  const bobElsewhere = await env.connected(room.arn, { userId: 'bob' });
  const carol = await env.connected(room.arn, { userId: 'carol', capabilities: ['SEND_MESSAGE'] });

  const bobDisconnected = nextEvent(bob.room, 'disconnect');
  const elsewhereDisconnected = nextEvent(bobElsewhere.room, 'disconnect');
  const carolSees = nextEvent(carol.room, 'userDisconnect');
  const request = new DisconnectUserRequest('bob', 'be nice');
  const result = await within(moderator.room.disconnectUser(request), 'disconnectUser');
  assert.equal(result.requestId, request.requestId);
  assert.equal(result.userId, 'bob');
  assert.equal(result.reason, 'be nice');

  for (const [chat, disconnected] of [
    [bob, bobDisconnected],
    [bobElsewhere, elsewhereDisconnected],
  ]) {
    assert.equal(await disconnected, 'serverDisconnect');
    const names = eventNames(chat);
    assert.deepEqual(names.slice(-2), ['userDisconnect', 'disconnect'], `${chat.userId}: userDisconnect comes first`);
    const [, seen] = chat.events.find(([name]) => name === 'userDisconnect');
    assert.equal(seen.userId, 'bob');
    assert.equal(seen.reason, 'be nice');
  }
  await assertServerDisconnected(bob);
  await assertServerDisconnected(bobElsewhere);

  // Everyone else saw the event and stays connected.
  const seen = await carolSees;
  assert.equal(seen.userId, 'bob');
  assert.equal(seen.reason, 'be nice');
  for (const chat of [moderator, carol]) {
    assert.equal(chat.room.state, 'connected');
    assert.ok(!eventNames(chat).includes('disconnect'));
  }
  await within(carol.room.sendMessage(new SendMessageRequest('still here')), 'sendMessage after the disconnect');
  for (const chat of [moderator, bob, bobElsewhere, carol]) assert.deepEqual(parseFailures(chat), []);
});

test('control-plane SendEvent reaches the event listener', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const alice = await env.connected(room.arn, { userId: 'alice' });
  const bob = await env.connected(room.arn, { userId: 'bob' });

  const aliceSees = nextEvent(alice.room, 'event');
  const bobSees = nextEvent(bob.room, 'event');
  const answer = await env.client.send(
    new SendEventCommand({
      roomIdentifier: room.arn,
      eventName: 'app:poll-opened',
      attributes: { question: 'Tea or coffee?', options: '["tea","coffee"]' },
    }),
  );
  for (const event of [await aliceSees, await bobSees]) {
    assert.equal(event.eventName, 'app:poll-opened');
    assert.deepEqual(event.attributes, { question: 'Tea or coffee?', options: '["tea","coffee"]' });
    assert.equal(event.id, answer.id);
    assert.ok(event.sendTime instanceof Date && !Number.isNaN(event.sendTime.getTime()));
  }

  // Attributes are optional.
  const bare = nextEvent(bob.room, 'event');
  await env.client.send(new SendEventCommand({ roomIdentifier: room.arn, eventName: 'ping' }));
  const event = await bare;
  assert.equal(event.eventName, 'ping');
  assert.ok(event.attributes === undefined || Object.keys(event.attributes).length === 0);
  for (const chat of [alice, bob]) assert.deepEqual(parseFailures(chat), []);
});

test('control-plane DeleteMessage reaches the messageDelete listener', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const alice = await env.connected(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });
  const bob = await env.connected(room.arn, { userId: 'bob' });
  const message = await within(alice.room.sendMessage(new SendMessageRequest('oops')), 'sendMessage');

  const bobSees = nextEvent(bob.room, 'messageDelete');
  const answer = await env.client.send(
    new DeleteMessageCommand({ roomIdentifier: room.arn, id: message.id, reason: 'off-topic' }),
  );
  const seen = await bobSees;
  assert.equal(seen.messageId, message.id);
  assert.equal(seen.reason, 'off-topic');
  assert.equal(seen.id, answer.id);
  assert.deepEqual(parseFailures(bob), []);
});

test('control-plane DisconnectUser: userDisconnect, then disconnect with serverDisconnect', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const bob = await env.connected(room.arn, { userId: 'bob' });
  const carol = await env.connected(room.arn, { userId: 'carol' });

  const bobDisconnected = nextEvent(bob.room, 'disconnect');
  const carolSees = nextEvent(carol.room, 'userDisconnect');
  await env.client.send(new DisconnectUserCommand({ roomIdentifier: room.arn, userId: 'bob', reason: 'timeout' }));
  assert.equal(await bobDisconnected, 'serverDisconnect');
  assert.deepEqual(eventNames(bob).slice(-2), ['userDisconnect', 'disconnect']);
  const [, seenByBob] = bob.events.find(([name]) => name === 'userDisconnect');
  assert.equal(seenByBob.userId, 'bob');
  assert.equal(seenByBob.reason, 'timeout');
  const seenByCarol = await carolSees;
  assert.equal(seenByCarol.userId, 'bob');
  await assertServerDisconnected(bob);
  assert.equal(carol.room.state, 'connected');
});

test('control-plane DeleteRoom disconnects every client', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const other = await env.createRoom();
  const alice = await env.connected(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });
  const bob = await env.connected(room.arn, { userId: 'bob' });
  const elsewhere = await env.connected(other.arn, { userId: 'carol', capabilities: ['SEND_MESSAGE'] });

  const aliceDisconnected = nextEvent(alice.room, 'disconnect');
  const bobDisconnected = nextEvent(bob.room, 'disconnect');
  await env.client.send(new DeleteRoomCommand({ identifier: room.arn }));
  assert.equal(await aliceDisconnected, 'serverDisconnect');
  assert.equal(await bobDisconnected, 'serverDisconnect');
  await assertServerDisconnected(alice);
  await assertServerDisconnected(bob);

  // Other rooms are untouched.
  assert.equal(elsewhere.room.state, 'connected');
  await within(elsewhere.room.sendMessage(new SendMessageRequest('still here')), 'sendMessage in another room');
});
