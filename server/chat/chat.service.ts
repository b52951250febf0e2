import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { KnowledgeRepository } from '../knowledge/index.js';
import { answerReply, clarifyReply, escalateReply, relatedCandidates, smallTalkReply } from './bot-reply.js';
import type { AppendOptions, ChatMessage, ChatRepository, Conversation, NewMessage } from './chat.repository.js';
import type { QuestionMatcher } from './chat.ports.js';

export interface ChatServiceDeps {
  repo: ChatRepository;
  knowledge: KnowledgeRepository;
  matcher: QuestionMatcher;
  events: EventBus;
  /** Longest question accepted, in characters. */
  maxMessageLength: number;
  /** Days after the last message when a conversation can no longer be resumed. */
  conversationTtlDays: number;
  /**
   * Questions and picks one conversation may store per minute, counted in the database (every
   * instance shares the limit).
   */
  messagesPerMinute: number;
  /** The current time (tests move it). */
  now?: () => Date;
}

/** Errors a citizen may see, with stable codes. */
export const chatErrors = {
  conversationNotFound: () =>
    new AppError('conversation_not_found', 404, 'Cuộc trò chuyện không còn tồn tại hoặc đã hết hạn. Vui lòng bắt đầu cuộc trò chuyện mới.'),
  emptyMessage: () => new AppError('empty_message', 400, 'Vui lòng nhập nội dung câu hỏi.'),
  tooLong: (max: number) => new AppError('message_too_long', 400, `Câu hỏi dài quá ${max.toLocaleString('vi-VN')} ký tự. Vui lòng rút gọn.`),
  invalidChoice: () => new AppError('invalid_choice', 400, 'Lựa chọn này không còn hợp lệ. Vui lòng hỏi lại.'),
  notAnAnswer: () => new AppError('not_rateable', 400, 'Chỉ có thể đánh giá câu trả lời của trợ lý.'),
  tooFast: (seconds: number) =>
    new AppError('rate_limited', 429, `Bạn gửi quá nhanh. Vui lòng chờ khoảng ${Math.max(1, seconds)} giây rồi gửi tiếp.`),
};

/** SHA-256 of a conversation token, as stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The result of a command: the stored messages, in order, and whether it was a resend. */
export interface SendResult {
  message: ChatMessage;
  replies: ChatMessage[];
  duplicate: boolean;
}

/** Citizen conversations: questions, bot replies, clarify picks, ratings, consultant requests. */
export function createChatService(deps: ChatServiceDeps) {
  const { repo, knowledge, matcher, events } = deps;

  const publish = (messages: ChatMessage[]) => {
    for (const message of messages) events.emit('message.created', { conversationId: message.conversationId, message });
  };

  /** Renders the matcher's decision, re-checking that the situations are still published. */
  async function replyFor(text: string): Promise<NewMessage> {
    const result = matcher.match(text);
    if (result.smallTalk) return smallTalkReply(result.smallTalk);
    if (result.decision === 'answer' && result.candidates[0]) {
      const top = result.candidates[0];
      const related = relatedCandidates(result, top.code);
      const found = await knowledge.findPublished([top.code]);
      if (found[0]) return answerReply(found[0], related.map((r) => ({ code: r.code, question: r.question })));
      return escalateReply();
    }
    if (result.decision === 'clarify' && result.candidates.length >= 2) return clarifyReply(result.candidates.slice(0, 4));
    // Weak guesses are offered only when they are not far off: a wrong suggestion misleads.
    return escalateReply(result.candidates.slice(0, 2).filter((c) => c.score >= 0.3));
  }

  /** Stores what the citizen sent (and the reply) unless the conversation is over its limit. */
  async function appendFromCitizen(conversationId: string, batch: NewMessage[], options?: AppendOptions): Promise<ChatMessage[]> {
    const result = await repo.appendCitizenMessages(conversationId, batch, deps.messagesPerMinute, options);
    if ('retryAfter' in result) throw chatErrors.tooFast(result.retryAfter);
    return result.stored;
  }

  async function conversationOrFail(id: string): Promise<Conversation> {
    const conversation = await repo.findConversation(id);
    if (!conversation) throw chatErrors.conversationNotFound();
    return conversation;
  }

  return {
    /** Opens a conversation; the token is returned once and only its hash is kept. */
    async start(): Promise<{ token: string; conversation: Conversation }> {
      const token = randomBytes(32).toString('base64url');
      const conversation = await repo.createConversation(hashToken(token));
      return { token, conversation };
    },

    /** Finds the conversation of a token and the messages after lastSeenId (0 = all). */
    async resume(token: string, lastSeenId: number): Promise<{ conversation: Conversation; messages: ChatMessage[] }> {
      const conversation = await repo.findConversationByTokenHash(hashToken(token));
      if (!conversation) throw chatErrors.conversationNotFound();
      const idleMs = (deps.now?.() ?? new Date()).getTime() - new Date(conversation.lastMessageAt).getTime();
      if (idleMs > deps.conversationTtlDays * 86_400_000) throw chatErrors.conversationNotFound();
      return { conversation, messages: await repo.listMessagesAfter(conversation.id, lastSeenId) };
    },

    /**
     * Stores a citizen's question and the bot's reply together; a resend with the same
     * clientId returns what was stored the first time and stores nothing.
     */
    async sendMessage(conversationId: string, input: { clientId: string; text: string }): Promise<SendResult> {
      const text = input.text.normalize('NFC').trim();
      if (!text) throw chatErrors.emptyMessage();
      if (text.length > deps.maxMessageLength) throw chatErrors.tooLong(deps.maxMessageLength);
      const conversation = await conversationOrFail(conversationId);

      const previous = await repo.findByClientId(conversationId, input.clientId);
      if (previous) return { message: previous, replies: await repo.findReplies(previous.id), duplicate: true };

      const citizen: NewMessage = { clientId: input.clientId, sender: 'citizen', kind: 'text', body: text };
      // Once the citizen asked for a person (waiting, or with a consultant), the bot stays quiet.
      const botQuiet = conversation.status === 'with_consultant' || conversation.status === 'waiting';
      const batch = botQuiet ? [citizen] : [citizen, { ...(await replyFor(text)), replyTo: -1 }];
      try {
        const [message, ...replies] = await appendFromCitizen(conversationId, batch);
        publish([message as ChatMessage, ...replies]);
        return { message: message as ChatMessage, replies, duplicate: false };
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
        // The same clientId arrived twice at once: the other one stored it.
        const stored = await repo.findByClientId(conversationId, input.clientId);
        if (!stored) throw error;
        return { message: stored, replies: await repo.findReplies(stored.id), duplicate: true };
      }
    },

    /** The citizen picks one option of a clarify question; answered once, the same answer after. */
    async pickChoice(conversationId: string, input: { messageId: number; code: string }): Promise<SendResult> {
      const clarify = await repo.findMessage(conversationId, input.messageId);
      const options = (clarify?.payload.options ?? []) as { code: string; question: string }[];
      const option = options.find((o) => o.code === input.code);
      if (!clarify || clarify.kind !== 'clarify' || !option) throw chatErrors.invalidChoice();

      const earlier = await repo.findClarifyPick(clarify.id);
      if (earlier) {
        const replies = await repo.findReplies(clarify.id);
        const choice = replies.find((m) => m.kind === 'choice') as ChatMessage;
        return { message: choice, replies: await repo.findReplies(choice.id), duplicate: true };
      }

      const [situation] = await knowledge.findPublished([input.code]);
      const others = options.filter((o) => o.code !== input.code).map((o) => ({ code: o.code, question: o.question }));
      const reply = situation ? answerReply(situation, others) : escalateReply();
      const batch: NewMessage[] = [
        { sender: 'citizen', kind: 'choice', body: option.question, payload: { code: option.code }, replyTo: clarify.id },
        { ...reply, replyTo: -1 },
      ];
      try {
        const [choice, answer] = await appendFromCitizen(conversationId, batch, {
          clarifyPick: { messageId: clarify.id, situationCode: input.code, answerIndex: 1 },
        });
        publish([choice as ChatMessage, answer as ChatMessage]);
        return { message: choice as ChatMessage, replies: [answer as ChatMessage], duplicate: false };
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
        const replies = await repo.findReplies(clarify.id);
        const choice = replies.find((m) => m.kind === 'choice') as ChatMessage;
        return { message: choice, replies: await repo.findReplies(choice.id), duplicate: true };
      }
    },

    /** Records whether an answer helped (rating again replaces the earlier rating). */
    async rateAnswer(conversationId: string, input: { messageId: number; helpful: boolean; comment?: string }): Promise<void> {
      const message = await repo.findMessage(conversationId, input.messageId);
      if (!message || message.sender !== 'bot' || message.kind !== 'answer') throw chatErrors.notAnAnswer();
      const code = (message.payload.situation as { code: string }).code;
      await repo.saveFeedback({
        messageId: message.id,
        conversationId,
        situationCode: code,
        helpful: input.helpful,
        comment: (input.comment ?? '').normalize('NFC').trim(),
      });
    },

    async getConversation(id: string) {
      return conversationOrFail(id);
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
