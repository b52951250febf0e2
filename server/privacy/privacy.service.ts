import type { DataSource } from 'typeorm';
import { recordAudit } from '../audit/index.js';
import type { Escalation } from '../consultation/consultation.repository.js';
import { AppError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import './privacy.events.js';
import {
  conversationOfTicket,
  eraseConversations,
  expiredConversations,
  exportConversation,
  lockLiveConversation,
  tryRetentionLock,
  type ErasureCounts,
} from './privacy.repository.js';

/** Any constant; only one instance at a time runs a retention batch. */
export const RETENTION_LOCK_KEY = 72_417_070;

export interface PrivacyServiceDeps {
  dataSource: DataSource;
  events: EventBus;
  /** Reads an escalation that an erasure cancelled, so that consoles see it leave the queue. */
  findEscalation: (id: string) => Promise<Escalation | null>;
  /** Conversations idle longer than this are erased by the retention job. */
  retentionDays: number;
  logger: Logger;
  /** Conversations erased per retention transaction. */
  retentionBatchSize?: number;
  /** The current time (tests move it). */
  now?: () => Date;
}

/** The staff member behind an admin action, as recorded in the audit log. */
export interface PrivacyActor {
  id: string;
  email: string;
}

/** What one retention run did. */
export interface RetentionReport extends ErasureCounts {
  /** Conversations whose last message is older than this were erased. */
  cutoff: string;
  /** True when another instance was running the job, so this one left it. */
  skipped: boolean;
  batches: number;
}

export const privacyErrors = {
  ticketNotFound: () =>
    new AppError('ticket_not_found', 404, 'Không tìm thấy cuộc trò chuyện với mã tra cứu này (mã sai, hoặc dữ liệu đã được xóa).'),
  conversationNotFound: () =>
    new AppError('conversation_not_found', 404, 'Cuộc trò chuyện không còn tồn tại hoặc đã được xóa. Vui lòng bắt đầu cuộc trò chuyện mới.'),
};

/** A ticket code as typed (spaces, dashes, lower case) in its canonical form, or null. */
export function normaliseTicketCode(code: string): string | null {
  const normalised = code.trim().toUpperCase().replace(/[^A-Z0-9]/g, '');
  return /^[A-HJ-NP-Z2-9]{8}$/.test(normalised) ? normalised : null;
}

const ZERO: ErasureCounts = { conversations: 0, contactsErased: 0, escalationsEnded: 0, messages: 0, feedback: 0, notesDeleted: 0, emailsDeleted: 0 };

function countsOnly(result: ErasureCounts & { endedEscalationIds?: string[] }): ErasureCounts {
  const { endedEscalationIds: _ids, ...counts } = result;
  return counts;
}

/** Tickets get fresh random codes on erasure; on the rare clash with an existing code, try once more. */
async function retryOnTicketClash<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const e = error as { code?: string; constraint?: string; driverError?: { constraint?: string } };
    const constraint = e.constraint ?? e.driverError?.constraint ?? '';
    if (e.code !== '23505' || !constraint.includes('ticket_code')) throw error;
    return work();
  }
}

/**
 * Personal data under Decree 13/2023: a citizen erases their conversation, an admin exports or
 * erases one by ticket code (audited), and a scheduled job erases what is older than the
 * retention period. Erasure is in server/privacy/privacy.repository.ts.
 */
export function createPrivacyService(deps: PrivacyServiceDeps) {
  const { dataSource, events, logger } = deps;
  const batchSize = deps.retentionBatchSize ?? 200;

  /** Tells widgets and consoles, after the transaction committed. */
  async function announce(conversationId: string | null, endedEscalationIds: string[], by: 'citizen' | 'admin' | null) {
    if (conversationId && by) events.emit('conversation.deleted', { conversationId, by });
    for (const id of endedEscalationIds) {
      const escalation = await deps.findEscalation(id);
      if (escalation) events.emit('escalation.changed', { escalation, change: 'cancelled' });
    }
  }

  async function ticketConversation(db: Parameters<typeof conversationOfTicket>[0], code: string): Promise<{ ticket: string; conversationId: string }> {
    const ticket = normaliseTicketCode(code);
    const conversationId = ticket ? await conversationOfTicket(db, ticket) : null;
    if (!ticket || !conversationId) throw privacyErrors.ticketNotFound();
    return { ticket, conversationId };
  }

  return {
    /**
     * The citizen erases their own conversation: messages, ratings, clarify picks, contact
     * details, notes and emails go, an open request to a consultant is cancelled, and the token
     * no longer resumes it. What remains is an empty shell (status, dates) that counts.
     */
    async deleteConversation(conversationId: string): Promise<ErasureCounts> {
      const result = await retryOnTicketClash(() =>
        dataSource.transaction(async (manager) => {
          if (!(await lockLiveConversation(manager, conversationId))) throw privacyErrors.conversationNotFound();
          return eraseConversations(manager, [conversationId], 'delete');
        }),
      );
      await announce(conversationId, result.endedEscalationIds, 'citizen');
      logger.info({ conversationId, by: 'citizen', ...countsOnly(result) }, 'conversation erased at the citizen\'s request');
      return countsOnly(result);
    },

    /** An admin erases the conversation of a ticket code; the audit record is written in the same transaction. */
    async deleteByTicket(code: string, actor: PrivacyActor): Promise<{ conversationId: string } & ErasureCounts> {
      const { conversationId, result } = await retryOnTicketClash(() =>
        dataSource.transaction(async (manager) => {
          const { ticket, conversationId } = await ticketConversation(manager, code);
          if (!(await lockLiveConversation(manager, conversationId))) throw privacyErrors.ticketNotFound();
          const result = await eraseConversations(manager, [conversationId], 'delete');
          await recordAudit(manager, {
            actorId: actor.id,
            actorEmail: actor.email,
            action: 'privacy.delete',
            entityType: 'conversation',
            entityId: conversationId,
            after: { ticket, ...countsOnly(result) },
          });
          return { conversationId, result };
        }),
      );
      await announce(conversationId, result.endedEscalationIds, 'admin');
      logger.info({ conversationId, by: actor.id, ...countsOnly(result) }, 'conversation erased by an admin');
      return { conversationId, ...countsOnly(result) };
    },

    /** Everything stored about the conversation of a ticket code, as JSON; the export is audited. */
    async exportByTicket(code: string, actor: PrivacyActor) {
      return dataSource.transaction(async (manager) => {
        const { ticket, conversationId } = await ticketConversation(manager, code);
        const data = await exportConversation(manager, conversationId);
        if (!data) throw privacyErrors.ticketNotFound();
        await recordAudit(manager, {
          actorId: actor.id,
          actorEmail: actor.email,
          action: 'privacy.export',
          entityType: 'conversation',
          entityId: conversationId,
          after: { ticket, messages: data.messages.length, escalations: data.escalations.length },
        });
        return { format: 'hoi-luat.conversation-export.v1', exportedAt: new Date().toISOString(), ticket, ...data };
      });
    },

    /**
     * Erases every conversation idle for longer than the retention period, in batches, each in
     * its own transaction under an advisory lock (several instances: one works, the others
     * skip). Texts are blanked rather than rows deleted, so statistics keep their counts.
     */
    async runRetention(options: { now?: Date } = {}): Promise<RetentionReport> {
      const now = options.now ?? deps.now?.() ?? new Date();
      const cutoff = new Date(now.getTime() - deps.retentionDays * 86_400_000);
      const total: ErasureCounts = { ...ZERO };
      let batches = 0;
      let skipped = false;
      for (;;) {
        const result = await dataSource.transaction(async (manager) => {
          if (!(await tryRetentionLock(manager, RETENTION_LOCK_KEY))) return null;
          return eraseConversations(manager, await expiredConversations(manager, cutoff, batchSize), 'blank');
        });
        if (!result) {
          skipped = true;
          break;
        }
        batches++;
        for (const key of Object.keys(total) as (keyof ErasureCounts)[]) total[key] += result[key];
        await announce(null, result.endedEscalationIds, null);
        if (result.conversations < batchSize) break;
      }
      if (total.conversations > 0) logger.info({ cutoff: cutoff.toISOString(), ...total }, 'retention: erased conversations idle past RETENTION_DAYS');
      return { cutoff: cutoff.toISOString(), skipped, batches, ...total };
    },
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
