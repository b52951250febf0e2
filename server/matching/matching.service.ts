import { readFileSync } from 'node:fs';
import type { KnowledgeRepository } from '../knowledge/index.js';
import type { Logger } from '../logger.js';
import type { DecisionThresholds } from './decision.js';
import { parseDictionary } from './dictionary.js';
import { createMatcher, type Matcher, type MatchExplanation } from './matcher.js';
import type { MatchOptions, MatchResult } from './matching.types.js';

export interface MatchingServiceDeps {
  knowledge: KnowledgeRepository;
  /** Path of the synonyms and abbreviations dictionary (knowledge-base/dictionary.json). */
  dictionaryPath: string;
  thresholds?: Partial<DecisionThresholds>;
  logger: Logger;
}

/**
 * The matcher fed from the database: built from every published situation at start, then kept
 * current one situation at a time (`refresh(codes)`) without a full rebuild.
 */
export async function createMatchingService(deps: MatchingServiceDeps) {
  const matcher: Matcher = createMatcher({ dictionary: loadDictionary(deps.dictionaryPath), thresholds: deps.thresholds });
  const started = performance.now();
  matcher.build(await deps.knowledge.listPublishedForMatching());
  deps.logger.info({ situations: matcher.size, buildMs: Math.round(performance.now() - started) }, 'matcher index built');

  return {
    match(question: string, options?: MatchOptions): MatchResult {
      return matcher.match(question, options);
    },

    /** The ranking behind `match` (how the question was read, candidates with coverages): for the admin console. */
    explain(question: string, options?: MatchOptions & { limit?: number }): MatchExplanation {
      return matcher.explain(question, options);
    },

    /** Re-reads the given situations: published ones are (re)indexed, the others dropped. */
    async refresh(codes: string[]): Promise<void> {
      if (codes.length === 0) return;
      deps.knowledge.invalidate(codes);
      const rows = await deps.knowledge.listPublishedForMatching(codes);
      const published = new Set(rows.map((r) => r.code));
      for (const row of rows) matcher.upsert(row);
      for (const code of codes) if (!published.has(code)) matcher.remove(code);
    },

    /** Re-reads every published situation (after missed change notifications); the old index serves until then. */
    async rebuild(): Promise<void> {
      deps.knowledge.invalidate();
      const rows = await deps.knowledge.listPublishedForMatching();
      matcher.build(rows);
    },

    /** Reads the dictionary file again (after an admin edit); an invalid file keeps the old one. */
    reloadDictionary(): void {
      matcher.setDictionary(loadDictionary(deps.dictionaryPath));
    },

    get size() {
      return matcher.size;
    },
  };
}

function loadDictionary(path: string) {
  return parseDictionary(JSON.parse(readFileSync(path, 'utf8')));
}

export type MatchingService = Awaited<ReturnType<typeof createMatchingService>>;
