import { diffArrays, diffWordsWithSpace } from 'diff';
import type { SituationSnapshot } from '../knowledge/kb.repository.js';
import { citationText } from './admin.presenter.js';
import { formatDate, SITUATION_STATUS_LABELS } from './admin.views.js';

/**
 * A readable difference between two versions of a situation, field by field: words for the
 * question and the answer, whole lines for lists (alternates, tags, citations), old → new for
 * single values.
 */

export interface DiffPart {
  value: string;
  added: boolean;
  removed: boolean;
}

export interface FieldDiff {
  key: keyof SituationSnapshot;
  label: string;
  changed: boolean;
  kind: 'words' | 'lines' | 'value';
  /** words and lines: the pieces, unchanged ones included. */
  parts: DiffPart[];
  /** value: the two values as shown. */
  from?: string;
  to?: string;
}

const LABELS: Record<keyof SituationSnapshot, string> = {
  code: 'Mã',
  field: 'Lĩnh vực',
  question: 'Câu hỏi',
  alternates: 'Cách hỏi khác',
  answer: 'Câu trả lời',
  legal_basis: 'Căn cứ pháp lý',
  tags: 'Thẻ',
  status: 'Trạng thái',
  reviewed_at: 'Ngày rà soát',
};

const words = (a: string, b: string): DiffPart[] =>
  coalesce(diffWordsWithSpace(a, b).map((p) => ({ value: p.value, added: Boolean(p.added), removed: Boolean(p.removed) })));

/**
 * Word diffs of rewritten sentences alternate word by word ("<del>trừ</del><ins>Cha</ins> <del>khi</del>
 * <ins>mẹ</ins>…"), which nobody can read. Runs of changes separated only by spaces or one or two
 * unchanged words become one deleted phrase followed by one inserted phrase.
 */
export function coalesce(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    if (removed) out.push({ value: removed, added: false, removed: true });
    if (added) out.push({ value: added, added: true, removed: false });
    removed = '';
    added = '';
  };
  const isChange = (p: DiffPart | undefined) => Boolean(p && (p.added || p.removed));
  parts.forEach((part, i) => {
    if (part.removed) removed += part.value;
    else if (part.added) added += part.value;
    else {
      const short = part.value.trim().split(/\s+/).filter(Boolean).length <= 2 && part.value.length <= 16;
      if ((removed || added) && short && isChange(parts[i + 1])) {
        removed += part.value;
        added += part.value;
        return;
      }
      flush();
      out.push(part);
    }
  });
  flush();
  return out;
}

const lines = (a: string[], b: string[]): DiffPart[] =>
  diffArrays(a, b).flatMap((p) => p.value.map((value) => ({ value, added: Boolean(p.added), removed: Boolean(p.removed) })));

/** Compares two snapshots (older first); every field is listed, `changed` tells which moved. */
export function diffSnapshots(older: SituationSnapshot, newer: SituationSnapshot, fieldNames: Map<string, string> = new Map()): FieldDiff[] {
  const out: FieldDiff[] = [];
  const value = (key: keyof SituationSnapshot, show: (s: SituationSnapshot) => string) => {
    const from = show(older);
    const to = show(newer);
    out.push({ key, label: LABELS[key], changed: from !== to, kind: 'value', parts: [], from, to });
  };
  const text = (key: 'question' | 'answer') => {
    const a = older[key] ?? '';
    const b = newer[key] ?? '';
    out.push({ key, label: LABELS[key], changed: a !== b, kind: 'words', parts: a === b ? [{ value: a, added: false, removed: false }] : words(a, b) });
  };
  const list = (key: 'alternates' | 'tags' | 'legal_basis', show: (s: SituationSnapshot) => string[]) => {
    const a = show(older);
    const b = show(newer);
    const changed = JSON.stringify(a) !== JSON.stringify(b);
    out.push({ key, label: LABELS[key], changed, kind: 'lines', parts: lines(a, b) });
  };
  value('code', (s) => s.code);
  value('field', (s) => fieldNames.get(s.field) ?? s.field);
  value('status', (s) => SITUATION_STATUS_LABELS[s.status] ?? s.status);
  text('question');
  list('alternates', (s) => s.alternates ?? []);
  text('answer');
  list('legal_basis', (s) => (s.legal_basis ?? []).map((c) => citationText(c) || JSON.stringify(c)));
  list('tags', (s) => s.tags ?? []);
  value('reviewed_at', (s) => formatDate(s.reviewed_at) || '—');
  return out;
}

/** Names of the fields that differ ("Câu trả lời, Thẻ"), for the revision list. */
export function changedFields(before: SituationSnapshot | null, after: SituationSnapshot): string {
  if (!before) return 'Tạo mới';
  return diffSnapshots(before, after)
    .filter((d) => d.changed)
    .map((d) => d.label)
    .join(', ');
}
