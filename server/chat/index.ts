export { createChatRepository, type ChatMessage, type ChatRepository, type Conversation } from './chat.repository.js';
export { createChatService, chatErrors, hashToken, type ChatService } from './chat.service.js';
export { presentMessage, presentSendResult, type MessageDto } from './message.presenter.js';
export * as chatSchemas from './chat.schemas.js';
export type { QuestionMatcher, MatchResultLike, MatchCandidateLike } from './chat.ports.js';
