import { fold } from '../matching/syllable.js';
import { BREAK, stripBoilerplate, tokenize } from '../matching/normalize.js';

/**
 * Groups near-identical citizen questions so that "làm lại sổ đỏ bị mất" and "lam lai so do bi
 * mat a" count as one situation to write. Pure: no database.
 *
 * 1. Each question goes through the matcher's own normalisation (canonical syllables, question
 *    boilerplate and final particles dropped), then loses its diacritics: with and without
 *    accents, a question reads the same here.
 * 2. Questions whose folded text is identical share a key (a hash map: linear).
 * 3. Keys are clustered greedily, most frequent first, by Jaccard similarity of their syllable
 *    bigrams against each cluster's leader. Comparing with the leader only (not every member)
 *    keeps a chain of small edits from gluing unrelated questions together.
 *
 * Candidates come from an inverted index with the prefix filter of all-pairs similarity joins
 * (Bayardo et al., 2007): with each key's bigrams ordered rarest first, two sets whose Jaccard
 * similarity reaches t must share one of their first |x| − ⌈t·|x|⌉ + 1 bigrams. Only those
 * prefixes are indexed and probed, so common bigrams ("thủ tục", "đất đai") rarely bring
 * candidates, and the work stays near n log n for real questions instead of n², with exactly the
 * same result as comparing every pair.
 */

/** One question to group, with why it needs attention. */
export interface QuestionItem {
  text: string;
  /** Why it is listed: the bot escalated, the citizen asked for a consultant, or rated the answer unhelpful. */
  reason: 'escalated' | 'consultant_requested' | 'unhelpful';
  at: Date;
}

/** A group of near-identical questions. */
export interface QuestionCluster {
  /** The most frequent wording in the group (the latest one on a tie). */
  representative: string;
  /** Questions in the group. */
  count: number;
  escalated: number;
  consultantRequested: number;
  unhelpful: number;
  /** Distinct wordings grouped here (as typed, spaces tidied). */
  variants: number;
  /** Up to three other wordings, for the curator to see what was merged. */
  examples: string[];
  lastAskedAt: Date;
}

export interface ClusterOptions {
  /** Jaccard similarity of syllable bigrams at or above which two wordings are the same question. */
  threshold?: number;
}

/** Default similarity threshold: paraphrases with a word or two added or dropped stay together. */
export const DEFAULT_CLUSTER_THRESHOLD = 0.5;

/** The folded, boilerplate-free syllables of a question. */
export function questionKey(text: string): string {
  const tokens = stripBoilerplate(tokenize(text)).filter((t) => t !== BREAK);
  // A question that is only boilerplate ("cho em hỏi ạ") keeps its raw syllables rather than vanish.
  const kept = tokens.length > 0 ? tokens : tokenize(text).filter((t) => t !== BREAK);
  return kept.map(fold).join(' ');
}

/** Syllable bigrams of a key (the lone syllable for a one-word question). */
export function bigrams(key: string): Set<string> {
  const words = key.split(' ').filter(Boolean);
  if (words.length < 2) return new Set(words);
  const out = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return out;
}

/** |a ∩ b| / |a ∪ b|; 0 for two empty sets. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const x of small) if (large.has(x)) shared += 1;
  return shared / (a.size + b.size - shared);
}

interface KeyGroup {
  key: string;
  grams: Set<string>;
  items: QuestionItem[];
  /** Raw wordings and how often each was typed. */
  wordings: Map<string, { n: number; at: number }>;
}

interface Working {
  leader: KeyGroup;
  members: KeyGroup[];
}

/** Groups questions; clusters come back largest first (then most recent). */
export function clusterQuestions(items: readonly QuestionItem[], options: ClusterOptions = {}): QuestionCluster[] {
  const threshold = options.threshold ?? DEFAULT_CLUSTER_THRESHOLD;

  const byKey = new Map<string, KeyGroup>();
  for (const item of items) {
    const text = item.text.normalize('NFC').trim().replace(/\s+/g, ' ');
    if (!text) continue;
    const key = questionKey(text);
    let group = byKey.get(key);
    if (!group) {
      group = { key, grams: bigrams(key), items: [], wordings: new Map() };
      byKey.set(key, group);
    }
    group.items.push(item);
    const wording = group.wordings.get(text) ?? { n: 0, at: 0 };
    wording.n += 1;
    wording.at = Math.max(wording.at, item.at.getTime());
    group.wordings.set(text, wording);
  }

  // Rarest bigrams first, the same order for every key: the prefix filter depends on it.
  const frequency = new Map<string, number>();
  for (const group of byKey.values()) for (const gram of group.grams) frequency.set(gram, (frequency.get(gram) ?? 0) + 1);
  const prefixOf = (grams: Set<string>): string[] => {
    const ordered = [...grams].sort((a, b) => frequency.get(a)! - frequency.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
    return ordered.slice(0, ordered.length - Math.ceil(threshold * ordered.length) + 1);
  };

  // Most frequent wordings lead: the cluster's yardstick is its commonest phrasing.
  const keys = [...byKey.values()].sort((a, b) => b.items.length - a.items.length || (a.key < b.key ? -1 : 1));
  const clusters: Working[] = [];
  const postings = new Map<string, number[]>();
  for (const group of keys) {
    const prefix = prefixOf(group.grams);
    let best = -1;
    let bestScore = -1;
    const seen = new Set<number>();
    for (const gram of prefix) {
      for (const c of postings.get(gram) ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        const score = jaccard(group.grams, clusters[c]!.leader.grams);
        if (score >= threshold && score > bestScore) {
          best = c;
          bestScore = score;
        }
      }
    }
    if (best >= 0) {
      clusters[best]!.members.push(group);
      continue;
    }
    const index = clusters.push({ leader: group, members: [group] }) - 1;
    for (const gram of prefix) {
      const list = postings.get(gram) ?? [];
      list.push(index);
      postings.set(gram, list);
    }
  }

  return clusters
    .map(({ members }) => {
      const all = members.flatMap((m) => m.items);
      const wordings = members
        .flatMap((m) => [...m.wordings].map(([text, w]) => ({ text, ...w })))
        .sort((a, b) => b.n - a.n || b.at - a.at || (a.text < b.text ? -1 : 1));
      const count = (reason: QuestionItem['reason']) => all.filter((i) => i.reason === reason).length;
      return {
        representative: wordings[0]!.text,
        count: all.length,
        escalated: count('escalated'),
        consultantRequested: count('consultant_requested'),
        unhelpful: count('unhelpful'),
        variants: wordings.length,
        examples: wordings.slice(1, 4).map((w) => w.text),
        lastAskedAt: new Date(Math.max(...all.map((i) => i.at.getTime()))),
      };
    })
    .sort((a, b) => b.count - a.count || b.lastAskedAt.getTime() - a.lastAskedAt.getTime());
}
