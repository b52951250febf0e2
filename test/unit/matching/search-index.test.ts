import { expect } from 'chai';
import MiniSearch from 'minisearch';
import { analyseDocumentText } from '../../../server/matching/analysis.js';
import { textView, type TextView } from '../../../server/matching/scoring.js';
import { SearchIndex, searchKeys, type Searchable } from '../../../server/matching/search-index.js';
import { SITUATIONS } from './situations.fixture.js';

interface Doc extends Searchable {
  texts: TextView[];
  tags: TextView;
}

const docOf = (s: (typeof SITUATIONS)[number], extra = ''): Doc => ({
  code: s.code,
  fieldSlug: s.fieldSlug,
  texts: [s.question + extra, ...s.alternates].map((t) => textView(analyseDocumentText(t))),
  tags: textView(analyseDocumentText(s.tags.join(', '))),
});

/** MiniSearch's own OR search over the same keys, one field per part: what the walk must reproduce. */
function reference(docs: Doc[]) {
  const index = new MiniSearch<{ id: string; q: string; t: string }>({ fields: ['q', 't'], tokenize: (x) => (x ? x.split(' ') : []), processTerm: (x) => x });
  const keysOf = (d: Doc) => ({ id: d.code, q: [...searchKeys(d.texts)].join(' '), t: [...searchKeys([d.tags])].join(' ') });
  for (const d of docs) index.add(keysOf(d));
  return {
    index,
    replace(d: Doc) {
      index.discard(d.code);
      index.add(keysOf(d));
    },
    scores(boosts: Map<string, number>) {
      const query = { combineWith: 'OR', queries: [...boosts.keys()] } as never;
      const scores = new Map<string, number>();
      const boostTerm = (term: string) => boosts.get(term) ?? 1;
      for (const r of index.search(query, { boostTerm })) scores.set(r.id as string, r.score);
      return scores;
    },
  };
}

/** The keys of a question, with differing boosts so that a boost applied to the wrong term shows. */
function boostsFor(question: string): Map<string, number> {
  return new Map([...searchKeys([textView(analyseDocumentText(question))])].map((key, i) => [key, 1 + (i % 3) * 0.5]));
}

const QUESTIONS = ['ly hôn thì con nhỏ ở với ai', 'vượt đèn đỏ bị phạt bao nhiêu tiền', 'đăng ký khai sinh cần giấy tờ gì', 'làm lại sổ đỏ bị mất', 'thue nha co phai cong chung khong'];

describe('matching: the candidate search over MiniSearch postings', () => {
  it("scores every situation as MiniSearch's own OR search over the same keys, before and after situations change", () => {
    const docs = SITUATIONS.map((s) => docOf(s));
    const index = new SearchIndex<Doc>();
    for (const d of docs) index.add(d, d.texts, d.tags);
    const ref = reference(docs);
    const compare = () => {
      for (const question of QUESTIONS) {
        const boosts = boostsFor(question);
        const ours = new Map(index.search(boosts, undefined).map((h) => [h.situation.code, h.score]));
        const theirs = ref.scores(boosts);
        expect([...ours.keys()].sort(), question).to.deep.equal([...theirs.keys()].sort());
        expect(theirs.size, `"${question}" finds something`).to.be.greaterThan(0);
        for (const [code, score] of theirs) expect(ours.get(code), `${question} → ${code}`).to.be.closeTo(score, 1e-9);
      }
    };
    compare();
    // Edited situations change the postings, the lengths and the averages.
    for (const s of SITUATIONS.slice(0, 4)) {
      const edited = docOf(s, ' Xin hướng dẫn thủ tục và lệ phí.');
      index.discard(s.code);
      index.add(edited, edited.texts, edited.tags);
      ref.replace(edited);
    }
    compare();
  });

  it('when a field is given, then only situations of that field are found, with the same scores', () => {
    const docs = SITUATIONS.map((s) => docOf(s));
    const index = new SearchIndex<Doc>();
    for (const d of docs) index.add(d, d.texts, d.tags);
    const boosts = boostsFor('ly hôn thì con nhỏ ở với ai');
    const all = index.search(boosts, undefined);
    const field = all[0]!.situation.fieldSlug;
    const restricted = index.search(boosts, field);
    expect(restricted.length).to.be.greaterThan(0);
    expect(restricted.every((h) => h.situation.fieldSlug === field)).to.equal(true);
    expect(restricted.map((h) => [h.situation.code, h.score])).to.deep.equal(all.filter((h) => h.situation.fieldSlug === field).map((h) => [h.situation.code, h.score]));
  });
});
