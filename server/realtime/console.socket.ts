import type { Namespace } from 'socket.io';
import { z } from 'zod';
import { presentMessage } from '../chat/index.js';
import type { Consultant, ConsultationService } from '../consultation/consultation.service.js';
import type { Presence } from '../consultation/presence.js';
import type { EventBus } from '../events.js';
import type { KnowledgeRepository } from '../knowledge/index.js';
import type { Logger } from '../logger.js';
import type { MatchingService } from '../matching/matching.service.js';
import type { StaffPrincipal } from '../staff/index.js';
import { rooms } from './rooms.js';
import { withAck } from './with-ack.js';

const id = z.object({ id: z.string().uuid() });
const escalationId = z.object({ escalationId: z.string().uuid() });

/**
 * The consultants' namespace `/console`: authenticated by the staff session cookie (a citizen's
 * conversation token can never join), same-origin only.
 */
export function registerConsoleNamespace(
  nsp: Namespace,
  deps: {
    authenticate: (cookieHeader: string | undefined) => Promise<StaffPrincipal | null>;
    consultation: ConsultationService;
    presence: Presence;
    matching: MatchingService;
    knowledge: KnowledgeRepository;
    events: EventBus;
    logger: Logger;
    /** Offer each new ticket to one consultant instead of leaving it to whoever picks it. */
    autoAssign: boolean;
  },
) {
  const { consultation, presence, events, logger } = deps;

  nsp.use(async (socket, next) => {
    const origin = socket.handshake.headers.origin;
    if (origin) {
      try {
        if (new URL(origin).host !== socket.handshake.headers.host) return next(new Error('forbidden_origin'));
      } catch {
        return next(new Error('forbidden_origin'));
      }
    }
    const principal = await deps.authenticate(socket.handshake.headers.cookie).catch(() => null);
    if (!principal || principal.mustChangePassword) return next(new Error('unauthorized'));
    socket.data.staff = principal;
    next();
  });

  events.on('escalation.changed', ({ escalation, change }) => {
    nsp.emit('queue:changed', { id: escalation.id, change, status: escalation.status, assignedTo: escalation.assignedTo });
    if (deps.autoAssign && escalation.status === 'queued') {
      consultation
        .pickConsultantFor(escalation)
        .then((staffId) => {
          if (staffId) nsp.to(rooms.staff(staffId)).emit('escalation:offered', { id: escalation.id, question: escalation.question, fieldSlugs: escalation.fieldSlugs });
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'auto-assign failed'));
    }
  });
  events.on('message.created', ({ conversationId, message }) => {
    nsp.to(rooms.consoleConversation(conversationId)).emit('message:created', { conversationId, message: presentMessage(message) });
  });
  events.on('conversation.typing', ({ conversationId, sender }) => {
    if (sender === 'citizen') nsp.to(rooms.consoleConversation(conversationId)).volatile.emit('typing', { conversationId, sender });
  });

  nsp.on('connection', (socket) => {
    const staff = socket.data.staff as StaffPrincipal;
    const me: Consultant = { id: staff.id, email: staff.email, displayName: staff.name, role: staff.role };
    void socket.join(rooms.staff(staff.id));
    if (presence.connect(staff.id, socket.id)) {
      void consultation.consultantCameOnline(staff.id).catch((error: unknown) => logger.warn({ err: error }, 'presence update failed'));
      nsp.emit('presence:changed', { staffId: staff.id, status: presence.status(staff.id) });
    }
    socket.on('disconnect', () => {
      // Still connected to another instance: not offline (presence.status reads the shared view).
      if (presence.disconnect(staff.id, socket.id) && presence.status(staff.id) === 'offline') {
        void consultation.consultantWentOffline(staff.id).catch((error: unknown) => logger.warn({ err: error }, 'presence update failed'));
        nsp.emit('presence:changed', { staffId: staff.id, status: 'offline' });
      }
    });

    const ack = <S extends z.ZodType, T>(event: string, schema: S, handler: (input: z.output<S>) => Promise<T>) =>
      socket.on(event, withAck(logger, event, schema, handler));

    ack('queue:list', z.object({}).passthrough(), async () => ({
      queue: await consultation.queueFor(me),
      mine: await consultation.myConversations(me),
    }));

    ack('presence:set', z.object({ status: z.enum(['online', 'away']) }), async ({ status }) => {
      presence.setAway(staff.id, status === 'away');
      nsp.emit('presence:changed', { staffId: staff.id, status: presence.status(staff.id) });
      return { status: presence.status(staff.id) };
    });

    ack('escalation:claim', id, async ({ id: escalation }) => {
      const claimed = await consultation.claim(escalation, me);
      await socket.join(rooms.consoleConversation(claimed.conversationId));
      return { escalation: claimed };
    });

    ack('escalation:open', id, async ({ id: escalation }) => {
      const detail = await consultation.detail(escalation);
      await socket.join(rooms.consoleConversation(detail.escalation.conversationId));
      return { ...detail, transcript: detail.transcript.map(presentMessage) };
    });

    ack('message:send', escalationId.extend({ text: z.string().max(5000), clientId: z.string().max(64).optional() }), async (input) => ({
      message: presentMessage(await consultation.reply(input.escalationId, me, { text: input.text, clientId: input.clientId })),
    }));

    ack('situation:insert', escalationId.extend({ code: z.string().min(1).max(64) }), async (input) => ({
      message: presentMessage(await consultation.reply(input.escalationId, me, { situationCode: input.code })),
    }));

    ack('kb:search', z.object({ q: z.string().max(1000), field: z.string().max(80).optional() }), async ({ q, field }) => {
      const result = deps.matching.match(q, field ? { field } : undefined);
      return { decision: result.decision, candidates: result.candidates };
    });

    ack('note:add', escalationId.extend({ text: z.string().max(5000) }), async (input) => ({
      notes: await consultation.addNote(input.escalationId, me, input.text),
    }));

    ack(
      'escalation:transfer',
      escalationId.extend({ toConsultantId: z.string().uuid().optional(), toField: z.string().max(80).optional() }),
      async (input) => ({ escalation: await consultation.transfer(input.escalationId, me, input) }),
    );

    ack('escalation:release', escalationId, async (input) => ({ escalation: await consultation.release(input.escalationId, me) }));

    ack('escalation:close', escalationId.extend({ resolution: z.enum(['answered', 'referred', 'not_legal']) }), async (input) => ({
      escalation: await consultation.close(input.escalationId, me, input.resolution),
    }));

    ack('escalation:promote', escalationId, async (input) => consultation.promoteToDraft(input.escalationId, me));

    socket.on('typing', (payload: unknown) => {
      const parsed = z.object({ conversationId: z.string().uuid() }).safeParse(payload);
      if (parsed.success && socket.rooms.has(rooms.consoleConversation(parsed.data.conversationId))) {
        events.emit('conversation.typing', { conversationId: parsed.data.conversationId, sender: 'consultant' });
      }
    });
  });
}
