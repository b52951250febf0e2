/**
 * Knowledge base and evaluation set loading for bench/match.bench.ts, and the interim evaluation
 * generated from a knowledge base until test/fixtures/match-dev.jsonl exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MatchableSituation } from '../server/matching/index.js';
import { ALQAC_PARAPHRASES, ALQAC_UNCOVERED, OUT_OF_SCOPE } from './match.interim.js';

export type EvalKind = 'paraphrase' | 'no_diacritics' | 'abbrev_typo' | 'out_of_scope';

export interface EvalItem {
  q: string;
  /** A situation code, or "escalate". */
  expect: string;
  kind: EvalKind;
  /** Alternate hold-out: index the situation without this alternate while asking it. */
  holdout?: { code: string; alternate: number };
}

/** Deterministic pseudo-random numbers (mulberry32), so that every run asks the same questions. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample<T>(items: readonly T[], n: number, rnd: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

const foldAll = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
const slug = (s: string) => foldAll(s).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

interface FieldRecord {
  slug: string;
  name: string;
}

function readJsonl(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Loads situations from one JSONL file or from every *.jsonl of a directory; drafts and archived ones are skipped. */
export function loadKnowledgeBase(path: string, fieldsPath: string): MatchableSituation[] {
  const fields: FieldRecord[] = existsSync(fieldsPath) ? (JSON.parse(readFileSync(fieldsPath, 'utf8')) as FieldRecord[]) : [];
  const bySlug = new Map(fields.map((f) => [f.slug, f.name]));
  const files = path.endsWith('.jsonl') ? [path] : existsSync(path) ? readdirSync(path).filter((f) => f.endsWith('.jsonl')).map((f) => join(path, f)) : [];
  const out: MatchableSituation[] = [];
  for (const file of files.sort()) {
    for (const r of readJsonl(file)) {
      if (r.status === 'draft' || r.status === 'archived') continue;
      const field = String(r.field ?? '');
      const known = bySlug.get(field);
      out.push({
        code: String(r.code),
        fieldSlug: known ? field : slug(field),
        fieldName: known ?? field,
        question: String(r.question ?? ''),
        alternates: Array.isArray(r.alternates) ? r.alternates.map(String) : [],
        answer: String(r.answer ?? ''),
        tags: Array.isArray(r.tags) ? r.tags.map(String) : [],
      });
    }
  }
  return out;
}

/** Loads a commissioned evaluation set ({"q","expect","kind"} per line). */
export function loadEvaluation(path: string): EvalItem[] {
  return readJsonl(path).map((r) => ({ q: String(r.q), expect: String(r.expect), kind: r.kind as EvalKind }));
}

const SHORTHAND: Array<[RegExp, string[]]> = [
  [/\bkhông\b/g, ['ko', 'k', 'hok']],
  [/\bđược\b/g, ['dc', 'đc']],
  [/\bngười\b/g, ['ng']],
  [/\bgì\b/g, ['j']],
  [/\bbao nhiêu\b/g, ['bn']],
  [/\bvới\b/g, ['vs']],
  [/\bvợ\b/g, ['vk']],
  [/\bchồng\b/g, ['ck']],
  [/\btrước\b/g, ['trc']],
  [/\bnhư thế nào\b/g, ['ntn']],
];
const ABBREVIATIONS: Array<[RegExp, string]> = [
  [/bảo hiểm xã hội/gi, 'bhxh'],
  [/bảo hiểm y tế/gi, 'bhyt'],
  [/hợp đồng lao động/gi, 'hđlđ'],
  [/người lao động/gi, 'nlđ'],
  [/người sử dụng lao động/gi, 'nsdlđ'],
  [/ủy ban nhân dân/gi, 'ubnd'],
  [/trách nhiệm hình sự/gi, 'tnhs'],
  [/bộ luật hình sự/gi, 'blhs'],
  [/bộ luật dân sự/gi, 'blds'],
  [/quyền sử dụng đất/gi, 'qsdđ'],
  [/giấy chứng nhận/gi, 'gcn'],
  [/doanh nghiệp/gi, 'dn'],
];
const TELEX: Record<string, string> = { â: 'aa', ê: 'ee', ô: 'oo', ă: 'aw', ơ: 'ow', ư: 'uw', đ: 'dd' };
const TELEX_TONE: Record<string, string> = { '\u0301': 's', '\u0300': 'f', '\u0309': 'r', '\u0303': 'x', '\u0323': 'j' };
const NEIGHBOURS = 'qwertyuiop asdfghjkl zxcvbnm';

function telexWord(word: string): string {
  let tone = '';
  let body = '';
  for (const ch of word.normalize('NFD')) {
    if (TELEX_TONE[ch]) tone = TELEX_TONE[ch]!;
    else body += ch;
  }
  body = body.normalize('NFC').replace(/[âêôăơưđ]/g, (c) => TELEX[c]!);
  return foldAll(body) + tone;
}

function typo(word: string, rnd: () => number): string {
  const chars = [...word];
  const i = 1 + Math.floor(rnd() * (chars.length - 1));
  switch (Math.floor(rnd() * 5)) {
    case 0:
      chars.splice(i, 1);
      break;
    case 1:
      if (i + 1 < chars.length) [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
      else chars.splice(i, 1);
      break;
    case 2:
      chars.splice(i, 0, chars[i]!);
      break;
    case 3: {
      const row = NEIGHBOURS.split(' ').find((r) => r.includes(foldAll(chars[i]!)));
      if (row) {
        const k = row.indexOf(foldAll(chars[i]!));
        chars[i] = row[k + 1] ?? row[k - 1]!;
      } else chars.splice(i, 1);
      break;
    }
    default:
      return telexWord(word);
  }
  return chars.join('');
}

/** A question as a hurried citizen types it: chat shorthand, abbreviations, one or two typos. */
export function roughen(question: string, rnd: () => number): string {
  let q = question.toLowerCase().replace(/[?.]+$/, '');
  for (const [pattern, short] of ABBREVIATIONS) if (rnd() < 0.8) q = q.replace(pattern, short);
  for (const [pattern, options] of SHORTHAND) q = q.replace(pattern, (m) => (rnd() < 0.7 ? options[Math.floor(rnd() * options.length)]! : m));
  const words = q.split(' ');
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => [...w].length >= 4 && /^\p{L}+$/u.test(w));
  for (const [w, i] of sample(long, 1 + Math.floor(rnd() * 2), rnd)) words[i] = typo(w, rnd);
  q = words.join(' ');
  return rnd() < 0.4 ? foldAll(q) : q;
}

/**
 * The interim evaluation: hand-written paraphrases (ALQAC), alternates held out (any knowledge base
 * with alternates), questions without diacritics, roughened questions, out-of-scope messages.
 */
export function interimEvaluation(kb: readonly MatchableSituation[], perKind = 200): EvalItem[] {
  const codes = new Set(kb.map((s) => s.code));
  const items: EvalItem[] = [];
  for (const [code, q] of ALQAC_PARAPHRASES) if (codes.has(code)) items.push({ q, expect: code, kind: 'paraphrase' });
  const withAlternates = kb.flatMap((s) => s.alternates.map((_, i) => ({ s, i })));
  for (const { s, i } of sample(withAlternates, perKind, random(7))) {
    items.push({ q: s.alternates[i]!, expect: s.code, kind: 'paraphrase', holdout: { code: s.code, alternate: i } });
  }
  for (const s of sample(kb, perKind, random(11))) items.push({ q: foldAll(s.question).toLowerCase(), expect: s.code, kind: 'no_diacritics' });
  const rnd = random(13);
  for (const s of sample(kb, perKind, random(17))) items.push({ q: roughen(s.question, rnd), expect: s.code, kind: 'abbrev_typo' });
  const isAlqac = kb.some((s) => s.code.startsWith('ALQAC-'));
  for (const q of [...OUT_OF_SCOPE, ...(isAlqac ? ALQAC_UNCOVERED : [])]) items.push({ q, expect: 'escalate', kind: 'out_of_scope' });
  return items;
}

/**
 * Grows a knowledge base to `size` situations by recombining real ones: the first half of one
 * question with the second half of another, the answer of a third. Realistic vocabulary and
 * lengths, so index size and query cost behave as they would.
 */
export function grow(kb: readonly MatchableSituation[], size: number, seed = 23): MatchableSituation[] {
  const rnd = random(seed);
  const out = [...kb];
  const pick = () => kb[Math.floor(rnd() * kb.length)]!;
  for (let i = out.length; i < size; i++) {
    const a = pick().question.split(' ');
    const b = pick().question.split(' ');
    const c = pick();
    const question = [...a.slice(0, Math.ceil(a.length / 2)), ...b.slice(Math.floor(b.length / 2))].join(' ');
    out.push({ code: `SYN-${i}`, fieldSlug: c.fieldSlug, fieldName: c.fieldName, question, alternates: [], answer: c.answer, tags: c.tags });
  }
  return out;
}
