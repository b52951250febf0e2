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
        `SELECT id, status, created_at AS "createdAt", last_message_at AS "lastMessageAt" FROM conversations WHERE token_hash = $1`,
        [tokenHash],
      );
      return row ?? null;
    },

    async findConversation(id: string): Promise<Conversation | null> {
      const [row] = await dataSource.query(
        `SELECT id, status, created_at AS "createdAt", last_message_at AS "lastMessageAt" FROM conversations WHERE id = $1`,
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

    async findReplies(messageId: number): Promise<ChatMessage[]> {
      return dataSource.query(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE reply_to = $1 ORDER BY id`, [messageId]);
    },

    /**
     * Inserts messages in order in one transaction; `replyTo` below 0 refers to an earlier
     * message of the same batch (-1 = the first). Returns them stored.
     */
    async appendMessages(conversationId: string, messages: NewMessage[], extra?: (manager: EntityManager, stored: ChatMessage[]) => Promise<void>): Promise<ChatMessage[]> {
      return dataSource.transaction(async (manager) => {
        const stored: ChatMessage[] = [];
        for (const message of messages) {
          const replyTo = message.replyTo != null && message.replyTo < 0 ? (stored[-message.replyTo - 1]?.id ?? null) : (message.replyTo ?? null);
          const [row] = await manager.query(
            `INSERT INTO messages (conversation_id, client_id, sender, kind, body, payload, reply_to)
             VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING ${MESSAGE_COLUMNS}`,
            [conversationId, message.clientId ?? null, message.sender, message.kind, message.body, JSON.stringify(message.payload ?? {}), replyTo],
          );
          stored.push(row);
        }
        await manager.query(`UPDATE conversations SET last_message_at = now(), updated_at = now() WHERE id = $1`, [conversationId]);
        if (extra) await extra(manager, stored);
        return stored;
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
