/**
 * Question matching benchmark: accuracy per kind of question, the decision's precision, latency,
 * index build time and heap at growing sizes, and a calibration table of the thresholds.
 *
 *   npx tsx bench/match.bench.ts [--kb path.jsonl|dir] [--eval path.jsonl] [--sizes 1500,10000,50000] [--quick]
 *
 * Defaults: the bundled knowledge base (knowledge-base/situations) and test/fixtures/match-dev.jsonl;
 * without that file, an interim evaluation generated from the knowledge base (bench/match.kb.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import MiniSearch from 'minisearch';
import { pgFtsRankings } from './fts-reference.js';
import { createMatcher, DEFAULT_THRESHOLDS, normalizeText, type DecisionThresholds, type MatchableSituation, type Matcher } from '../server/matching/index.js';
import { decide } from '../server/matching/decision.js';
import { grow, interimEvaluation, loadEvaluation, loadKnowledgeBase, type EvalItem, type EvalKind } from './match.kb.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = new URL('..', import.meta.url).pathname;
const kbPath = option('kb') ?? `${root}knowledge-base/situations`;
const evalPath = option('eval') ?? `${root}test/fixtures/match-dev.jsonl`;
const quick = args.includes('--quick');
const sizes = (option('sizes') ?? (quick ? '1500' : '1500,10000,50000')).split(',').map(Number);
/** Experiments: --options '{"scoring":{"answerCredit":0.5},"answerHead":600}' (MatcherOptions without the dictionary). */
const matcherOptions = JSON.parse(option('options') ?? '{}') as Record<string, unknown>;
const dictionary = JSON.parse(readFileSync(`${root}knowledge-base/dictionary.json`, 'utf8'));

const kb = loadKnowledgeBase(kbPath, `${root}knowledge-base/fields.json`);
if (kb.length === 0) {
  console.log(`No situations in ${kbPath}. Try: npx tsx bench/match.bench.ts --kb /work/shared/datasets/alqac-kb/kb.jsonl`);
  process.exit(0);
}
const evalItems: EvalItem[] = existsSync(evalPath) && !option('kb') ? loadEvaluation(evalPath) : option('eval') ? loadEvaluation(evalPath) : interimEvaluation(kb);
const evalSource = existsSync(evalPath) && (option('eval') || !option('kb')) ? evalPath : 'interim (generated from the knowledge base, bench/match.kb.ts)';

/** Codes with the same normalised question count as one (exact duplicates in a knowledge base). */
const sameAs = new Map<string, string>();
{
  const byText = new Map<string, string>();
  for (const s of kb) {
    const key = normalizeText(s.question);
    sameAs.set(s.code, byText.get(key) ?? s.code);
    if (!byText.has(key)) byText.set(key, s.code);
  }
}
const same = (a: string | undefined, b: string) => a !== undefined && (sameAs.get(a) ?? a) === (sameAs.get(b) ?? b);

interface Outcome {
  item: EvalItem;
  ranked: string[];
  scores: number[];
  /** Field slugs of the ranked candidates. */
  fields: string[];
  decision: 'answer' | 'clarify' | 'escalate';
  choices: string[];
  ms: number;
}

/** Runs one evaluation item, holding out an alternate when asked to. */
function withHoldout<T>(item: EvalItem, kbByCode: Map<string, MatchableSituation>, put: (s: MatchableSituation) => void, run: () => T): T {
  if (!item.holdout) return run();
  const original = kbByCode.get(item.holdout.code)!;
  put({ ...original, alternates: original.alternates.filter((_, i) => i !== item.holdout!.alternate) });
  try {
    return run();
  } finally {
    put(original);
  }
}

function runMatcher(matcher: Matcher, items: readonly EvalItem[], kbByCode: Map<string, MatchableSituation>): Outcome[] {
  return items.map((item) =>
    withHoldout(item, kbByCode, (s) => matcher.upsert(s), () => {
      const result = matcher.match(item.q);
      const explained = matcher.explain(item.q, { limit: 10 });
      return {
        item,
        ranked: explained.ranked.map((c) => c.code),
        scores: explained.smallTalk ? [] : explained.ranked.map((c) => c.score),
        fields: explained.ranked.map((c) => c.fieldSlug),
        decision: result.decision,
        choices: result.candidates.map((c) => c.code),
        ms: 0,
      };
    }),
  );
}

function baselineIndex(situations: readonly MatchableSituation[]): MiniSearch<MatchableSituation> {
  const index = new MiniSearch<MatchableSituation>({
    idField: 'code',
    fields: ['question', 'alternates', 'answer', 'tags'],
    extractField: (doc, field) => {
      const value = (doc as unknown as Record<string, unknown>)[field];
      return Array.isArray(value) ? value.join(' ') : value;
    },
  });
  index.addAll(situations);
  return index;
}

function runBaseline(items: readonly EvalItem[], kbByCode: Map<string, MatchableSituation>): Outcome[] {
  const index = baselineIndex([...kbByCode.values()]);
  const put = (s: MatchableSituation) => {
    if (index.has(s.code)) index.discard(s.code);
    index.add(s);
  };
  return items.map((item) =>
    withHoldout(item, kbByCode, put, () => {
      const t0 = performance.now();
      const hits = index.search(item.q);
      const ms = performance.now() - t0;
      const ranked = hits.slice(0, 10).map((h) => h.id as string);
      return { item, ranked, scores: [], fields: [], decision: ranked.length > 0 ? 'answer' : 'escalate', choices: ranked.slice(0, 1), ms } as Outcome;
    }),
  );
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1).padStart(5) : '    -');
const KINDS: EvalKind[] = ['paraphrase', 'no_diacritics', 'abbrev_typo', 'out_of_scope'];

function report(title: string, outcomes: readonly Outcome[]): void {
  console.log(`\n${title}`);
  console.log('kind            n   top1  rec@3    MRR answer  prec. clarify c-hit  escal. declined');
  const rows = [...KINDS.map((k) => [k, outcomes.filter((o) => o.item.kind === k)] as const), ['all in-scope', outcomes.filter((o) => o.item.kind !== 'out_of_scope')] as const];
  for (const [kind, list] of rows) {
    if (list.length === 0) continue;
    const n = list.length;
    const rank = (o: Outcome) => o.ranked.slice(0, 5).findIndex((c) => same(c, o.item.expect));
    const answered = list.filter((o) => o.decision === 'answer');
    const clarified = list.filter((o) => o.decision === 'clarify');
    const escalated = list.filter((o) => o.decision === 'escalate');
    const oos = kind === 'out_of_scope';
    const line = [
      kind.padEnd(13),
      String(n).padStart(4),
      oos ? '    -' : pct(list.filter((o) => rank(o) === 0).length / n),
      oos ? '    -' : pct(list.filter((o) => rank(o) >= 0 && rank(o) < 3).length / n),
      oos ? '    -' : pct(list.reduce((s, o) => s + (rank(o) >= 0 ? 1 / (rank(o) + 1) : 0), 0) / n),
      pct(answered.length / n),
      oos ? '    -' : pct(answered.filter((o) => same(o.choices[0], o.item.expect)).length / answered.length),
      pct(clarified.length / n),
      oos ? '    -' : pct(clarified.filter((o) => o.choices.some((c) => same(c, o.item.expect))).length / clarified.length),
      pct(escalated.length / n),
      oos ? pct(escalated.length / n) : '    -',
    ];
    console.log(line.join('  '));
  }
  const answered = outcomes.filter((o) => o.decision === 'answer');
  const right = answered.filter((o) => o.item.expect !== 'escalate' && same(o.choices[0], o.item.expect));
  console.log(`answer precision over everything answered (out-of-scope answers count as wrong): ${pct(right.length / answered.length)}% of ${answered.length}`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Times `match` alone, over every question twice (the first round warms up), with no index change in between. */
function timeMatcher(matcher: Matcher, items: readonly EvalItem[]): number[] {
  for (const item of items) matcher.match(item.q);
  return items.map((item) => {
    const t0 = performance.now();
    matcher.match(item.q);
    return performance.now() - t0;
  });
}

/**
 * What garbage collection adds to the timed questions: how many met a young-generation collection
 * (a scavenge), its pauses, and the p99 of the questions that met none.
 */
async function gcShare(matcher: Matcher, items: readonly EvalItem[]): Promise<string> {
  const pauses: Array<{ start: number; end: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
      if (e.detail?.kind === 1) pauses.push({ start: e.startTime, end: e.startTime + e.duration });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  for (const item of items) matcher.match(item.q);
  const spans = items.map((item) => {
    const start = performance.now();
    matcher.match(item.q);
    return { start, end: performance.now() };
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  const met = spans.filter((q) => pauses.some((p) => p.start < q.end && p.end > q.start));
  const clean = spans.filter((q) => !met.includes(q)).map((q) => q.end - q.start);
  const pause = pauses.map((p) => p.end - p.start);
  return `${met.length} of ${spans.length} questions met a young-generation collection (pause p50 ${percentile(pause, 50).toFixed(2)} ms); p99 of the others ${percentile(clean, 99).toFixed(2)} ms`;
}

function latency(label: string, times: readonly number[]): void {
  const ms = [...times];
  console.log(`${label}: p50 ${percentile(ms, 50).toFixed(2)} ms, p99 ${percentile(ms, 99).toFixed(2)} ms, max ${Math.max(...ms).toFixed(2)} ms over ${ms.length} questions`);
}

function calibration(outcomes: readonly Outcome[]): void {
  console.log('\nCalibration (answer threshold × margin; clarify thresholds at their defaults)');
  console.log('answer margin  precision  answered(in-scope)  right-answered  oos-declined  in-scope-escalated');
  const inScope = outcomes.filter((o) => o.item.kind !== 'out_of_scope');
  const oos = outcomes.filter((o) => o.item.kind === 'out_of_scope');
  for (const answer of [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]) {
    for (const margin of [0.03, 0.05, 0.08, 0.12]) {
      const t: DecisionThresholds = { ...DEFAULT_THRESHOLDS, answer, margin };
      let answered = 0;
      let right = 0;
      let declined = 0;
      let escalatedInScope = 0;
      for (const o of outcomes) {
        const d = decide(o.scores, t, o.fields);
        if (d.decision === 'answer') {
          answered++;
          if (o.item.expect !== 'escalate' && same(o.ranked[0], o.item.expect)) right++;
        }
        if (o.item.kind === 'out_of_scope' && d.decision === 'escalate') declined++;
        if (o.item.kind !== 'out_of_scope' && d.decision === 'escalate') escalatedInScope++;
      }
      const answeredInScope = inScope.filter((o) => decide(o.scores, t, o.fields).decision === 'answer').length;
      console.log(
        [answer.toFixed(2).padStart(6), margin.toFixed(2).padStart(6), pct(right / answered).padStart(10), pct(answeredInScope / inScope.length).padStart(19), pct(right / inScope.length).padStart(15), pct(declined / oos.length).padStart(13), pct(escalatedInScope / inScope.length).padStart(19)].join(' '),
      );
    }
  }
  console.log('\nClarify threshold (answer and margin at their defaults)');
  console.log('clarify same-field  oos-declined  in-scope-escalated  expected-among-choices(when clarifying)');
  for (const [clarify, sameFieldClarify] of [0.3, 0.35, 0.4, 0.45, 0.5].flatMap((c) => [[c, 1], [c, Math.min(c, 0.4)], [c, Math.min(c, 0.35)]])) {
    const t: DecisionThresholds = { ...DEFAULT_THRESHOLDS, clarify: clarify!, sameFieldClarify: sameFieldClarify! };
    const declined = oos.filter((o) => decide(o.scores, t, o.fields).decision === 'escalate').length;
    const escalated = inScope.filter((o) => decide(o.scores, t, o.fields).decision === 'escalate').length;
    const clarifying = inScope.map((o) => ({ o, d: decide(o.scores, t, o.fields) })).filter((x) => x.d.decision === 'clarify');
    const hit = clarifying.filter((x) => x.d.decision === 'clarify' && x.o.ranked.slice(0, x.d.choices).some((c) => same(c, x.o.item.expect))).length;
    console.log([clarify!.toFixed(2).padStart(7), (sameFieldClarify! >= 1 ? '-' : sameFieldClarify!.toFixed(2)).padStart(10), pct(declined / oos.length).padStart(13), pct(escalated / inScope.length).padStart(19), pct(hit / clarifying.length).padStart(20)].join(' '));
  }
}

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function scale(items: readonly EvalItem[]): Promise<void> {
  console.log('\nScale (synthetic situations recombined from halves of real questions: adversarial near-duplicates; same questions asked)');
  console.log('situations  build ms  heap MB  index terms  p50 ms  p99 ms  top1(in-scope)');
  const questions = items.filter((i) => !i.holdout);
  const gcLines: string[] = [];
  for (const size of sizes) {
    const situations = grow(kb, size);
    const before = heapMb();
    const matcher = createMatcher({ ...matcherOptions, dictionary });
    const t0 = performance.now();
    matcher.build(situations);
    const buildMs = performance.now() - t0;
    const heap = heapMb() - before;
    const times = timeMatcher(matcher, questions);
    let right = 0;
    let inScope = 0;
    for (const item of questions) {
      if (item.kind === 'out_of_scope') continue;
      inScope++;
      if (same(matcher.match(item.q).candidates[0]?.code, item.expect)) right++;
    }
    console.log(
      [String(size).padStart(10), buildMs.toFixed(0).padStart(9), heap.toFixed(0).padStart(8), String(matcher.stats().indexTerms).padStart(12), percentile(times, 50).toFixed(2).padStart(7), percentile(times, 99).toFixed(2).padStart(7), pct(right / inScope).padStart(15)].join(' '),
    );
    gcLines.push(`${String(size).padStart(10)}: ${await gcShare(matcher, questions)}`);
  }
  console.log('Garbage collection in the timing (a second timed pass, each size):');
  for (const line of gcLines) console.log(line);
}

const kbByCode = new Map(kb.map((s) => [s.code, s]));
console.log(`Knowledge base: ${kbPath} (${kb.length} situations)`);
console.log(`Evaluation: ${evalSource} (${evalItems.length} questions: ${KINDS.map((k) => `${k} ${evalItems.filter((i) => i.kind === k).length}`).join(', ')})`);

const matcher = createMatcher({ ...matcherOptions, dictionary });
const t0 = performance.now();
matcher.build(kb);
console.log(`Build: ${(performance.now() - t0).toFixed(0)} ms; ${JSON.stringify(matcher.stats())}`);
runMatcher(matcher, evalItems.slice(0, 30), kbByCode);
const ours = runMatcher(matcher, evalItems, kbByCode);
report('Hỏi Luật matcher', ours);
latency('Latency (this knowledge base)', timeMatcher(matcher, evalItems));
const baseline = runBaseline(evalItems, kbByCode);
report('Reference: MiniSearch with default options (answers whenever anything matches)', baseline);
latency('Reference latency', baseline.map((o) => o.ms));
await ftsReference();
heldOut();
calibration(ours);
if (args.includes('--misses')) {
  console.log('\nMisses (wrong answers first, then in-scope questions not ranked first)');
  const miss = ours.filter((o) => (o.decision === 'answer' && !same(o.choices[0], o.item.expect)) || (o.item.kind !== 'out_of_scope' && !same(o.ranked[0], o.item.expect)));
  for (const o of miss.sort((a, b) => Number(b.decision === 'answer') - Number(a.decision === 'answer'))) {
    console.log(`${o.decision.padEnd(8)} ${o.item.kind.padEnd(13)} expect ${o.item.expect.padEnd(11)} got ${(o.ranked[0] ?? '-').padEnd(11)} ${o.scores.slice(0, 3).map((s) => s.toFixed(2)).join('/')}  ${o.item.q}`);
  }
}
await scale(evalItems);
console.log(`\nReproduce: npm run bench:match -- ${args.join(' ')}`.trimEnd());

/**
 * The held-out set (test/fixtures/match-holdout.jsonl, written blind to the matcher and to the
 * development set), on the bundled knowledge base only. Even lines (0, 2, …) are the validation
 * half: read to choose between variants of the matcher. Odd lines are the test half: never read
 * for any choice, only reported here.
 */
function heldOut(): void {
  const path = `${root}test/fixtures/match-holdout.jsonl`;
  if (option('kb') || option('eval') || !existsSync(path)) return;
  const all = loadEvaluation(path);
  for (const [name, items] of [
    ['validation half (even lines)', all.filter((_, i) => i % 2 === 0)],
    ['test half (odd lines, never used to choose)', all.filter((_, i) => i % 2 === 1)],
  ] as const) {
    report(`Held-out set, ${name}: Hỏi Luật matcher`, runMatcher(matcher, items, kbByCode));
    report(`Held-out set, ${name}: MiniSearch with default options`, runBaseline(items, kbByCode));
  }
}

/**
 * PostgreSQL full-text search (`simple` + unaccent) as a second reference, on the PostgreSQL of
 * BENCH_DATABASE_URL (default: the local server's `test` database); skipped when unreachable.
 * Held-out alternates are not removed for it, which can only flatter it.
 */
async function ftsReference(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  let rankings: { ranked: string[]; ms: number }[];
  try {
    rankings = await pgFtsRankings(url, kb, evalItems.map((i) => i.q));
  } catch (error) {
    console.log(`\nReference: PostgreSQL full-text search skipped (${(error as Error).message})`);
    return;
  }
  const outcomes = evalItems.map((item, i) => {
    const { ranked, ms } = rankings[i]!;
    return { item, ranked, scores: [], decision: ranked.length > 0 ? 'answer' : 'escalate', choices: ranked.slice(0, 1), ms } as unknown as Outcome;
  });
  report("Reference: PostgreSQL full-text search, 'simple' + unaccent (answers whenever anything matches)", outcomes);
  latency('Reference latency (round trip to PostgreSQL)', outcomes.map((o) => o.ms));
}
