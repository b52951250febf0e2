import type { DataSource, EntityManager } from 'typeorm';

export type Sender = 'citizen' | 'bot' | 'consultant' | 'system';
export type MessageKind = 'text' | 'answer' | 'clarify' | 'escalate' | 'small_talk' | 'choice' | 'notice';
export type ConversationStatus = 'open' | 'waiting' | 'with_consultant' | 'closed';

/** A stored message. */
export interface ChatMessage {
  id: number;
  conversationId: string;
  clientId: string | null;
  sender: Sender;
  kind: MessageKind;
  body: string;
  payload: Record<string, unknown>;
  replyTo: number | null;
  createdAt: Date;
}

export interface Conversation {
  id: string;
  status: ConversationStatus;
  createdAt: Date;
  lastMessageAt: Date;
}

/** A message to insert. */
export interface NewMessage {
  clientId?: string | null;
  sender: Sender;
  kind: MessageKind;
  body: string;
  payload?: Record<string, unknown>;
  /** Index (in the same batch) or id of the message this one answers. */
  replyTo?: number | null;
}

const MESSAGE_COLUMNS = `id, conversation_id AS "conversationId", client_id AS "clientId", sender, kind, body, payload,
  reply_to AS "replyTo", created_at AS "createdAt"`;

/** What appendMessages may record along with the messages. */
export interface AppendOptions {
  /** The clarify question answered by this batch; `answerIndex` is the batch's answer. */
  clarifyPick?: { messageId: number; situationCode: string; answerIndex: number };
}

/**
 * A conversation's citizen messages of the last minute, newest first, at most `limit` (a
 * placeholder); $1 is the conversation. messages_citizen_recent_idx reads at most that many.
 */
const recentCitizenMessages = (columns: string, limit: string) =>
  `SELECT ${columns} FROM messages
     WHERE conversation_id = $1::uuid AND sender = 'citizen' AND created_at > now() - interval '1 minute'
     ORDER BY created_at DESC LIMIT ${limit}::int`;

/**
 * The one SQL statement behind appendMessages, on the data source or inside a transaction. With
 * `citizenLimit`, nothing is written (and no row returned) when the conversation already holds that
 * many citizen messages of the last minute.
 */
async function insertBatch(
  runner: Pick<EntityManager, 'query'>,
  conversationId: string,
  messages: NewMessage[],
  options: AppendOptions,
  citizenLimit?: number,
): Promise<ChatMessage[]> {
  const params: unknown[] = [conversationId];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const ctes: string[] = [];
  /** The condition every write of the statement carries: under the limit (or none). */
  let underLimit = 'true';
  if (citizenLimit !== undefined) {
    const limit = p(citizenLimit);
    ctes.push(`recent AS (SELECT count(*) AS n FROM (${recentCitizenMessages('1', limit)}) AS r)`);
    underLimit = `(SELECT n FROM recent) < ${limit}::int`;
  }
  messages.forEach((m, i) => {
    const replyTo =
      m.replyTo != null && m.replyTo < 0 ? `(SELECT id FROM m${-m.replyTo - 1})` : m.replyTo != null ? `${p(m.replyTo)}::bigint` : 'NULL::bigint';
    ctes.push(`m${i} AS (INSERT INTO messages (conversation_id, client_id, sender, kind, body, payload, reply_to)
      SELECT $1::uuid, ${p(m.clientId ?? null)}::text, ${p(m.sender)}::text, ${p(m.kind)}::text, ${p(m.body)}::text,
             ${p(JSON.stringify(m.payload ?? {}))}::jsonb, ${replyTo} WHERE ${underLimit}
      RETURNING ${MESSAGE_COLUMNS})`);
  });
  ctes.push(`touched AS (UPDATE conversations SET last_message_at = now(), updated_at = now() WHERE id = $1::uuid AND ${underLimit} RETURNING id)`);
  const pick = options.clarifyPick;
  if (pick) {
    ctes.push(`pick AS (INSERT INTO clarify_picks (message_id, conversation_id, situation_code, answer_message_id)
      SELECT ${p(pick.messageId)}::bigint, $1::uuid, ${p(pick.situationCode)}::text, id FROM m${pick.answerIndex} RETURNING message_id)`);
  }
  const rows: (ChatMessage & { touched: number })[] = await runner.query(
    `WITH ${ctes.join(',\n')}
     SELECT *, (SELECT count(*) FROM touched) AS touched FROM (${messages.map((_, i) => `SELECT * FROM m${i}`).join(' UNION ALL ')}) AS stored
     ORDER BY id`,
    params,
  );
  if (rows[0] && rows[0].touched === 0) throw new Error(`conversation ${conversationId} vanished`);
  return rows.map(({ touched: _touched, ...message }) => message);
}

/** SQL for conversations and messages. */
export function createChatRepository(dataSource: DataSource) {
  return {
    async createConversation(tokenHash: string): Promise<Conversation> {
      const [row] = await dataSource.query(
        `INSERT INTO conversations (token_hash) VALUES ($1)
         RETURNING id, status, created_at AS "createdAt", last_message_at AS "lastMessageAt"`,
        [tokenHash],
      );
      return row;
    },

    async findConversationByTokenHash(tokenHash: string): Promise<Conversation | null> {
      const [row] = await dataSource.query(
        `SELECT id, status, created_at AS "createdAt", last_message_at AS "lastMessageAt" FROM conversations WHERE token_hash = $1 AND anonymised_at IS NULL`,
        [tokenHash],
      );
      return row ?? null;
    },

    async findConversation(id: string): Promise<Conversation | null> {
      const [row] = await dataSource.query(
        `SELECT id, status, created_at AS "createdAt", last_message_at AS "lastMessageAt" FROM conversations WHERE id = $1 AND anonymised_at IS NULL`,
        [id],
      );
      return row ?? null;
    },

    async listMessagesAfter(conversationId: string, afterId: number, limit = 500): Promise<ChatMessage[]> {
      return dataSource.query(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [conversationId, afterId, limit],
      );
    },

    async findMessage(conversationId: string, id: number): Promise<ChatMessage | null> {
      const [row] = await dataSource.query(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND id = $2`, [conversationId, id]);
      return row ?? null;
    },

    async findByClientId(conversationId: string, clientId: string): Promise<ChatMessage | null> {
      const [row] = await dataSource.query(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND client_id = $2`, [
        conversationId,
        clientId,
      ]);
      return row ?? null;
    },

    /** The citizen's latest typed question in a conversation (what an escalation is about). */
    async lastCitizenQuestion(conversationId: string): Promise<string | null> {
      const [row] = await dataSource.query(
        `SELECT body FROM messages WHERE conversation_id = $1 AND sender = 'citizen' AND kind = 'text' ORDER BY id DESC LIMIT 1`,
        [conversationId],
      );
      return row?.body ?? null;
    },

    async findReplies(messageId: number): Promise<ChatMessage[]> {
      return dataSource.query(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE reply_to = $1 ORDER BY id`, [messageId]);
    },

    /**
     * Inserts messages in order, touches the conversation and (optionally) records a clarify
     * pick, all in ONE statement (data-modifying CTEs): atomic without a transaction and one
     * round trip, which matters on the single PGlite session. `replyTo` below 0 refers to an
     * earlier message of the same batch (-1 = the first).
     */
    async appendMessages(conversationId: string, messages: NewMessage[], options: AppendOptions = {}): Promise<ChatMessage[]> {
      return insertBatch(dataSource, conversationId, messages, options);
    },

    /**
     * appendMessages for what the citizen sends, within `perMinute` citizen messages per
     * conversation in any 60 seconds. The count is made in the database, so every instance
     * shares one limit, and under a lock on the conversation's row, so two instances racing
     * cannot both take the last place. Over the limit nothing is stored and the answer says how
     * many seconds until a place frees up.
     */
    async appendCitizenMessages(
      conversationId: string,
      messages: NewMessage[],
      perMinute: number,
      options: AppendOptions = {},
    ): Promise<{ stored: ChatMessage[] } | { retryAfter: number }> {
      return dataSource.transaction(async (manager) => {
        // Each statement of a READ COMMITTED transaction takes a fresh snapshot, so once the lock
        // is held the count sees every message committed by the sender that held it before.
        // FOR NO KEY UPDATE is the lock the insert's UPDATE of last_message_at takes anyway; it
        // does not block a consultant's insert (the foreign key check takes FOR KEY SHARE).
        const locked: unknown[] = await manager.query(`SELECT id FROM conversations WHERE id = $1 FOR NO KEY UPDATE`, [conversationId]);
        if (locked.length === 0) throw new Error(`conversation ${conversationId} vanished`);
        // Counted and written in one statement (one round trip on the hot path).
        const stored = await insertBatch(manager, conversationId, messages, options, perMinute);
        if (stored.length > 0) return { stored };
        // Over the limit (rare): a place frees up when the oldest of the last `perMinute` messages turns a minute old.
        const recent: { age: number }[] = await manager.query(recentCitizenMessages('EXTRACT(EPOCH FROM now() - created_at)::float8 AS age', '$2'), [
          conversationId,
          perMinute,
        ]);
        const oldest = recent[perMinute - 1] ?? recent[recent.length - 1];
        return { retryAfter: Math.max(1, Math.ceil(60 - Number(oldest?.age ?? 59))) };
      });
    },

    async setStatus(conversationId: string, status: ConversationStatus): Promise<void> {
      await dataSource.query(`UPDATE conversations SET status = $2, updated_at = now() WHERE id = $1`, [conversationId, status]);
    },

    async findClarifyPick(messageId: number): Promise<{ situationCode: string; answerMessageId: number } | null> {
      const [row] = await dataSource.query(
        `SELECT situation_code AS "situationCode", answer_message_id AS "answerMessageId" FROM clarify_picks WHERE message_id = $1`,
        [messageId],
      );
      return row ?? null;
    },

    async saveFeedback(input: { messageId: number; conversationId: string; situationCode: string; helpful: boolean; comment: string }): Promise<void> {
      await dataSource.query(
        `INSERT INTO answer_feedback (message_id, conversation_id, situation_code, helpful, comment)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (message_id) DO UPDATE SET helpful = excluded.helpful, comment = excluded.comment, updated_at = now()`,
        [input.messageId, input.conversationId, input.situationCode, input.helpful, input.comment],
      );
    },
  };
}

export type ChatRepository = ReturnType<typeof createChatRepository>;
