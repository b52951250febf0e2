import { AppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { ChatMessage, ChatRepository } from '../chat/chat.repository.js';
import { answerReply } from '../chat/bot-reply.js';
import type { KnowledgeRepository } from '../knowledge/index.js';
import type { MatchingService } from '../matching/matching.service.js';
import type { ConsultationRepository, Escalation, Resolution } from './consultation.repository.js';
import { CITIZEN_TEXT } from './consultation.texts.js';
import { isOfficeHours, type OfficeHours } from './office-hours.js';
import type { Presence } from './presence.js';

/** A signed-in consultant or admin, as the console passes them in. */
export interface Consultant {
  id: string;
  email: string;
  displayName: string;
  role: 'consultant' | 'admin';
}

export interface ConsultationDeps {
  repo: ConsultationRepository;
  chat: ChatRepository;
  knowledge: KnowledgeRepository;
  matching: MatchingService;
  events: EventBus;
  presence: Presence;
  officeHours: OfficeHours;
  /** How long a disconnected consultant keeps their conversations. */
  graceSeconds: number;
  /** Minutes after which a waiting ticket is highlighted, then flagged urgent. */
  waitWarnMinutes: number;
  waitAlertMinutes: number;
  /** Writes a draft situation through the knowledge-base importer (revisions included). */
  importDraft: (record: Record<string, unknown>, actor: string) => Promise<{ ok: boolean; errors: { message: string }[] }>;
  now?: () => Date;
}

export const consultationErrors = {
  notFound: () => new AppError('escalation_not_found', 404, 'Không tìm thấy yêu cầu tư vấn này.'),
  taken: () => new AppError('already_claimed', 409, 'Yêu cầu này vừa được chuyên viên khác nhận.'),
  full: () => new AppError('at_capacity', 409, 'Bạn đang xử lý đủ số cuộc trò chuyện cho phép. Hãy kết thúc bớt trước khi nhận thêm.'),
  notYours: () => new AppError('not_assigned', 403, 'Cuộc trò chuyện này không do bạn phụ trách.'),
  empty: () => new AppError('empty_message', 400, 'Vui lòng nhập nội dung.'),
  badTarget: () => new AppError('invalid_transfer', 400, 'Không thể chuyển cho người hoặc lĩnh vực này.'),
  notClosed: () => new AppError('not_closed', 409, 'Chỉ tạo tình huống nháp từ cuộc tư vấn đã kết thúc.'),
};

/** The consultation desk: the queue, claims, live replies, notes, transfers, closing. */
export function createConsultationService(deps: ConsultationDeps) {
  const { repo, chat, events, presence } = deps;
  const now = () => deps.now?.() ?? new Date();

  const notifyCitizen = async (conversationId: string, body: string, notice: string, payload: Record<string, unknown> = {}) => {
    const stored = await chat.appendMessages(conversationId, [{ sender: 'system', kind: 'notice', body, payload: { notice, ...payload } }]);
    for (const message of stored) events.emit('message.created', { conversationId, message });
  };
  const changed = (escalation: Escalation, change: string) => events.emit('escalation.changed', { escalation, change });

  async function ownedOrFail(escalationId: string, consultant: Consultant): Promise<Escalation> {
    const escalation = await repo.findById(escalationId);
    if (!escalation) throw consultationErrors.notFound();
    if (escalation.status !== 'assigned' || (escalation.assignedTo !== consultant.id && consultant.role !== 'admin')) throw consultationErrors.notYours();
    return escalation;
  }

  /** Estimated wait: tickets ahead × average handling time / consultants available (5 minutes when unknown). */
  async function estimate(position: number): Promise<number> {
    const handling = (await repo.averageHandlingMinutes()) ?? 5;
    const available = Math.max(1, presence.available().length);
    return Math.max(1, Math.round((position * handling) / available));
  }

  const service = {
    /**
     * The citizen asks for a person. Live when within office hours and someone is online;
     * otherwise the question is left for later with a ticket code. Asking twice returns the open one.
     */
    async escalate(
      conversationId: string,
      contact: { name?: string; phone?: string; email?: string; consent?: boolean } = {},
    ): Promise<{ escalation: Escalation; position: number | null; estimatedMinutes: number | null; created: boolean }> {
      const open = await repo.findOpenByConversation(conversationId);
      if (open) return { escalation: open, ...(await service.positionOf(open)), created: false };

      const lastQuestion = (await chat.lastCitizenQuestion(conversationId)) ?? '';
      const result = lastQuestion ? deps.matching.match(lastQuestion) : { candidates: [] };
      const candidates = result.candidates.slice(0, 5).map((c) => ({ code: c.code, question: c.question, fieldSlug: c.fieldSlug, score: c.score }));
      const fieldSlugs = [...new Set(candidates.filter((c) => c.score >= 0.3).map((c) => c.fieldSlug))].slice(0, 2);
      const afterHours = !isOfficeHours(deps.officeHours, now());
      const offline = afterHours || (await presence.availableNow()).length === 0;
      const consent = Boolean(contact.consent);
      const escalation = await repo.insert({
        conversationId,
        offline,
        question: lastQuestion.slice(0, 2000),
        fieldSlugs,
        candidates,
        // Contact details are kept only with the citizen's consent.
        contactName: consent ? (contact.name ?? '').trim().slice(0, 120) : '',
        contactPhone: consent ? (contact.phone ?? '').trim().slice(0, 30) : '',
        contactEmail: consent ? (contact.email ?? '').trim().slice(0, 254) : '',
        consent,
      });
      await chat.setStatus(conversationId, 'waiting');
      events.emit('conversation.updated', { conversationId, status: 'waiting' });
      const place = await service.positionOf(escalation);
      if (offline) {
        await notifyCitizen(conversationId, CITIZEN_TEXT.offline(escalation.ticketCode, afterHours ? 'after_hours' : 'nobody_online'), 'left_for_later', {
          ticket: escalation.ticketCode,
        });
      } else {
        await notifyCitizen(conversationId, CITIZEN_TEXT.queued(place.position ?? 1, place.estimatedMinutes ?? 5), 'queued', { ticket: escalation.ticketCode });
      }
      changed(escalation, 'queued');
      return { escalation, ...place, created: true };
    },

    /** The ticket's place in the queue (1 = next) and the estimated wait, or nulls when not queued. */
    async positionOf(escalation: Escalation): Promise<{ position: number | null; estimatedMinutes: number | null }> {
      if (escalation.status !== 'queued') return { position: null, estimatedMinutes: null };
      const queue = await repo.listQueued();
      const position = queue.findIndex((e) => e.id === escalation.id) + 1;
      return { position, estimatedMinutes: await estimate(position) };
    },

    /** Every queued ticket with its position: what the realtime layer tells waiting citizens. */
    async positions(): Promise<{ conversationId: string; position: number; estimatedMinutes: number }[]> {
      const queue = await repo.listQueued();
      const handling = (await repo.averageHandlingMinutes()) ?? 5;
      const available = Math.max(1, presence.available().length);
      return queue.map((e, i) => ({ conversationId: e.conversationId, position: i + 1, estimatedMinutes: Math.max(1, Math.round(((i + 1) * handling) / available)) }));
    },

    async cancel(conversationId: string): Promise<boolean> {
      const open = await repo.findOpenByConversation(conversationId);
      if (!open || open.status !== 'queued') return false;
      const cancelled = await repo.update(open.id, { status: 'cancelled', resolution: 'cancelled', closedNow: true }, { status: 'queued' });
      if (!cancelled) return false;
      await chat.setStatus(conversationId, 'open');
      events.emit('conversation.updated', { conversationId, status: 'open' });
      await notifyCitizen(conversationId, CITIZEN_TEXT.cancelled, 'cancelled');
      changed(cancelled, 'cancelled');
      return true;
    },

    /** The queue as a consultant sees it: their specialty fields first, then oldest first. */
    async queueFor(consultant: { id: string }) {
      const staff = await repo.staffById(consultant.id);
      const specialties = new Set(staff?.fieldSlugs ?? []);
      const queue = await repo.listQueued();
      const at = now().getTime();
      return queue
        .map((e) => {
          const waitingMinutes = Math.floor((at - new Date(e.queuedAt).getTime()) / 60_000);
          return {
            ...e,
            specialty: e.fieldSlugs.some((f) => specialties.has(f)),
            waitingMinutes,
            urgency: waitingMinutes >= deps.waitAlertMinutes ? 'alert' : waitingMinutes >= deps.waitWarnMinutes ? 'warn' : 'normal',
          };
        })
        .sort((a, b) => Number(b.specialty) - Number(a.specialty) || new Date(a.queuedAt).getTime() - new Date(b.queuedAt).getTime());
    },

    /**
     * Auto-assign: the consultant to offer a new ticket to: available, with room, preferring
     * specialists of the ticket's field, then the least loaded. Null when nobody fits.
     */
    async pickConsultantFor(escalation: Escalation): Promise<string | null> {
      let best: { id: string; specialist: boolean; load: number } | null = null;
      for (const id of presence.available()) {
        const staff = await repo.staffById(id);
        if (!staff?.active) continue;
        const load = await repo.countAssigned(id);
        if (load >= staff.capacity) continue;
        const specialist = escalation.fieldSlugs.some((f) => staff.fieldSlugs.includes(f));
        if (!best || Number(specialist) > Number(best.specialist) || (specialist === best.specialist && load < best.load)) {
          best = { id, specialist, load };
        }
      }
      return best?.id ?? null;
    },

    myConversations(consultant: Consultant) {
      return repo.listAssignedTo(consultant.id);
    },

    /** Exactly one of several consultants claiming the same ticket gets it. */
    async claim(escalationId: string, consultant: Consultant): Promise<Escalation> {
      const staff = await repo.staffById(consultant.id);
      const capacity = staff?.capacity ?? 3;
      if ((await repo.countAssigned(consultant.id)) >= capacity) throw consultationErrors.full();
      // The statement re-checks the capacity; a null here means someone else holds or took the row.
      const claimed = await repo.claim(escalationId, consultant.id, capacity);
      if (!claimed) {
        if (!(await repo.findById(escalationId))) throw consultationErrors.notFound();
        throw consultationErrors.taken();
      }
      await chat.setStatus(claimed.conversationId, 'with_consultant');
      events.emit('conversation.updated', { conversationId: claimed.conversationId, status: 'with_consultant' });
      await notifyCitizen(claimed.conversationId, CITIZEN_TEXT.claimed(consultant.displayName), 'claimed');
      await repo.addNote(claimed.id, consultant.id, `${consultant.displayName} nhận yêu cầu`, 'event');
      changed(claimed, 'claimed');
      return claimed;
    },

    /** A consultant's reply: typed text, or a knowledge-base situation inserted as an answer. */
    async reply(escalationId: string, consultant: Consultant, input: { text?: string; situationCode?: string; clientId?: string }): Promise<ChatMessage> {
      const escalation = await ownedOrFail(escalationId, consultant);
      let message;
      if (input.situationCode) {
        const [situation] = await deps.knowledge.findSituations([input.situationCode], { publishedOnly: true });
        if (!situation) throw new AppError('situation_not_found', 404, 'Không tìm thấy tình huống này.');
        message = { ...answerReply(situation, []), sender: 'consultant' as const, payload: { ...answerReply(situation, []).payload, author: consultant.displayName } };
      } else {
        const text = (input.text ?? '').normalize('NFC').trim();
        if (!text) throw consultationErrors.empty();
        if (text.length > 5000) throw new AppError('message_too_long', 400, 'Tin nhắn dài quá 5.000 ký tự.');
        message = { sender: 'consultant' as const, kind: 'text' as const, body: text, payload: { author: consultant.displayName } };
      }
      const [stored] = await chat.appendMessages(escalation.conversationId, [{ ...message, clientId: input.clientId ? `staff-${input.clientId}` : null }]);
      await repo.update(escalation.id, { firstResponseNow: true });
      events.emit('message.created', { conversationId: escalation.conversationId, message: stored as ChatMessage });
      if (escalation.contactEmail) {
        await repo.enqueueEmail({
          escalationId: escalation.id,
          to: escalation.contactEmail,
          subject: CITIZEN_TEXT.emailSubject(escalation.ticketCode),
          body: CITIZEN_TEXT.emailBody(escalation.ticketCode, escalation.question, (stored as ChatMessage).body),
        });
      }
      return stored as ChatMessage;
    },

    async addNote(escalationId: string, consultant: Consultant, body: string) {
      const escalation = await repo.findById(escalationId);
      if (!escalation) throw consultationErrors.notFound();
      const text = body.normalize('NFC').trim();
      if (!text) throw consultationErrors.empty();
      await repo.addNote(escalationId, consultant.id, text.slice(0, 5000));
      return repo.listNotes(escalationId);
    },

    /** Hands the ticket to a colleague (who must have room), or back to the queue under another field. */
    async transfer(escalationId: string, consultant: Consultant, target: { toConsultantId?: string; toField?: string }) {
      const escalation = await ownedOrFail(escalationId, consultant);
      if (target.toConsultantId) {
        const colleague = await repo.staffById(target.toConsultantId);
        if (!colleague || !colleague.active || colleague.id === consultant.id) throw consultationErrors.badTarget();
        if ((await repo.countAssigned(colleague.id)) >= colleague.capacity) throw consultationErrors.full();
        const moved = await repo.update(escalation.id, { assignedTo: colleague.id }, { status: 'assigned', assignedTo: escalation.assignedTo ?? undefined });
        if (!moved) throw consultationErrors.taken();
        await repo.addNote(escalation.id, consultant.id, `Chuyển cho ${colleague.displayName}`, 'event');
        await notifyCitizen(escalation.conversationId, CITIZEN_TEXT.claimed(colleague.displayName), 'transferred');
        changed(moved, 'transferred');
        return moved;
      }
      if (!target.toField) throw consultationErrors.badTarget();
      const fields = await deps.knowledge.listFields();
      if (!fields.some((f) => f.slug === target.toField)) throw consultationErrors.badTarget();
      const requeued = await repo.update(escalation.id, { status: 'queued', assignedTo: null, fieldSlugs: [target.toField] }, { status: 'assigned' });
      if (!requeued) throw consultationErrors.taken();
      await chat.setStatus(escalation.conversationId, 'waiting');
      await repo.addNote(escalation.id, consultant.id, `Chuyển sang lĩnh vực ${target.toField}`, 'event');
      await notifyCitizen(escalation.conversationId, CITIZEN_TEXT.transferred, 'transferred');
      changed(requeued, 'requeued');
      return requeued;
    },

    /** Back to the queue, keeping its original place. */
    async release(escalationId: string, consultant: Consultant) {
      const escalation = await ownedOrFail(escalationId, consultant);
      const requeued = await repo.update(escalation.id, { status: 'queued', assignedTo: null, releaseAt: null }, { status: 'assigned' });
      if (!requeued) throw consultationErrors.taken();
      await chat.setStatus(escalation.conversationId, 'waiting');
      await repo.addNote(escalation.id, consultant.id, 'Trả lại hàng chờ', 'event');
      await notifyCitizen(escalation.conversationId, CITIZEN_TEXT.returned, 'returned');
      changed(requeued, 'requeued');
      return requeued;
    },

    async close(escalationId: string, consultant: Consultant, resolution: Exclude<Resolution, 'cancelled'>) {
      const escalation = await ownedOrFail(escalationId, consultant);
      const closed = await repo.update(escalation.id, { status: 'closed', resolution, closedNow: true }, { status: 'assigned' });
      if (!closed) throw consultationErrors.taken();
      await chat.setStatus(escalation.conversationId, 'open');
      events.emit('conversation.updated', { conversationId: escalation.conversationId, status: 'open' });
      await repo.addNote(escalation.id, consultant.id, `Kết thúc: ${resolution}`, 'event');
      await notifyCitizen(escalation.conversationId, CITIZEN_TEXT.closed, 'closed');
      changed(closed, 'closed');
      return closed;
    },

    /** The consultant's last socket closed: their tickets go back to the queue after the grace period. */
    async consultantWentOffline(staffId: string) {
      await repo.setReleaseAt(staffId, new Date(now().getTime() + deps.graceSeconds * 1000));
    },

    /** The consultant is back in time: they keep their tickets. */
    async consultantCameOnline(staffId: string) {
      await repo.setReleaseAt(staffId, null);
    },

    /** Runs periodically: tickets whose consultant stayed away past the grace period are requeued. */
    async releaseExpired(): Promise<Escalation[]> {
      const released = await repo.releaseExpired();
      for (const escalation of released) {
        await chat.setStatus(escalation.conversationId, 'waiting');
        await repo.addNote(escalation.id, null, 'Chuyên viên mất kết nối quá thời gian chờ: trả lại hàng chờ', 'event');
        await notifyCitizen(escalation.conversationId, CITIZEN_TEXT.returned, 'returned');
        changed(escalation, 'requeued');
      }
      return released;
    },

    /** What a citizen with a ticket code may read: the question and what staff and the system said. */
    async ticket(code: string) {
      const normalised = code.trim().toUpperCase().replace(/[^A-Z0-9]/g, '');
      const escalation = /^[A-HJ-NP-Z2-9]{8}$/.test(normalised) ? await repo.findByTicket(normalised) : null;
      if (!escalation) return null;
      const messages = await chat.listMessagesAfter(escalation.conversationId, 0, 1000);
      const since = new Date(escalation.createdAt).getTime();
      return {
        ticketCode: escalation.ticketCode,
        status: escalation.status,
        question: escalation.question,
        replies: messages.filter((m) => m.sender === 'consultant' && new Date(m.createdAt).getTime() >= since),
      };
    },

    /**
     * Turns a closed consultation into a draft situation for admins to review: the citizen's
     * question (also kept as an alternate phrasing), the consultant's replies as the answer.
     */
    async promoteToDraft(escalationId: string, consultant: Consultant): Promise<{ code: string }> {
      const escalation = await repo.findById(escalationId);
      if (!escalation) throw consultationErrors.notFound();
      if (escalation.status !== 'closed') throw consultationErrors.notClosed();
      const messages = await chat.listMessagesAfter(escalation.conversationId, 0, 1000);
      const since = new Date(escalation.createdAt).getTime();
      const replies = messages.filter((m) => m.sender === 'consultant' && new Date(m.createdAt).getTime() >= since).map((m) => m.body);
      if (replies.length === 0 || !escalation.question) throw new AppError('nothing_to_promote', 400, 'Cuộc tư vấn chưa có câu hỏi hoặc câu trả lời để tạo tình huống.');
      const fields = await deps.knowledge.listFields();
      const field = escalation.fieldSlugs.find((f) => fields.some((x) => x.slug === f)) ?? fields[0]?.slug;
      if (!field) throw new AppError('no_field', 409, 'Chưa có lĩnh vực nào để gắn tình huống.');
      const code = `NHAP-${escalation.ticketCode}`;
      const report = await deps.importDraft({
        code,
        field,
        question: escalation.question.slice(0, 1000),
        alternates: [escalation.question.slice(0, 1000)],
        answer: replies.join('\n\n').slice(0, 20000),
        legal_basis: [],
        tags: [],
        status: 'draft',
      }, consultant.email);
      if (!report.ok) throw new AppError('promote_failed', 400, report.errors.map((e) => e.message).join('; '));
      await repo.addNote(escalation.id, consultant.id, `Tạo tình huống nháp ${code}`, 'event');
      return { code };
    },

    async detail(escalationId: string) {
      const escalation = await repo.findById(escalationId);
      if (!escalation) throw consultationErrors.notFound();
      const transcript = await chat.listMessagesAfter(escalation.conversationId, 0, 1000);
      return { escalation, transcript, notes: await repo.listNotes(escalationId) };
    },
  };
  return service;
}

export type ConsultationService = ReturnType<typeof createConsultationService>;
