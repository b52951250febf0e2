import type { DataSource } from 'typeorm';
import type { QuestionItem } from './question-clusters.js';
import { TIME_ZONE } from './analytics.range.js';

/**
 * Read-only SQL of the admins' dashboard. Every query is one set-based statement over a bounded
 * time window `[start, end)` (at most a year) and returns aggregates or a capped list; the same
 * SQL runs on PostgreSQL and PGlite. Days are Vietnam calendar days.
 */

/** Instants bounding a query: `start` inclusive, `end` exclusive. */
export interface Window {
  start: Date;
  end: Date;
}

const day = (column: string) => `to_char(${column} AT TIME ZONE '${TIME_ZONE}', 'YYYY-MM-DD')`;

/**
 * A bot reply to a citizen's typed question (not the answer that follows a clarify pick, which
 * would count the same question twice). `b` is the reply, `q` the question.
 */
const botReplies = (joins = '') => `messages b JOIN messages q ON q.id = b.reply_to AND q.sender = 'citizen' AND q.kind = 'text' ${joins}
  WHERE b.sender = 'bot' AND b.kind IN ('answer', 'clarify', 'escalate', 'small_talk')
    AND b.created_at >= $1 AND b.created_at < $2`;

export interface DayCount {
  day: string;
  count: number;
}

export interface OutcomeRow {
  day: string;
  kind: 'answer' | 'clarify' | 'escalate' | 'small_talk';
  count: number;
}

export interface HelpfulRow {
  code: string;
  question: string | null;
  fieldName: string | null;
  answers: number;
  ratings: number;
  helpful: number;
}

export interface ClarifyRow {
  /** Codes offered, sorted. */
  offered: string[];
  /** The code picked, null when the citizen did not pick. */
  picked: string | null;
  count: number;
}

export interface WaitRow {
  /** null for all tickets together. */
  offline: boolean | null;
  tickets: number;
  assigned: number;
  waitMedian: number | null;
  waitP90: number | null;
  closed: number;
  handlingMedian: number | null;
  handlingP90: number | null;
}

export interface ResolutionRow {
  outcome: string;
  count: number;
}

export interface FieldRow {
  slug: string | null;
  name: string | null;
  count: number;
}

/** The most questions fed to clustering: beyond it the newest are kept (the page says so). */
export const MAX_CLUSTER_ITEMS = 5000;

export function createAnalyticsRepository(dataSource: DataSource) {
  const w = (window: Window) => [window.start, window.end];

  return {
    /** Citizens' typed questions per Vietnam day (days without questions are absent). */
    async questionsPerDay(window: Window): Promise<DayCount[]> {
      return dataSource.query(
        `SELECT ${day('created_at')} AS day, count(*) AS count
           FROM messages
          WHERE sender = 'citizen' AND kind = 'text' AND created_at >= $1 AND created_at < $2
          GROUP BY 1 ORDER BY 1`,
        w(window),
      );
    },

    /** The bot's first reply to each question, by day and kind. */
    async outcomesPerDay(window: Window): Promise<OutcomeRow[]> {
      return dataSource.query(`SELECT ${day('b.created_at')} AS day, b.kind, count(*) AS count FROM ${botReplies()} GROUP BY 1, 2 ORDER BY 1, 2`, w(window));
    },

    /**
     * Questions that needed a person or did not help, newest first, at most `limit`: questions the
     * bot escalated, questions behind a consultant request, and questions whose answer (directly
     * or after a clarify pick) was rated unhelpful. A request about a question the bot had already
     * escalated in the same conversation counts once, as a request. Texts erased for privacy
     * (blanked, see server/privacy) are left out; they still count in the per-day figures.
     */
    async questionsNeedingWork(window: Window, limit = MAX_CLUSTER_ITEMS): Promise<{ items: QuestionItem[]; truncated: boolean }> {
      const rows: { text: string; reason: QuestionItem['reason']; at: Date }[] = await dataSource.query(
        `WITH escalated AS (
           SELECT q.conversation_id, q.body AS text, q.created_at AS at
             FROM ${botReplies()} AND b.kind = 'escalate' AND q.body <> ''
         ), requested AS (
           SELECT e.conversation_id, e.question AS text, e.created_at AS at
             FROM escalations e
            WHERE e.created_at >= $1 AND e.created_at < $2 AND e.question <> ''
         ), unhelpful AS (
           SELECT CASE WHEN p.kind = 'text' THEN p.body ELSE q.body END AS text, f.created_at AS at
             FROM answer_feedback f
             JOIN messages a ON a.id = f.message_id
             JOIN messages p ON p.id = a.reply_to
             LEFT JOIN messages c ON p.kind = 'choice' AND c.id = p.reply_to
             LEFT JOIN messages q ON q.id = c.reply_to AND q.kind = 'text'
            WHERE NOT f.helpful AND f.created_at >= $1 AND f.created_at < $2
         )
         SELECT text, reason, at FROM (
           SELECT text, 'escalated' AS reason, at FROM escalated x
            WHERE NOT EXISTS (SELECT 1 FROM requested r WHERE r.conversation_id = x.conversation_id AND r.text = x.text)
           UNION ALL SELECT text, 'consultant_requested', at FROM requested
           UNION ALL SELECT text, 'unhelpful', at FROM unhelpful WHERE text <> ''
         ) everything
         ORDER BY at DESC
         LIMIT $3`,
        [window.start, window.end, limit + 1],
      );
      const truncated = rows.length > limit;
      return { items: rows.slice(0, limit).map((r) => ({ text: r.text, reason: r.reason, at: new Date(r.at) })), truncated };
    },

    /**
     * Per situation: answers shown in the window and ratings given in it. Ordered by ratings,
     * then answers; at most `limit` situations.
     */
    async helpfulBySituation(window: Window, limit = 1000): Promise<HelpfulRow[]> {
      return dataSource.query(
        `WITH shown AS (
           SELECT payload #>> '{situation,code}' AS code, count(*) AS answers
             FROM messages
            WHERE sender = 'bot' AND kind = 'answer' AND created_at >= $1 AND created_at < $2
            GROUP BY 1
         ), rated AS (
           SELECT situation_code AS code, count(*) AS ratings, count(*) FILTER (WHERE helpful) AS helpful
             FROM answer_feedback
            WHERE created_at >= $1 AND created_at < $2
            GROUP BY 1
         )
         SELECT k.code, s.question, f.name AS "fieldName",
                coalesce(shown.answers, 0) AS answers, coalesce(rated.ratings, 0) AS ratings, coalesce(rated.helpful, 0) AS helpful
           FROM (SELECT code FROM shown UNION SELECT code FROM rated) k
           LEFT JOIN shown ON shown.code = k.code
           LEFT JOIN rated ON rated.code = k.code
           LEFT JOIN situations s ON s.code = k.code
           LEFT JOIN legal_fields f ON f.id = s.field_id
          WHERE k.code IS NOT NULL
          ORDER BY ratings DESC, answers DESC, k.code
          LIMIT $3`,
        [window.start, window.end, limit],
      );
    },

    /** Clarify questions asked in the window: the options offered and what was picked. */
    async clarifyPicks(window: Window, limit = 2000): Promise<ClarifyRow[]> {
      return dataSource.query(
        `WITH asked AS (
           SELECT b.id, ARRAY(SELECT o->>'code' FROM jsonb_array_elements(b.payload->'options') o ORDER BY 1) AS offered
             FROM messages b
            WHERE b.sender = 'bot' AND b.kind = 'clarify' AND b.created_at >= $1 AND b.created_at < $2
         )
         SELECT asked.offered, p.situation_code AS picked, count(*) AS count
           FROM asked LEFT JOIN clarify_picks p ON p.message_id = asked.id
          GROUP BY 1, 2
          ORDER BY 3 DESC, 1, 2
          LIMIT $3`,
        [window.start, window.end, limit],
      );
    },

    /** Questions and fields of situation codes, for labelling. */
    async situationLabels(codes: string[]): Promise<Map<string, { question: string; fieldName: string }>> {
      if (codes.length === 0) return new Map();
      const rows: { code: string; question: string; fieldName: string }[] = await dataSource.query(
        `SELECT s.code, s.question, f.name AS "fieldName" FROM situations s JOIN legal_fields f ON f.id = s.field_id
          WHERE s.code = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`,
        [JSON.stringify(codes)],
      );
      return new Map(rows.map((r) => [r.code, { question: r.question, fieldName: r.fieldName }]));
    },

    /**
     * Tickets created in the window: queue wait (queued → assigned) and handling time
     * (assigned → closed), in minutes, median and 90th percentile, live and left-for-later apart
     * and together. `assigned_at` is the latest claim, so a ticket handed back to the queue counts
     * its whole wait.
     */
    async waitTimes(window: Window): Promise<WaitRow[]> {
      const rows: WaitRow[] = await dataSource.query(
        `WITH t AS (
           SELECT offline,
                  extract(epoch FROM assigned_at - queued_at) / 60 AS wait,
                  CASE WHEN status = 'closed' AND resolution <> 'cancelled' THEN extract(epoch FROM closed_at - assigned_at) / 60 END AS handling
             FROM escalations
            WHERE created_at >= $1 AND created_at < $2
         )
         SELECT offline, count(*) AS tickets, count(wait) AS assigned,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS "waitMedian",
                percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) AS "waitP90",
                count(handling) AS closed,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY handling) AS "handlingMedian",
                percentile_cont(0.9) WITHIN GROUP (ORDER BY handling) AS "handlingP90"
           FROM t
          GROUP BY ROLLUP (offline)
          ORDER BY offline NULLS LAST`,
        w(window),
      );
      const num = (v: unknown) => (v == null ? null : Number(v));
      return rows.map((r) => ({
        ...r,
        waitMedian: num(r.waitMedian),
        waitP90: num(r.waitP90),
        handlingMedian: num(r.handlingMedian),
        handlingP90: num(r.handlingP90),
      }));
    },

    /** Tickets created in the window by outcome: a resolution, or still queued/assigned. */
    async resolutions(window: Window): Promise<ResolutionRow[]> {
      return dataSource.query(
        `SELECT coalesce(resolution, status) AS outcome, count(*) AS count
           FROM escalations
          WHERE created_at >= $1 AND created_at < $2
          GROUP BY 1 ORDER BY 2 DESC, 1`,
        w(window),
      );
    },

    /**
     * Questions per legal field: the field of the situation answered, directly or after a clarify
     * pick; null (unknown) when the bot escalated or the citizen never picked. Small talk is left out.
     */
    async questionsPerField(window: Window): Promise<FieldRow[]> {
      return dataSource.query(
        `SELECT slug, name, count(*) AS count FROM (
           SELECT CASE b.kind WHEN 'answer' THEN b.payload #>> '{situation,field,slug}' ELSE pa.payload #>> '{situation,field,slug}' END AS slug,
                  CASE b.kind WHEN 'answer' THEN b.payload #>> '{situation,field,name}' ELSE pa.payload #>> '{situation,field,name}' END AS name
             FROM ${botReplies(`LEFT JOIN clarify_picks p ON b.kind = 'clarify' AND p.message_id = b.id
                                LEFT JOIN messages pa ON pa.id = p.answer_message_id AND pa.kind = 'answer'`)}
              AND b.kind <> 'small_talk'
         ) fields
         GROUP BY 1, 2
         ORDER BY 3 DESC, 2 NULLS LAST`,
        w(window),
      );
    },

    /** Actions and entity types of the latest 10,000 audit entries: suggestions for the viewer's filters. */
    async auditSuggestions(): Promise<{ actions: string[]; entityTypes: string[] }> {
      const rows: { kind: string; value: string }[] = await dataSource.query(
        `WITH recent AS (SELECT action, entity_type FROM audit_log ORDER BY id DESC LIMIT 10000)
         SELECT 'action' AS kind, action AS value FROM recent GROUP BY action
         UNION ALL
         SELECT 'entity_type', entity_type FROM recent GROUP BY entity_type
         ORDER BY 1, 2`,
      );
      return {
        actions: rows.filter((r) => r.kind === 'action').map((r) => r.value),
        entityTypes: rows.filter((r) => r.kind === 'entity_type').map((r) => r.value),
      };
    },
  };
}

export type AnalyticsRepository = ReturnType<typeof createAnalyticsRepository>;
