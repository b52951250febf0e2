import type { Namespace } from 'socket.io';
import { z } from 'zod';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import { RateLimiter } from '../rate-limiter.js';
import { chatErrors, chatSchemas, presentMessage, presentSendResult, type ChatService } from '../chat/index.js';
import type { ConsultationService } from '../consultation/consultation.service.js';
import type { PrivacyService } from '../privacy/index.js';
import { clientAddress } from './client-address.js';
import { rooms } from './rooms.js';
import { withAck } from './with-ack.js';

const empty = z.object({}).passthrough();

const noConversation = () =>
  new AppError('no_conversation', 409, 'Chưa có cuộc trò chuyện. Vui lòng tải lại trang để bắt đầu.');
const tooManyConversations = () =>
  new AppError('rate_limited', 429, 'Bạn đã mở quá nhiều cuộc trò chuyện mới. Vui lòng thử lại sau.');

/**
 * The citizens' namespace `/chat`: commands with acks, replies broadcast to the conversation's
 * room (every tab of the same conversation sees them).
 */
const contactSchema = z
  .object({
    name: z.string().max(120).optional(),
    phone: z.string().max(30).regex(/^[0-9 +().-]*$/, 'phone').optional(),
    email: z.union([z.literal(''), z.string().email().max(254)]).optional(),
    consent: z.boolean().optional(),
  })
  .strict();

export function registerChatNamespace(
  nsp: Namespace,
  deps: { chat: ChatService; consultation: ConsultationService; privacy: PrivacyService; events: EventBus; config: Config; logger: Logger },
) {
  const { chat, consultation, privacy, events, config, logger } = deps;
  // A cheap first filter in this process. The limit that holds for the whole service is counted
  // in the database when a question or a pick is stored (ChatService), whichever instance serves it.
  const perConversation = new RateLimiter(config.CHAT_MESSAGES_PER_MINUTE, 60_000);
  const perIp = new RateLimiter(config.CHAT_MESSAGES_PER_MINUTE_PER_IP, 60_000);
  const newPerIp = new RateLimiter(config.CHAT_CONVERSATIONS_PER_HOUR_PER_IP, 3_600_000);
  // Commands that write no message (resume, cancel, delete) share their own per-IP budget.
  const otherPerIp = new RateLimiter(config.CHAT_MESSAGES_PER_MINUTE_PER_IP, 60_000);

  events.on('message.created', ({ conversationId, message }) => {
    nsp.to(rooms.conversation(conversationId)).emit('message:created', presentMessage(message));
  });
  events.on('conversation.updated', ({ conversationId, status }) => {
    nsp.to(rooms.conversation(conversationId)).emit('conversation:updated', { conversationId, status });
  });
  events.on('conversation.typing', ({ conversationId, sender }) => {
    if (sender === 'consultant') nsp.to(rooms.conversation(conversationId)).volatile.emit('typing', { sender });
  });
  // An erased conversation: every tab still showing it starts afresh, and no socket stays bound to it.
  events.on('conversation.deleted', ({ conversationId }) => {
    const room = rooms.conversation(conversationId);
    nsp.to(room).emit('conversation:deleted', { conversationId });
    for (const [, s] of nsp.sockets) if (s.data.conversationId === conversationId) s.data.conversationId = undefined;
    nsp.in(room).socketsLeave(room);
  });
  // Whenever the queue moves, every waiting citizen learns their new place.
  events.on('escalation.changed', () => {
    consultation
      .positions()
      .then((positions) => {
        for (const p of positions) {
          nsp.to(rooms.conversation(p.conversationId)).emit('queue:position', { position: p.position, estimatedMinutes: p.estimatedMinutes });
        }
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not compute queue positions'));
  });

  nsp.on('connection', (socket) => {
    const ip = clientAddress(socket);
    const bind = async (conversationId: string) => {
      const previous = socket.data.conversationId as string | undefined;
      if (previous && previous !== conversationId) await socket.leave(rooms.conversation(previous));
      socket.data.conversationId = conversationId;
      await socket.join(rooms.conversation(conversationId));
    };
    const current = () => {
      const id = socket.data.conversationId as string | undefined;
      if (!id) throw noConversation();
      return id;
    };
    const throttle = (conversationId: string) => {
      if (!perConversation.take(`c:${conversationId}`)) throw chatErrors.tooFast(perConversation.retryAfter(`c:${conversationId}`));
      if (!perIp.take(`ip:${ip}`)) throw chatErrors.tooFast(perIp.retryAfter(`ip:${ip}`));
    };
    const throttleOther = () => {
      if (!otherPerIp.take(`ip:${ip}`)) throw chatErrors.tooFast(otherPerIp.retryAfter(`ip:${ip}`));
    };

    socket.on(
      'conversation:start',
      withAck(logger, 'conversation:start', empty, async () => {
        if (!newPerIp.take(ip)) throw tooManyConversations();
        const { token, conversation } = await chat.start();
        await bind(conversation.id);
        return { token, conversationId: conversation.id, status: conversation.status, messages: [] };
      }),
    );

    socket.on(
      'conversation:resume',
      withAck(logger, 'conversation:resume', chatSchemas.resumeSchema, async ({ token, lastSeenId }) => {
        throttleOther();
        const { conversation, messages } = await chat.resume(token, lastSeenId);
        await bind(conversation.id);
        return { conversationId: conversation.id, status: conversation.status, messages: messages.map(presentMessage) };
      }),
    );

    socket.on(
      'message:send',
      withAck(logger, 'message:send', chatSchemas.sendSchema, async (input) => {
        const conversationId = current();
        throttle(conversationId);
        return presentSendResult(await chat.sendMessage(conversationId, input));
      }),
    );

    socket.on(
      'choice:pick',
      withAck(logger, 'choice:pick', chatSchemas.pickSchema, async (input) => {
        const conversationId = current();
        throttle(conversationId);
        return presentSendResult(await chat.pickChoice(conversationId, input));
      }),
    );

    socket.on(
      'answer:rate',
      withAck(logger, 'answer:rate', chatSchemas.rateSchema, async (input) => {
        const conversationId = current();
        throttle(conversationId);
        await chat.rateAnswer(conversationId, input);
        return { ok: true };
      }),
    );

    socket.on(
      'consultant:request',
      withAck(logger, 'consultant:request', contactSchema, async (contact) => {
        const conversationId = current();
        throttle(conversationId);
        await chat.getConversation(conversationId); // erased meanwhile (another tab, an admin): conversation_not_found
        const { escalation, position, estimatedMinutes, created } = await consultation.escalate(conversationId, contact);
        return { status: 'waiting', ticket: escalation.ticketCode, offline: escalation.offline, position, estimatedMinutes, created };
      }),
    );

    socket.on(
      'consultant:cancel',
      withAck(logger, 'consultant:cancel', empty, async () => {
        const conversationId = current();
        throttleOther();
        return { cancelled: await consultation.cancel(conversationId) };
      }),
    );

    socket.on(
      'conversation:delete',
      withAck(logger, 'conversation:delete', empty, async () => {
        const conversationId = current();
        throttleOther();
        await privacy.deleteConversation(conversationId);
        socket.data.conversationId = undefined;
        await socket.leave(rooms.conversation(conversationId));
        return { deleted: true };
      }),
    );

    // Typing indicators may be dropped: volatile, to the others in the room only. The widget
    // sends one every 3 s at most; more than one a second from a socket is dropped unread.
    let lastTyping = 0;
    socket.on('typing', () => {
      const id = socket.data.conversationId as string | undefined;
      const now = Date.now();
      if (!id || now - lastTyping < 1000) return;
      lastTyping = now;
      events.emit('conversation.typing', { conversationId: id, sender: 'citizen' });
    });
  });
}
