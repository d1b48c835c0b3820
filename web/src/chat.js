// One room's chat connection through the official SDK (`amazon-ivs-chat-messaging`): its
// tokenProvider asks the HTTP API for a fresh chat token whenever the SDK connects, refreshes
// the connection before a token expires or reconnects after a session ends.

import { ChatRoom, SendMessageRequest } from 'amazon-ivs-chat-messaging';

/** The SDK's log, kept in memory (the SDK would print every refused message as an error). */
export const sdkLog = [];
function remember(level, message, args) {
  sdkLog.push(`${new Date().toISOString()} ${level} ${message} ${args.map(String).join(' ')}`);
  if (sdkLog.length > 500) sdkLog.splice(0, sdkLog.length - 500);
}
const quietLogger = {
  debug: (message, ...args) => remember('debug', message, args),
  info: (message, ...args) => remember('info', message, args),
  error: (message, ...args) => remember('error', message, args),
};

/**
 * Connects to `roomId` with `firstToken` (an answer of the chat-token route) and then fresh
 * tokens from `api`. `on` has: state(state, detail), message, messageDelete, userDisconnect, event.
 */
export function openChat(api, roomId, firstToken, on) {
  let spare = firstToken;
  const chat = {
    roomId,
    capabilities: firstToken.capabilities ?? [],
    userId: firstToken.userId,
    tokenRequests: 0,
    tokenError: null,
    wasConnected: false,
    closedByUser: false,
  };
  const tokenProvider = async () => {
    let answer = spare;
    spare = null;
    if (!answer || new Date(answer.tokenExpirationTime).getTime() < Date.now() + 2_000) {
      try {
        answer = await api.chatToken(roomId);
      } catch (error) {
        chat.tokenError = error;
        throw error;
      }
    }
    chat.tokenRequests += 1;
    chat.capabilities = answer.capabilities ?? chat.capabilities;
    return {
      token: answer.token,
      sessionExpirationTime: new Date(answer.sessionExpirationTime),
      tokenExpirationTime: new Date(answer.tokenExpirationTime),
    };
  };
  const room = new ChatRoom({ regionOrUrl: firstToken.chatEndpoint, tokenProvider });
  room.logger = quietLogger;
  room.logLevel = 'info';
  room.addListener('connecting', () => on.state(chat.wasConnected ? 'reconnecting' : 'connecting'));
  room.addListener('connect', () => {
    const again = chat.wasConnected;
    chat.wasConnected = true;
    on.state('connected', again ? 'reconnected' : undefined);
  });
  room.addListener('disconnect', (reason) => on.state('closed', chat.closedByUser ? 'clientDisconnect' : reason));
  room.addListener('message', (message) => on.message(message));
  room.addListener('messageDelete', (event) => on.messageDelete(event));
  room.addListener('userDisconnect', (event) => on.userDisconnect(event));
  room.addListener('event', (event) => on.event(event));
  chat.room = room;
  chat.connect = () => room.connect();
  chat.leave = () => {
    chat.closedByUser = true;
    if (room.state !== 'disconnected') room.disconnect();
  };
  /** Sends `text`; resolves with the delivered message or rejects with the SDK's ChatError. */
  chat.send = (text) => room.sendMessage(new SendMessageRequest(text));
  return chat;
}
