import { randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';

export type EscalationStatus = 'queued' | 'assigned' | 'closed' | 'cancelled';
export type Resolution = 'answered' | 'referred' | 'not_legal' | 'cancelled';

export interface Escalation {
  id: string;
  conversationId: string;
  ticketCode: string;
  status: EscalationStatus;
  offline: boolean;
  question: string;
  fieldSlugs: string[];
  candidates: { code: string; question: string; fieldSlug: string; score: number }[];
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  assignedTo: string | null;
  assignedAt: Date | null;
  releaseAt: Date | null;
  firstResponseAt: Date | null;
  closedAt: Date | null;
  resolution: Resolution | null;
  queuedAt: Date;
  createdAt: Date;
}

const COLUMN_LIST: [string, string][] = [
  ['id', 'id'],
  ['conversation_id', 'conversationId'],
  ['ticket_code', 'ticketCode'],
  ['status', 'status'],
  ['offline', 'offline'],
  ['question', 'question'],
  ['field_slugs', 'fieldSlugs'],
  ['candidates', 'candidates'],
  ['contact_name', 'contactName'],
  ['contact_phone', 'contactPhone'],
  ['contact_email', 'contactEmail'],
  ['assigned_to', 'assignedTo'],
  ['assigned_at', 'assignedAt'],
  ['release_at', 'releaseAt'],
  ['first_response_at', 'firstResponseAt'],
  ['closed_at', 'closedAt'],
  ['resolution', 'resolution'],
  ['queued_at', 'queuedAt'],
  ['created_at', 'createdAt'],
];
const columns = (alias = '') => COLUMN_LIST.map(([column, key]) => `${alias}${column} AS "${key}"`).join(', ');
const COLUMNS = columns();

const TICKET_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** An 8-character ticket code from an alphabet without look-alike characters (40 bits). */
export function newTicketCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += TICKET_ALPHABET[randomInt(TICKET_ALPHABET.length)];
  return code;
}

/** SQL of the escalation queue. */
export function createConsultationRepository(dataSource: DataSource) {
  const one = async (sql: string, params: unknown[]): Promise<Escalation | null> => {
    const rows = await dataSource.query(sql, params);
    const row = Array.isArray(rows[0]) ? rows[0][0] : rows[0];
    return row ?? null;
  };

  return {
    async insert(input: {
      conversationId: string;
      offline: boolean;
      question: string;
      fieldSlugs: string[];
      candidates: unknown[];
      contactName: string;
      contactPhone: string;
      contactEmail: string;
      consent: boolean;
    }): Promise<Escalation> {
      for (let attempt = 0; ; attempt++) {
        try {
          const row = await one(
            `INSERT INTO escalations (conversation_id, ticket_code, offline, question, field_slugs, candidates,
                                      contact_name, contact_phone, contact_email, consent_at)
             VALUES ($1, $2, $3, $4, ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), $6::jsonb, $7, $8, $9,
                     CASE WHEN $10::boolean THEN now() END)
             RETURNING ${COLUMNS}`,
            [
              input.conversationId,
              newTicketCode(),
              input.offline,
              input.question,
              JSON.stringify(input.fieldSlugs),
              JSON.stringify(input.candidates),
              input.contactName,
              input.contactPhone,
              input.contactEmail,
              input.consent,
            ],
          );
          return row as Escalation;
        } catch (error) {
          const constraint = (error as { constraint?: string }).constraint ?? '';
          if ((error as { code?: string }).code === '23505' && constraint.includes('ticket_code') && attempt < 5) continue;
          throw error;
        }
      }
    },

    findOpenByConversation(conversationId: string) {
      return one(`SELECT ${COLUMNS} FROM escalations WHERE conversation_id = $1 AND status IN ('queued', 'assigned')`, [conversationId]);
    },

    findById(id: string) {
      return one(`SELECT ${COLUMNS} FROM escalations WHERE id = $1`, [id]);
    },

    findByTicket(code: string) {
      return one(`SELECT ${COLUMNS} FROM escalations WHERE ticket_code = $1`, [code]);
    },

    async listQueued(): Promise<Escalation[]> {
      return dataSource.query(`SELECT ${COLUMNS} FROM escalations WHERE status = 'queued' ORDER BY queued_at, id`);
    },

    async listAssignedTo(staffId: string): Promise<Escalation[]> {
      return dataSource.query(`SELECT ${COLUMNS} FROM escalations WHERE status = 'assigned' AND assigned_to = $1 ORDER BY assigned_at`, [staffId]);
    },

    /**
     * Takes a queued ticket for a consultant: the row is locked with SKIP LOCKED, so of two
     * consultants clicking at once exactly one gets it; the capacity is checked in the same statement.
     */
    claim(id: string, staffId: string, capacity: number) {
      return one(
        `WITH target AS (
           SELECT id FROM escalations WHERE id = $1 AND status = 'queued' FOR UPDATE SKIP LOCKED
         ), load AS (
           SELECT count(*) AS n FROM escalations WHERE status = 'assigned' AND assigned_to = $2
         )
         UPDATE escalations e
            SET status = 'assigned', assigned_to = $2, assigned_at = now(), release_at = NULL, updated_at = now()
           FROM target, load
          WHERE e.id = target.id AND load.n < $3
         RETURNING ${columns('e.')}`,
        [id, staffId, capacity],
      );
    },

    async countAssigned(staffId: string): Promise<number> {
      const [row] = await dataSource.query(`SELECT count(*) AS n FROM escalations WHERE status = 'assigned' AND assigned_to = $1`, [staffId]);
      return row.n;
    },

    update(id: string, set: Record<string, unknown>, where: { status?: EscalationStatus; assignedTo?: string } = {}) {
      const columns: Record<string, string> = {
        status: 'status',
        assignedTo: 'assigned_to',
        releaseAt: 'release_at',
        fieldSlugs: 'field_slugs',
        resolution: 'resolution',
      };
      const params: unknown[] = [id];
      const sets = Object.entries(set).map(([key, value]) => {
        if (key === 'closedNow') return 'closed_at = now()';
        if (key === 'firstResponseNow') return 'first_response_at = coalesce(first_response_at, now())';
        params.push(key === 'fieldSlugs' ? JSON.stringify(value) : value);
        return key === 'fieldSlugs'
          ? `field_slugs = ARRAY(SELECT jsonb_array_elements_text($${params.length}::jsonb))`
          : `${columns[key]} = $${params.length}`;
      });
      const conditions = ['id = $1'];
      if (where.status) {
        params.push(where.status);
        conditions.push(`status = $${params.length}`);
      }
      if (where.assignedTo) {
        params.push(where.assignedTo);
        conditions.push(`assigned_to = $${params.length}`);
      }
      return one(`UPDATE escalations SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE ${conditions.join(' AND ')} RETURNING ${COLUMNS}`, params);
    },

    /** Marks a consultant's tickets to return to the queue at `at` (null: cancel that). */
    async setReleaseAt(staffId: string, at: Date | null): Promise<void> {
      await dataSource.query(`UPDATE escalations SET release_at = $2 WHERE status = 'assigned' AND assigned_to = $1`, [staffId, at]);
    },

    /** Returns to the queue every ticket whose consultant's grace period is over. */
    async releaseExpired(): Promise<Escalation[]> {
      return dataSource
        .query(
          `UPDATE escalations SET status = 'queued', assigned_to = NULL, assigned_at = NULL, release_at = NULL, updated_at = now()
            WHERE status = 'assigned' AND release_at IS NOT NULL AND release_at <= now()
           RETURNING ${COLUMNS}`,
        )
        .then((rows: unknown[]) => (Array.isArray(rows[0]) ? (rows[0] as Escalation[]) : (rows as Escalation[])));
    },

    async addNote(escalationId: string, authorId: string | null, body: string, kind: 'note' | 'event' = 'note') {
      await dataSource.query(`INSERT INTO escalation_notes (escalation_id, author_id, kind, body) VALUES ($1, $2, $3, $4)`, [
        escalationId,
        authorId,
        kind,
        body,
      ]);
    },

    async listNotes(escalationId: string): Promise<{ id: number; kind: string; body: string; authorName: string | null; createdAt: Date }[]> {
      return dataSource.query(
        `SELECT n.id, n.kind, n.body, s.display_name AS "authorName", n.created_at AS "createdAt"
           FROM escalation_notes n LEFT JOIN staff_accounts s ON s.id = n.author_id
          WHERE n.escalation_id = $1 ORDER BY n.id`,
        [escalationId],
      );
    },

    async enqueueEmail(input: { escalationId: string; to: string; subject: string; body: string }) {
      await dataSource.query(`INSERT INTO email_outbox (escalation_id, to_address, subject, body) VALUES ($1, $2, $3, $4)`, [
        input.escalationId,
        input.to,
        input.subject,
        input.body,
      ]);
    },

    async dueEmails(limit = 20): Promise<{ id: number; to: string; subject: string; body: string; attempts: number }[]> {
      return dataSource.query(
        `SELECT id, to_address AS "to", subject, body, attempts FROM email_outbox
          WHERE sent_at IS NULL AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1`,
        [limit],
      );
    },

    async markEmailSent(id: number) {
      await dataSource.query(`UPDATE email_outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = $1`, [id]);
    },

    async markEmailFailed(id: number, error: string, retryInSeconds: number) {
      await dataSource.query(
        `UPDATE email_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`,
        [id, error.slice(0, 1000), retryInSeconds],
      );
    },

    async staffById(id: string): Promise<{ id: string; email: string; displayName: string; role: string; fieldSlugs: string[]; capacity: number; active: boolean } | null> {
      const [row] = await dataSource.query(
        `SELECT id, email, display_name AS "displayName", role, field_slugs AS "fieldSlugs", capacity, active FROM staff_accounts WHERE id = $1`,
        [id],
      );
      return row ?? null;
    },

    /** Average handling time of recent closed tickets, for the estimated wait. */
    async averageHandlingMinutes(): Promise<number | null> {
      const [row] = await dataSource.query(
        `SELECT avg(extract(epoch FROM closed_at - assigned_at)) / 60 AS minutes FROM (
           SELECT closed_at, assigned_at FROM escalations WHERE status = 'closed' AND assigned_at IS NOT NULL
            ORDER BY closed_at DESC LIMIT 50) recent`,
      );
      return row?.minutes == null ? null : Number(row.minutes);
    },
  };
}

export type ConsultationRepository = ReturnType<typeof createConsultationRepository>;
