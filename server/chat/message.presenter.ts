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

/** The ack of a command that stored a citizen message and the replies to it. */
export function presentSendResult(result: { message: ChatMessage; replies: ChatMessage[]; duplicate: boolean }) {
  return { message: presentMessage(result.message), replies: result.replies.map(presentMessage), duplicate: result.duplicate };
}
