// Sending messages with the official SDK: the echo that resolves sendMessage, fan-out to the
// other clients, and the ERROR frames that reject the promise (403, 400, 429, 406).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SendMessageRequest } from 'amazon-ivs-chat-messaging';

import {
  ACCOUNT_ID,
  REGION,
  nextEvent,
  parseFailures,
  rejection,
  setUp,
  startReviewEndpoint,
  within,
} from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 60_000;

function assertRecent(date, what) {
  assert.ok(date instanceof Date, `${what} is a Date`);
  assert.ok(!Number.isNaN(date.getTime()), `${what} is a valid Date`);
  assert.ok(Math.abs(Date.now() - date.getTime()) < 10_000, `${what} (${date.toISOString()}) is close to now`);
}

function receivedContents(chat) {
  return chat.events.filter(([name]) => name === 'message').map(([, message]) => message.content);
}

test('sendMessage resolves with the echo; another client receives the message', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const alice = await env.connected(room.arn, {
    userId: 'alice',
    capabilities: ['SEND_MESSAGE'],
    attributes: { displayName: 'Alice', role: 'viewer' },
  });
  const bob = await env.connected(room.arn, { userId: 'bob' });

  const request = new SendMessageRequest('hello, room', { color: 'blue', emoji: '👋' });
  const bobReceives = nextEvent(bob.room, 'message');
  const aliceReceives = nextEvent(alice.room, 'message');
  const echoed = await within(alice.room.sendMessage(request), 'sendMessage');

  assert.equal(echoed.requestId, request.requestId);
  assert.equal(echoed.content, 'hello, room');
  assert.deepEqual(echoed.attributes, { color: 'blue', emoji: '👋' });
  assert.deepEqual(echoed.sender, { userId: 'alice', attributes: { displayName: 'Alice', role: 'viewer' } });
  assert.match(echoed.id, /^[A-Za-z0-9]{12}$/);
  assertRecent(echoed.sendTime, 'sendTime');

  // The sender's own 'message' event carries the same message.
  assert.deepEqual(await aliceReceives, echoed);

  const received = await bobReceives;
  assert.equal(received.id, echoed.id);
  assert.equal(received.content, 'hello, room');
  assert.deepEqual(received.attributes, { color: 'blue', emoji: '👋' });
  assert.equal(received.sender.userId, 'alice');
  assert.deepEqual(received.sender.attributes, { displayName: 'Alice', role: 'viewer' });
  assert.ok(received.sendTime instanceof Date);
  assert.equal(received.sendTime.getTime(), echoed.sendTime.getTime());

  for (const chat of [alice, bob]) assert.deepEqual(parseFailures(chat), []);
});

test('a message without attributes, from a token without attributes', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const alice = await env.connected(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });
  const bob = await env.connected(room.arn, { userId: 'bob' });

  const bobReceives = nextEvent(bob.room, 'message');
  const request = new SendMessageRequest('plain');
  const echoed = await within(alice.room.sendMessage(request), 'sendMessage');
  assert.equal(echoed.requestId, request.requestId);
  assert.equal(echoed.attributes, undefined);
  assert.deepEqual(echoed.sender, { userId: 'alice', attributes: {} });

  const received = await bobReceives;
  assert.equal(received.id, echoed.id);
  assert.equal(received.content, 'plain');
  assert.equal(received.attributes, undefined);

  // Messages from several requests arrive in the order they were sent, to everyone.
  const contents = ['one', 'two', 'three', 'four'];
  const echoes = await within(
    Promise.all(contents.map((content) => alice.room.sendMessage(new SendMessageRequest(content)))),
    'four sendMessage calls',
  );
  assert.deepEqual(echoes.map((message) => message.content), contents);
  await within(
    new Promise((resolve) => {
      const check = () => (receivedContents(bob).length >= 5 ? resolve() : setTimeout(check, 20));
      check();
    }),
    'bob receiving five messages',
  );
  assert.deepEqual(receivedContents(bob), ['plain', ...contents]);
  for (const chat of [alice, bob]) assert.deepEqual(parseFailures(chat), []);
});

test('sendMessage without the SEND_MESSAGE capability rejects with a ChatError 403', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const reader = await env.connected(room.arn, { userId: 'reader', capabilities: ['DELETE_MESSAGE'] });
  const writer = await env.connected(room.arn, { userId: 'writer', capabilities: ['SEND_MESSAGE'] });
  const watcher = await env.connected(room.arn, { userId: 'watcher' });

  const request = new SendMessageRequest('may I?');
  const error = await rejection(reader.room.sendMessage(request), 'sendMessage without SEND_MESSAGE');
  assert.equal(error.errorCode, 403);
  assert.equal(error.requestId, request.requestId);
  assert.equal(typeof error.errorMessage, 'string');
  assert.ok(error.errorMessage.length > 0);
  assert.equal(typeof error.id, 'string');

  // The refused message went nowhere, and the connection is still usable.
  assert.equal(reader.room.state, 'connected');
  const after = [nextEvent(watcher.room, 'message'), nextEvent(reader.room, 'message')];
  await within(writer.room.sendMessage(new SendMessageRequest('after')), 'sendMessage with SEND_MESSAGE');
  for (const received of await Promise.all(after)) assert.equal(received.content, 'after');
  assert.deepEqual(receivedContents(watcher), ['after']);
  assert.deepEqual(receivedContents(reader), ['after']);
  for (const chat of [reader, writer, watcher]) assert.deepEqual(parseFailures(chat), []);
});

test("content longer than the room's maximumMessageLength rejects with 400", { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom({ maximumMessageLength: 10 });
  const alice = await env.connected(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });
  const bob = await env.connected(room.arn, { userId: 'bob' });

  const request = new SendMessageRequest('x'.repeat(11));
  const error = await rejection(alice.room.sendMessage(request), 'sendMessage of 11 characters');
  assert.equal(error.errorCode, 400);
  assert.equal(error.requestId, request.requestId);
  assert.equal(alice.room.state, 'connected');

  // The limit counts code points: ten emoji (twenty UTF-16 units) fit.
  const emoji = '😀'.repeat(10);
  const bobReceives = nextEvent(bob.room, 'message');
  const echoed = await within(alice.room.sendMessage(new SendMessageRequest(emoji)), 'sendMessage of 10 emoji');
  assert.equal(echoed.content, emoji);
  assert.equal((await bobReceives).content, emoji);
  assert.deepEqual(receivedContents(bob), [emoji]);

  // The hard maximum is 500 whatever the room says.
  const wide = await env.createRoom({ maximumMessageLength: 500 });
  const carol = await env.connected(wide.arn, { userId: 'carol', capabilities: ['SEND_MESSAGE'] });
  await within(carol.room.sendMessage(new SendMessageRequest('y'.repeat(500))), 'sendMessage of 500 characters');
  const tooLong = await rejection(
    carol.room.sendMessage(new SendMessageRequest('y'.repeat(501))),
    'sendMessage of 501 characters',
  );
  assert.equal(tooLong.errorCode, 400);
});

test("messages beyond the room's maximumMessageRatePerSecond reject with 429", { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom({ maximumMessageRatePerSecond: 1 });
  const alice = await env.connected(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });

  const first = alice.room.sendMessage(new SendMessageRequest('first'));
  const second = new SendMessageRequest('second');
  const secondSent = alice.room.sendMessage(second);
  assert.equal((await within(first, 'first sendMessage')).content, 'first');
  const error = await rejection(secondSent, 'second sendMessage within the same second');
  assert.equal(error.errorCode, 429);
  assert.equal(error.requestId, second.requestId);
  assert.equal(alice.room.state, 'connected');
});

test('message review: ALLOW delivers the rewritten message, DENY rejects with 406', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const review = await startReviewEndpoint((payload) => {
    if (payload.Content.includes('forbidden')) {
      return { ReviewResult: 'DENY', Attributes: { Reason: 'contains a forbidden word' } };
    }
    return {
      ReviewResult: 'ALLOW',
      Content: payload.Content.replaceAll('darn', 'd**n'),
      Attributes: { ...payload.Attributes, reviewed: 'yes' },
    };
  });
  t.after(() => review.close());
  const env = await setUp(t, { serverArgs: ['--lambda-endpoint', review.url] });
  const room = await env.createRoom({
    messageReviewHandler: {
      uri: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:chat-review`,
      fallbackResult: 'DENY',
    },
  });
  const alice = await env.connected(room.arn, {
    userId: 'alice',
    capabilities: ['SEND_MESSAGE'],
    attributes: { displayName: 'Alice' },
  });
  const bob = await env.connected(room.arn, { userId: 'bob' });

  const bobReceives = nextEvent(bob.room, 'message');
  const allowed = new SendMessageRequest('oh darn', { topic: 'weather' });
  const echoed = await within(alice.room.sendMessage(allowed), 'reviewed sendMessage');
  assert.equal(echoed.requestId, allowed.requestId);
  assert.equal(echoed.content, 'oh d**n');
  assert.deepEqual(echoed.attributes, { topic: 'weather', reviewed: 'yes' });
  const received = await bobReceives;
  assert.equal(received.content, 'oh d**n');

  // The handler saw the documented payload.
  assert.equal(review.invocations.length, 1);
  const { functionName, payload } = review.invocations[0];
  assert.equal(functionName, 'chat-review');
  assert.equal(payload.Content, 'oh darn');
  assert.equal(payload.MessageId, echoed.id);
  assert.equal(payload.RoomArn, room.arn);
  assert.deepEqual(payload.Attributes, { topic: 'weather' });
  assert.equal(payload.Sender.UserId, 'alice');
  assert.deepEqual(payload.Sender.Attributes, { displayName: 'Alice' });

  const denied = new SendMessageRequest('a forbidden thing');
  const error = await rejection(alice.room.sendMessage(denied), 'denied sendMessage');
  assert.equal(error.errorCode, 406);
  assert.equal(error.requestId, denied.requestId);
  assert.match(error.errorMessage, /forbidden word/);
  assert.deepEqual(receivedContents(bob), ['oh d**n']);
  for (const chat of [alice, bob]) assert.deepEqual(parseFailures(chat), []);
});
