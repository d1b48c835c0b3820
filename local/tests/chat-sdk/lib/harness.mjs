// Shared set-up for the chat SDK suite: one `ivschat-local serve` process per test, a
// control-plane client (@aws-sdk/client-ivschat) pointed at it, and ChatRoom objects of the
// official `amazon-ivs-chat-messaging` SDK connected to its WebSocket API.
//
// The binary comes from $IVSCHAT_LOCAL_BIN, else <repo>/target/debug/ivschat-local; a missing
// binary is an error, never a skip.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import WebSocket from 'ws';
import {
  CreateChatTokenCommand,
  CreateRoomCommand,
  IvschatClient,
} from '@aws-sdk/client-ivschat';
import { ChatRoom } from 'amazon-ivs-chat-messaging';

// The SDK opens sockets with the global `WebSocket` (`new WebSocket(url, token)` in
// ChatConnection.createSocket); Node 20 has none, so `ws` provides it. It is set even where
// Node has its own, so every run uses the same, pinned implementation.
globalThis.WebSocket = WebSocket;

export const REGION = 'us-west-2';
export const ACCOUNT_ID = '123456789012';
const ACCESS_KEY_ID = 'test';
const SECRET_ACCESS_KEY = 'test';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const READY_RE = /^ivschat-local listening on http:\/\/127\.0\.0\.1:(\d+)$/;
const READY_TIMEOUT_MS = 20_000;
/** How long a test waits for something the server should do at once. */
export const WAIT_MS = 5_000;

// Keep the control-plane client away from the developer's AWS configuration: no profiles,
// no config or credentials files, no endpoint overrides.
const ISOLATION_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'ivschat-chat-sdk-'));
for (const key of Object.keys(process.env)) {
  if (key.startsWith('AWS_')) delete process.env[key];
}
process.env.AWS_CONFIG_FILE = path.join(ISOLATION_DIR, 'no-such-config');
process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(ISOLATION_DIR, 'no-such-credentials');
process.env.AWS_EC2_METADATA_DISABLED = 'true';

export function serverBinary() {
  return process.env.IVSCHAT_LOCAL_BIN || path.join(REPO_ROOT, 'target', 'debug', 'ivschat-local');
}

const liveServers = new Set();
process.on('exit', () => {
  for (const child of liveServers) child.kill('SIGKILL');
  fs.rmSync(ISOLATION_DIR, { recursive: true, force: true });
});

/** A running `ivschat-local serve --listen 127.0.0.1:0 --quotas off ...`. */
export class LocalServer {
  static async start(extraArgs = []) {
    const binary = serverBinary();
    if (!fs.existsSync(binary)) {
      throw new Error(
        `ivschat-local binary not found at ${binary}: build it with ` +
          '`cargo build -p ivschat-local` or set IVSCHAT_LOCAL_BIN',
      );
    }
    const args = ['serve', '--listen', '127.0.0.1:0', '--quotas', 'off', ...extraArgs];
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('IVSCHAT_')),
    );
    // Chat logs, if any, go to a scratch directory rather than the working directory.
    env.IVSCHAT_LOCAL_DATA_DIR = fs.mkdtempSync(path.join(ISOLATION_DIR, 'data-'));
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    liveServers.add(child);
    const server = new LocalServer(child, [binary, ...args].join(' '));
    try {
      server.port = await server.#readyPort();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  constructor(child, commandLine) {
    this.child = child;
    this.commandLine = commandLine;
    this.stderrText = '';
    this.exited = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      if (this.stderrText.length < 1_000_000) this.stderrText += chunk;
    });
    child.on('exit', () => {
      this.exited = true;
      liveServers.delete(child);
    });
  }

  #readyPort() {
    return new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: this.child.stdout });
      const fail = (why) => {
        clearTimeout(timer);
        lines.close();
        reject(new Error(`${this.commandLine}: ${why}\nstderr:\n${this.stderrText}`));
      };
      const timer = setTimeout(() => fail(`no ready line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
      lines.once('line', (line) => {
        clearTimeout(timer);
        lines.close();
        // Keep draining stdout so the server never blocks on a full pipe.
        this.child.stdout.resume();
        const match = READY_RE.exec(line);
        if (match) resolve(Number(match[1]));
        else fail(`printed ${JSON.stringify(line)}; expected 'ivschat-local listening on http://127.0.0.1:PORT'`);
      });
      this.child.once('error', (error) => fail(`could not start: ${error.message}`));
      this.child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal}) before it was ready`));
    });
  }

  get httpUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.port}`;
  }

  async stop() {
    if (this.exited) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** A control-plane client signed with test/test in us-west-2, pointed at `server`. */
export function controlPlane(server) {
  return new IvschatClient({
    region: REGION,
    endpoint: server.httpUrl,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    maxAttempts: 1,
  });
}

/** SDK log lines, kept in memory; printed to stderr as they come when CHAT_SDK_LOG=1. */
class MemoryLogger {
  constructor(name) {
    this.name = name;
    this.lines = [];
  }

  #log(level, message, args) {
    const text = [message, ...args.map(describe)].join(' ');
    this.lines.push(`${level} ${text}`);
    if (process.env.CHAT_SDK_LOG === '1') process.stderr.write(`[${this.name}] ${level} ${text}\n`);
  }

  debug(message, ...args) {
    this.#log('debug', message, args);
  }

  info(message, ...args) {
    this.#log('info', message, args);
  }

  error(message, ...args) {
    this.#log('error', message, args);
  }
}

function describe(value) {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * Everything one test needs: its own server, a control-plane client, and helpers that create
 * rooms, mint tokens and connect SDK rooms. `t.after` disconnects every room and stops the server.
 */
export async function setUp(t, { serverArgs = [] } = {}) {
  const server = await LocalServer.start(serverArgs);
  const client = controlPlane(server);
  const chatRooms = [];
  t.after(async () => {
    for (const chat of chatRooms) {
      if (chat.room.state !== 'disconnected') chat.room.disconnect();
    }
    client.destroy();
    await server.stop();
  });

  /** CreateRoom with `input` (name defaults to a unique one); returns the room (arn, id, ...). */
  const createRoom = async (input = {}) =>
    client.send(new CreateRoomCommand({ name: `sdk-${Date.now()}-${Math.floor(Math.random() * 1e6)}`, ...input }));

  /** CreateChatToken; returns the service's answer. */
  const createToken = async (roomArn, { userId, capabilities = [], attributes, sessionDurationInMinutes } = {}) =>
    client.send(
      new CreateChatTokenCommand({ roomIdentifier: roomArn, userId, capabilities, attributes, sessionDurationInMinutes }),
    );

  /**
   * A ChatRoom of the SDK for `userId` in `roomArn`, whose tokenProvider mints a fresh token with
   * CreateChatToken on every call (a token opens one connection). Not yet connected.
   */
  const chatRoom = (roomArn, { userId, capabilities = [], attributes, maxReconnectAttempts, tokenProvider } = {}) => {
    const logger = new MemoryLogger(userId);
    const chat = {
      userId,
      logger,
      tokenRequests: 0,
      /** Every event the room emitted, in order: [name, payload]. */
      events: [],
    };
    const provider =
      tokenProvider ??
      (async () => {
        const answer = await createToken(roomArn, { userId, capabilities, attributes });
        return {
          token: answer.token,
          sessionExpirationTime: new Date(answer.sessionExpirationTime),
          tokenExpirationTime: new Date(answer.tokenExpirationTime),
        };
      });
    const room = new ChatRoom({
      regionOrUrl: server.wsUrl,
      tokenProvider: async () => {
        chat.tokenRequests += 1;
        return provider();
      },
      ...(maxReconnectAttempts === undefined ? {} : { maxReconnectAttempts }),
    });
    room.logger = logger;
    room.logLevel = 'debug';
    for (const name of ['connecting', 'connect', 'disconnect', 'message', 'event', 'messageDelete', 'userDisconnect']) {
      room.addListener(name, (payload) => chat.events.push([name, payload]));
    }
    chat.room = room;
    chatRooms.push(chat);
    return chat;
  };

  /** A ChatRoom, connected: resolves once the SDK reports 'connect'. */
  const connected = async (roomArn, options) => {
    const chat = chatRoom(roomArn, options);
    const connect = nextEvent(chat.room, 'connect');
    chat.room.connect();
    try {
      await connect;
    } catch (error) {
      error.message += `\nSDK log of ${chat.userId}:\n${chat.logger.lines.join('\n')}\nserver stderr:\n${server.stderrText}`;
      throw error;
    }
    return chat;
  };

  return { server, client, createRoom, createToken, chatRoom, connected };
}

/** Resolves with the payload of `room`'s next `name` event (that `accept` takes), or rejects after `ms`. */
export function nextEvent(room, name, { ms = WAIT_MS, accept = () => true } = {}) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      remove();
      reject(new Error(`no '${name}' event within ${ms} ms (room state: ${room.state})`));
    }, ms);
    const remove = room.addListener(name, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      remove();
      resolve(payload);
    });
  });
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function within(promise, what, ms = WAIT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The value `promise` rejects with (the SDK rejects with plain ChatError objects); fails if it resolves. */
export async function rejection(promise, what, ms = WAIT_MS) {
  let value;
  try {
    value = await within(promise, what, ms);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(`${what}: not settled`)) throw error;
    return error;
  }
  throw new Error(`${what}: expected a rejection, but it resolved with ${describe(value)}`);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SDK log lines that say a frame from the server could not be read. */
export function parseFailures(chat) {
  return chat.logger.lines.filter((line) => /failed to parse|did fail to deserialize|unknown entity type/.test(line));
}

/**
 * A stand-in for the Lambda Invoke API (`POST /2015-03-31/functions/NAME/invocations`) on
 * loopback: `review(payload, functionName)` returns the handler's answer object.
 */
export async function startReviewEndpoint(review) {
  const invocations = [];
  const httpServer = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url);
      if (request.method !== 'POST' || !match) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ Type: 'User', Message: 'Function not found' }));
        return;
      }
      const functionName = decodeURIComponent(match[1]);
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      invocations.push({ functionName, payload });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(review(payload, functionName)));
    });
  });
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  return {
    url: `http://127.0.0.1:${httpServer.address().port}`,
    invocations,
    close: () => new Promise((resolve) => httpServer.close(() => resolve())),
  };
}
