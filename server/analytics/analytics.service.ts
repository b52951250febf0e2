import type { AnalyticsRepository } from './analytics.repository.js';
import type { DateRange } from './analytics.range.js';
import { clusterQuestions, type QuestionCluster } from './question-clusters.js';

/** A share of a whole, 0..1, or null when the whole is empty. */
export type Rate = number | null;

const rate = (part: number, whole: number): Rate => (whole > 0 ? part / whole : null);

export interface OutcomeDay {
  day: string;
  answer: number;
  clarify: number;
  escalate: number;
  smallTalk: number;
  /** Legal questions the bot replied to: answer + clarify + escalate (small talk apart). */
  legal: number;
  answerRate: Rate;
  clarifyRate: Rate;
  escalateRate: Rate;
}

export interface HelpfulSituation {
  code: string;
  question: string;
  fieldName: string;
  answers: number;
  ratings: number;
  helpful: number;
  unhelpful: number;
  helpfulRate: Rate;
}

export interface ClarifySet {
  offered: { code: string; question: string }[];
  times: number;
  picks: { code: string; count: number }[];
  noPick: number;
}

export interface ClarifyOption {
  code: string;
  question: string;
  fieldName: string;
  offered: number;
  picked: number;
  pickRate: Rate;
}

export interface QueueFigures {
  mode: 'live' | 'offline' | 'all';
  tickets: number;
  assigned: number;
  waitMedian: number | null;
  waitP90: number | null;
  closed: number;
  handlingMedian: number | null;
  handlingP90: number | null;
}

/** Parts of the report that can be loaded alone. */
export type ReportSection = 'questions' | 'outcomes' | 'toWrite' | 'helpful' | 'clarify' | 'queue' | 'resolutions' | 'fields';

/** Everything the dashboard shows for one date range. */
export interface AnalyticsReport {
  range: { from: string; to: string; days: number };
  questionsPerDay: { day: string; questions: number }[];
  totals: { questions: number; legal: number; answer: number; clarify: number; escalate: number; smallTalk: number; answerRate: Rate; clarifyRate: Rate; escalateRate: Rate };
  outcomesPerDay: OutcomeDay[];
  toWrite: { clusters: QuestionCluster[]; questions: number; truncated: boolean };
  helpful: HelpfulSituation[];
  clarify: { asked: number; picked: number; pickRate: Rate; sets: ClarifySet[]; options: ClarifyOption[] };
  queue: QueueFigures[];
  resolutions: { outcome: string; count: number }[];
  fields: { slug: string | null; name: string | null; count: number; share: Rate }[];
}

/** Assembles the dashboard from the repository's aggregates. */
export function createAnalyticsService(deps: { repo: AnalyticsRepository }) {
  const { repo } = deps;

  return {
    /**
     * The report for a range. With `only`, the other sections are left empty and their queries
     * are not run (a CSV export needs one table).
     */
    async report(range: DateRange, only?: readonly ReportSection[]): Promise<AnalyticsReport> {
      const want = <T>(section: ReportSection, load: () => Promise<T>, empty: T): Promise<T> =>
        !only || only.includes(section) ? load() : Promise.resolve(empty);
      const [questions, outcomes, needingWork, helpful, clarifyRows, waits, resolutions, fields] = await Promise.all([
        want('questions', () => repo.questionsPerDay(range), []),
        want('outcomes', () => repo.outcomesPerDay(range), []),
        want('toWrite', () => repo.questionsNeedingWork(range), { items: [], truncated: false }),
        want('helpful', () => repo.helpfulBySituation(range), []),
        want('clarify', () => repo.clarifyPicks(range), []),
        want('queue', () => repo.waitTimes(range), []),
        want('resolutions', () => repo.resolutions(range), []),
        want('fields', () => repo.questionsPerField(range), []),
      ]);

      const questionsByDay = new Map(questions.map((r) => [r.day, Number(r.count)]));
      const questionsPerDay = range.days.map((day) => ({ day, questions: questionsByDay.get(day) ?? 0 }));

      const outcomeByDay = new Map<string, Record<string, number>>();
      for (const r of outcomes) {
        const entry = outcomeByDay.get(r.day) ?? {};
        entry[r.kind] = Number(r.count);
        outcomeByDay.set(r.day, entry);
      }
      const outcomesPerDay: OutcomeDay[] = range.days.map((day) => outcomeDay(day, outcomeByDay.get(day) ?? {}));
      const sum = (key: 'answer' | 'clarify' | 'escalate' | 'smallTalk') => outcomesPerDay.reduce((n, d) => n + d[key], 0);
      const totalsOutcome = outcomeDay('', { answer: sum('answer'), clarify: sum('clarify'), escalate: sum('escalate'), small_talk: sum('smallTalk') });

      const codes = new Set<string>();
      for (const row of clarifyRows) for (const code of row.offered) codes.add(code);
      const labels = await repo.situationLabels([...codes]);
      const label = (code: string) => labels.get(code) ?? { question: '', fieldName: '' };

      const fieldTotal = fields.reduce((n, r) => n + Number(r.count), 0);
      return {
        range: { from: range.from, to: range.to, days: range.days.length },
        questionsPerDay,
        totals: {
          questions: questionsPerDay.reduce((n, d) => n + d.questions, 0),
          legal: totalsOutcome.legal,
          answer: totalsOutcome.answer,
          clarify: totalsOutcome.clarify,
          escalate: totalsOutcome.escalate,
          smallTalk: totalsOutcome.smallTalk,
          answerRate: totalsOutcome.answerRate,
          clarifyRate: totalsOutcome.clarifyRate,
          escalateRate: totalsOutcome.escalateRate,
        },
        outcomesPerDay,
        toWrite: { clusters: clusterQuestions(needingWork.items), questions: needingWork.items.length, truncated: needingWork.truncated },
        helpful: helpful.map((r) => {
          const ratings = Number(r.ratings);
          const good = Number(r.helpful);
          return {
            code: r.code,
            question: r.question ?? '',
            fieldName: r.fieldName ?? '',
            answers: Number(r.answers),
            ratings,
            helpful: good,
            unhelpful: ratings - good,
            helpfulRate: rate(good, ratings),
          };
        }),
        clarify: summariseClarify(clarifyRows, label),
        queue: waits.map((r) => ({
          mode: r.offline === null ? 'all' : r.offline ? 'offline' : 'live',
          tickets: Number(r.tickets),
          assigned: Number(r.assigned),
          waitMedian: r.waitMedian,
          waitP90: r.waitP90,
          closed: Number(r.closed),
          handlingMedian: r.handlingMedian,
          handlingP90: r.handlingP90,
        })),
        resolutions: resolutions.map((r) => ({ outcome: r.outcome, count: Number(r.count) })),
        fields: fields.map((r) => ({ slug: r.slug, name: r.name, count: Number(r.count), share: rate(Number(r.count), fieldTotal) })),
      };
    },
  };
}

function outcomeDay(day: string, counts: Record<string, number>): OutcomeDay {
  const answer = counts.answer ?? 0;
  const clarify = counts.clarify ?? 0;
  const escalate = counts.escalate ?? 0;
  const legal = answer + clarify + escalate;
  return {
    day,
    answer,
    clarify,
    escalate,
    smallTalk: counts.small_talk ?? 0,
    legal,
    answerRate: rate(answer, legal),
    clarifyRate: rate(clarify, legal),
    escalateRate: rate(escalate, legal),
  };
}

/** Per set of options offered together, and per option: how often offered and picked. */
function summariseClarify(
  rows: { offered: string[]; picked: string | null; count: number }[],
  label: (code: string) => { question: string; fieldName: string },
): AnalyticsReport['clarify'] {
  const sets = new Map<string, ClarifySet>();
  const options = new Map<string, { offered: number; picked: number }>();
  let asked = 0;
  let picked = 0;
  for (const row of rows) {
    const count = Number(row.count);
    const key = row.offered.join('\u0000');
    let set = sets.get(key);
    if (!set) {
      set = { offered: row.offered.map((code) => ({ code, question: label(code).question })), times: 0, picks: [], noPick: 0 };
      sets.set(key, set);
    }
    set.times += count;
    asked += count;
    if (row.picked) {
      set.picks.push({ code: row.picked, count });
      picked += count;
    } else set.noPick += count;
    for (const code of row.offered) {
      const option = options.get(code) ?? { offered: 0, picked: 0 };
      option.offered += count;
      if (row.picked === code) option.picked += count;
      options.set(code, option);
    }
  }
  for (const set of sets.values()) set.picks.sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
  return {
    asked,
    picked,
    pickRate: rate(picked, asked),
    sets: [...sets.values()].sort((a, b) => b.times - a.times),
    options: [...options]
      .map(([code, o]) => ({ code, ...label(code), offered: o.offered, picked: o.picked, pickRate: rate(o.picked, o.offered) }))
      .sort((a, b) => b.offered - a.offered || (a.code < b.code ? -1 : 1)),
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
