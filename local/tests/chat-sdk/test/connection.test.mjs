// Connecting with the official SDK: the handshake (token as subprotocol, echoed), refused
// tokens, and the SDK's own connection refresh before the token expires.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SendMessageRequest } from 'amazon-ivs-chat-messaging';

import { nextEvent, parseFailures, setUp, sleep, within } from '../lib/harness.mjs';

const TEST_TIMEOUT_MS = 60_000;

test('a ChatRoom connects with a CreateChatToken token', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  const alice = env.chatRoom(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });
  assert.equal(alice.room.state, 'disconnected');

  const connect = nextEvent(alice.room, 'connect');
  alice.room.connect();
  assert.equal(alice.room.state, 'connecting');
  await connect;

  assert.equal(alice.room.state, 'connected');
  assert.equal(alice.tokenRequests, 1);
  assert.deepEqual(
    alice.events.map(([name]) => name),
    ['connecting', 'connect'],
  );

  // A client-side disconnect is reported as such.
  const disconnect = nextEvent(alice.room, 'disconnect');
  alice.room.disconnect();
  assert.equal(await disconnect, 'clientDisconnect');
  assert.equal(alice.room.state, 'disconnected');
  assert.deepEqual(parseFailures(alice), []);
});

test('a used token is refused at the handshake; the SDK retries with new tokens, then gives up', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  // A token opens one connection: hand the SDK a token that has already been used, every time.
  const answer = await env.createToken(room.arn, { userId: 'bob' });
  const used = await env.connected(room.arn, {
    userId: 'bob',
    tokenProvider: async () => ({
      token: answer.token,
      sessionExpirationTime: new Date(answer.sessionExpirationTime),
      tokenExpirationTime: new Date(answer.tokenExpirationTime),
    }),
  });
  assert.equal(used.room.state, 'connected');

  const replay = env.chatRoom(room.arn, {
    userId: 'bob',
    maxReconnectAttempts: 2,
    tokenProvider: async () => ({
      token: answer.token,
      sessionExpirationTime: new Date(answer.sessionExpirationTime),
      tokenExpirationTime: new Date(answer.tokenExpirationTime),
    }),
  });
  const disconnect = nextEvent(replay.room, 'disconnect');
  replay.room.connect();
  // ChatConnection: an unclean close before `open` is 'socketError', retried up to
  // maxReconnectAttempts times, each time with a token from the provider.
  assert.equal(await disconnect, 'socketError');
  assert.equal(replay.tokenRequests, 3);
  assert.equal(replay.room.state, 'disconnected');
  assert.ok(
    !replay.events.some(([name]) => name === 'connect'),
    'a refused token must never reach the connected state',
  );
});

test('the SDK refreshes its connection before the token expires, keeping the room connected', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const env = await setUp(t);
  const room = await env.createRoom();
  // ChatRoom.scheduleReconnect opens the next connection 30 s before the tokenExpirationTime
  // the provider returned when that is 60 s away or less. Claiming 31 s makes alice's room
  // replace its connection about every second, each time with a new token.
  const alice = await env.connected(room.arn, {
    userId: 'alice',
    capabilities: ['SEND_MESSAGE'],
    tokenProvider: async () => {
      const answer = await env.createToken(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });
      return {
        token: answer.token,
        sessionExpirationTime: new Date(answer.sessionExpirationTime),
        tokenExpirationTime: new Date(Date.now() + 31_000),
      };
    },
  });
  const bob = await env.connected(room.arn, { userId: 'bob', capabilities: ['SEND_MESSAGE'] });

  const deadline = Date.now() + 15_000;
  while (alice.tokenRequests < 3 && Date.now() < deadline) await sleep(20);
  assert.ok(alice.tokenRequests >= 3, `expected two refreshes, saw ${alice.tokenRequests - 1}`);
  // Halfway between two refreshes, so that no handover is under way while messages travel.
  await sleep(400);
  // The refresh happens under the covers: no state change is reported.
  assert.deepEqual(
    alice.events.map(([name]) => name),
    ['connecting', 'connect'],
  );
  assert.equal(alice.room.state, 'connected');

  // Both directions work on the new connection, and every message arrives exactly once.
  const sent = [];
  for (const [who, content] of [
    [alice, 'from alice after the refresh'],
    [bob, 'from bob'],
  ]) {
    sent.push(await within(who.room.sendMessage(new SendMessageRequest(content)), `${who.userId} sendMessage`));
  }
  await sleep(200);
  for (const chat of [alice, bob]) {
    const received = chat.events.filter(([name]) => name === 'message').map(([, message]) => message.id);
    assert.deepEqual(received, sent.map((message) => message.id), `${chat.userId} receives each message once`);
    assert.deepEqual(parseFailures(chat), []);
  }
});

// When the SDK's next connection opens, ChatRoom.onOpen at once closes the current one and
// drops whatever still arrives on it. The server therefore joins a connection to the room's
// fan-out before answering the handshake, and queues to a handing-over user's new connection
// the frames broadcast in the last moments (the SDK drops the ones it has seen by Id): no
// message is lost or shown twice, and every sendMessage settles.
test('continuous traffic across connection refreshes: nothing is lost and every sendMessage settles', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  // Every client's token lasts 31 s, so every client replaces its connection about every second.
  const env = await setUp(t, { serverArgs: ['--token-lifetime-seconds', '31'] });
  const room = await env.createRoom({ maximumMessageRatePerSecond: 100 });
  const alice = await env.connected(room.arn, { userId: 'alice', capabilities: ['SEND_MESSAGE'] });
  const observers = [];
  for (let i = 0; i < 6; i += 1) observers.push(await env.connected(room.arn, { userId: `viewer-${i}` }));

  const sent = [];
  const unsettled = [];
  const started = Date.now();
  while (Date.now() - started < 6_000) {
    const content = `m${sent.length}`;
    sent.push(content);
    try {
      await within(alice.room.sendMessage(new SendMessageRequest(content)), `sendMessage ${content}`, 2_000);
    } catch (error) {
      if (!(error instanceof Error)) throw new Error(`sendMessage ${content} rejected: ${JSON.stringify(error)}`);
      unsettled.push(content);
    }
    await sleep(10);
  }
  await sleep(500);

  const refreshes = [alice, ...observers].map((chat) => chat.tokenRequests - 1);
  assert.ok(Math.min(...refreshes) >= 3, `every client refreshed its connection several times: ${refreshes}`);
  const problems = [];
  if (unsettled.length) problems.push(`alice's sendMessage never settled for ${unsettled.join(' ')} (echo lost)`);
  for (const chat of [alice, ...observers]) {
    assert.equal(chat.room.state, 'connected', `${chat.userId} stays connected`);
    const received = chat.events.filter(([name]) => name === 'message').map(([, message]) => message.content);
    const counts = new Map();
    for (const content of received) counts.set(content, (counts.get(content) ?? 0) + 1);
    const missing = sent.filter((content) => !counts.has(content));
    const repeated = [...counts].filter(([, n]) => n > 1).map(([content]) => content);
    if (missing.length) problems.push(`${chat.userId} never received ${missing.join(' ')}`);
    if (repeated.length) problems.push(`${chat.userId} received ${repeated.join(' ')} more than once`);
    assert.deepEqual(parseFailures(chat), []);
  }
  assert.deepEqual(problems, [], `${sent.length} messages sent across ${refreshes.reduce((a, b) => a + b)} connection refreshes`);
});
