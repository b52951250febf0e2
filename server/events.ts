import { EventEmitter } from 'node:events';
import type { ChatMessage } from './chat/chat.repository.js';
import type { Escalation } from './consultation/consultation.repository.js';

/**
 * What services announce. Transport code (realtime/) listens and turns these into room
 * broadcasts, so one service serves sockets, HTTP and the CLI alike.
 */
export interface DomainEvents {
  'message.created': { conversationId: string; message: ChatMessage };
  'conversation.updated': { conversationId: string; status: string };
  /** An escalation was queued, claimed, transferred, released, closed or cancelled. */
  'escalation.changed': { escalation: Escalation; change: string };
  /** Someone is typing in a conversation (may be dropped). */
  'conversation.typing': { conversationId: string; sender: 'citizen' | 'consultant' };
}

/** A typed event bus over EventEmitter; listeners run synchronously and must not throw. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends keyof DomainEvents>(name: K, listener: (payload: DomainEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
