/**
 * The event this module adds to the domain event bus (declaration merging keeps server/events.ts
 * untouched): a conversation was erased at the citizen's or an admin's request, and every widget
 * still showing it must forget it.
 */
declare module '../events.js' {
  interface DomainEvents {
    'conversation.deleted': { conversationId: string; by: 'citizen' | 'admin' };
  }
}

export {};
