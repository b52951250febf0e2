import type { ChatMessage } from './chat.repository.js';

/** A message as clients receive it. */
export function presentMessage(message: ChatMessage) {
  return {
    id: message.id,
    clientId: message.clientId,
    sender: message.sender,
    kind: message.kind,
    text: message.body,
    payload: message.payload,
    replyTo: message.replyTo,
    createdAt: new Date(message.createdAt).toISOString(),
  };
}

export type MessageDto = ReturnType<typeof presentMessage>;
