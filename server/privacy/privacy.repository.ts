import type { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

/** What an erasure removed or blanked, for the caller's report and the audit log (numbers only). */
export interface ErasureCounts {
  conversations: number;
  /** Escalations whose name, phone or email was blanked. */
  contactsErased: number;
  /** Escalations still queued or assigned, now cancelled. */
  escalationsEnded: number;
  /** Messages deleted (erasure on request) or whose text was blanked (retention). */
  messages: number;
  /** Ratings deleted (on request) or whose comment was blanked (retention). */
  feedback: number;
  notesDeleted: number;
  emailsDeleted: number;
}

/** How an erasure treats messages and ratings. */
export type ErasureMode =
  /** The citizen or an admin asked: messages, ratings and clarify picks are deleted. */
  | 'delete'
  /** The retention job: what people wrote is blanked, rows stay so that counts and outcomes stay. */
  | 'blank';

/** A fresh ticket code from the ticket alphabet, drawn per row (the WHERE makes the subquery run for each row). */
const RANDOM_TICKET = `(SELECT string_agg(substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 1 + floor(random() * 32)::int, 1), '')
                          FROM generate_series(1, 8) WHERE escalations.id IS NOT NULL)`;

/** A random 64-hex value in place of a token hash: no token hashes to it, so nobody can resume. */
const RANDOM_TOKEN_HASH = `md5(random()::text || id::text) || md5(id::text || clock_timestamp()::text || random()::text)`;

/** `= ${IN_IDS}` matches the ids passed as a JSON array in $1 (one encoding that both drivers read alike). */
const IN_IDS = 'ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::uuid))';

/** Runs a data-modifying statement and returns how many rows it touched (same on both engines). */
async function count(db: Db, sql: string, params: unknown[]): Promise<number> {
  const [row] = await db.query(`WITH changed AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM changed`, params);
  return Number(row?.n ?? 0);
}

/**
 * Erases the given conversations inside the caller's transaction, most sensitive first: contact
 * details on their escalations, then the escalations' questions (ticket codes are replaced so an
 * old code finds nothing, and open ones are cancelled), email copies and consultants' internal
 * notes, then messages and ratings (deleted or blanked by `mode`), and finally the conversation
 * itself: a new random token hash (the citizen's token no longer resumes it), closed, stamped
 * `anonymised_at`. Status, dates, situation codes and bot replies stay for the statistics.
 */
export async function eraseConversations(db: Db, ids: string[], mode: ErasureMode): Promise<ErasureCounts & { endedEscalationIds: string[] }> {
  const empty = { conversations: 0, contactsErased: 0, escalationsEnded: 0, messages: 0, feedback: 0, notesDeleted: 0, emailsDeleted: 0, endedEscalationIds: [] };
  if (ids.length === 0) return empty;
  const idsParam = [JSON.stringify(ids)];
  const escalations: { id: string; open: boolean; hasContact: boolean }[] = await db.query(
    `SELECT id, status IN ('queued', 'assigned') AS open,
            (contact_name <> '' OR contact_phone <> '' OR contact_email <> '') AS "hasContact"
       FROM escalations WHERE conversation_id = ${IN_IDS} ORDER BY id FOR UPDATE`,
    idsParam,
  );
  const contactsErased = await count(
    db,
    `UPDATE escalations SET contact_name = '', contact_phone = '', contact_email = '', updated_at = now()
      WHERE conversation_id = ${IN_IDS} AND (contact_name <> '' OR contact_phone <> '' OR contact_email <> '')`,
    idsParam,
  );
  if (escalations.length > 0) {
    await db.query(
      `UPDATE escalations
          SET question = '', ticket_code = ${RANDOM_TICKET}, release_at = NULL, updated_at = now(),
              resolution = CASE WHEN status IN ('queued', 'assigned') THEN 'cancelled' ELSE resolution END,
              closed_at = CASE WHEN status IN ('queued', 'assigned') THEN now() ELSE closed_at END,
              status = CASE WHEN status IN ('queued', 'assigned') THEN 'cancelled' ELSE status END
        WHERE conversation_id = ${IN_IDS}`,
      idsParam,
    );
  }
  const ofEscalations = `escalation_id IN (SELECT id FROM escalations WHERE conversation_id = ${IN_IDS})`;
  const emailsDeleted = await count(db, `DELETE FROM email_outbox WHERE ${ofEscalations}`, idsParam);
  // Notes are what consultants wrote about the citizen; events ("X took the request") stay.
  const notesDeleted = await count(db, `DELETE FROM escalation_notes WHERE kind = 'note' AND ${ofEscalations}`, idsParam);

  let messages: number;
  let feedback: number;
  if (mode === 'delete') {
    feedback = await count(db, `DELETE FROM answer_feedback WHERE conversation_id = ${IN_IDS}`, idsParam);
    await db.query(`DELETE FROM clarify_picks WHERE conversation_id = ${IN_IDS}`, idsParam);
    messages = await count(db, `DELETE FROM messages WHERE conversation_id = ${IN_IDS}`, idsParam);
  } else {
    feedback = await count(db, `UPDATE answer_feedback SET comment = '', updated_at = now() WHERE conversation_id = ${IN_IDS} AND comment <> ''`, idsParam);
    // What people typed (citizens' questions, consultants' replies); bot replies and picked
    // options are knowledge-base text and stay, with the reply chain the statistics follow.
    messages = await count(
      db,
      `UPDATE messages SET body = '', payload = '{}'::jsonb
        WHERE conversation_id = ${IN_IDS} AND kind = 'text' AND sender IN ('citizen', 'consultant')
          AND (body <> '' OR payload <> '{}'::jsonb)`,
      idsParam,
    );
  }
  const conversations = await count(
    db,
    `UPDATE conversations SET token_hash = ${RANDOM_TOKEN_HASH}, status = 'closed', anonymised_at = now(), updated_at = now()
      WHERE id = ${IN_IDS}`,
    idsParam,
  );
  const ended = escalations.filter((e) => e.open);
  return { conversations, contactsErased, escalationsEnded: ended.length, messages, feedback, notesDeleted, emailsDeleted, endedEscalationIds: ended.map((e) => e.id) };
}

/** Locks a conversation that is not erased yet; null when it does not exist or is already erased. */
export async function lockLiveConversation(db: Db, id: string): Promise<{ id: string } | null> {
  const [row] = await db.query(`SELECT id FROM conversations WHERE id = $1 AND anonymised_at IS NULL FOR UPDATE`, [id]);
  return row ?? null;
}

/** The conversation a ticket code belongs to (erased ones have new codes, so they are not found). */
export async function conversationOfTicket(db: Db, code: string): Promise<string | null> {
  const [row] = await db.query(`SELECT conversation_id AS id FROM escalations WHERE ticket_code = $1`, [code]);
  return row?.id ?? null;
}

/**
 * Up to `limit` conversations idle since before `cutoff` and not erased yet, oldest first,
 * locked for this transaction (SKIP LOCKED: a citizen writing right now is left for next time).
 */
export async function expiredConversations(db: Db, cutoff: Date, limit: number): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM conversations WHERE anonymised_at IS NULL AND last_message_at < $1
      ORDER BY last_message_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [cutoff, limit],
  );
  return rows.map((r) => r.id);
}

/** Takes the retention job's transaction-scoped advisory lock; false when another instance holds it. */
export async function tryRetentionLock(db: Db, key: number): Promise<boolean> {
  const [row] = await db.query(`SELECT pg_try_advisory_xact_lock($1::bigint) AS locked`, [key]);
  return row?.locked === true;
}

/** Everything stored about one conversation, for an admin answering a citizen's access request. */
export async function exportConversation(db: Db, id: string) {
  const [conversation] = await db.query(
    `SELECT id, status, created_at AS "createdAt", last_message_at AS "lastMessageAt", anonymised_at AS "anonymisedAt"
       FROM conversations WHERE id = $1`,
    [id],
  );
  if (!conversation) return null;
  const escalations = await db.query(
    `SELECT e.id, e.ticket_code AS "ticketCode", e.status, e.offline, e.question, e.field_slugs AS "fieldSlugs",
            e.contact_name AS "contactName", e.contact_phone AS "contactPhone", e.contact_email AS "contactEmail",
            e.consent_at AS "consentAt", s.display_name AS "assignedTo", e.resolution, e.queued_at AS "queuedAt",
            e.first_response_at AS "firstResponseAt", e.closed_at AS "closedAt", e.created_at AS "createdAt"
       FROM escalations e LEFT JOIN staff_accounts s ON s.id = e.assigned_to
      WHERE e.conversation_id = $1 ORDER BY e.created_at`,
    [id],
  );
  const messages = await db.query(
    `SELECT id, sender, kind, body AS text, payload, reply_to AS "replyTo", created_at AS "createdAt"
       FROM messages WHERE conversation_id = $1 ORDER BY id`,
    [id],
  );
  const feedback = await db.query(
    `SELECT message_id AS "messageId", situation_code AS "situationCode", helpful, comment, created_at AS "createdAt", updated_at AS "updatedAt"
       FROM answer_feedback WHERE conversation_id = $1 ORDER BY message_id`,
    [id],
  );
  const notes = await db.query(
    `SELECT n.escalation_id AS "escalationId", n.kind, n.body, s.display_name AS "author", n.created_at AS "createdAt"
       FROM escalation_notes n JOIN escalations e ON e.id = n.escalation_id LEFT JOIN staff_accounts s ON s.id = n.author_id
      WHERE e.conversation_id = $1 ORDER BY n.id`,
    [id],
  );
  const emails = await db.query(
    `SELECT o.escalation_id AS "escalationId", o.to_address AS "to", o.subject, o.sent_at AS "sentAt", o.created_at AS "createdAt"
       FROM email_outbox o JOIN escalations e ON e.id = o.escalation_id
      WHERE e.conversation_id = $1 ORDER BY o.id`,
    [id],
  );
  return { conversation, escalations, messages, feedback, notes, emails };
}
