import { expect } from 'chai';
import { ZodError } from 'zod';
import { createMatcher, parseDictionary, type Dictionary } from '../../../server/matching/index.js';
import { compileDictionary, expandShorthand, findGroupTerms } from '../../../server/matching/dictionary.js';
import { tokenize } from '../../../server/matching/normalize.js';
import { buildSituation, bundledDictionary, SITUATIONS } from './situations.fixture.js';

const compiled = compileDictionary(bundledDictionary());
const expand = (text: string) => expandShorthand(tokenize(text), compiled).join(' ');

describe('matching: the dictionary', () => {
  it('when the bundled dictionary is loaded, then it is valid, with at least 150 entries and plenty of each kind', () => {
    const dictionary = bundledDictionary();
    expect(dictionary.entries.length).to.be.at.least(150);
    for (const kind of ['abbreviation', 'synonym', 'shorthand'] as const) {
      expect(dictionary.entries.filter((e) => e.kind === kind).length, kind).to.be.at.least(30);
    }
  });

  it('when an entry is malformed, then parsing lists the problem instead of loading it', () => {
    const broken = { version: 1, entries: [{ kind: 'synonym', terms: ['chỉ một từ'] }, { kind: 'slang', terms: ['a', 'b'] }] };
    expect(() => parseDictionary(broken)).to.throw(ZodError);
    expect(() => parseDictionary({ entries: [] })).to.throw(ZodError);
  });

  it('when chat shorthand is typed, then it is rewritten to the full word', () => {
    expect(expand('ko dc ntn')).to.equal('không được như thế nào');
    expect(expand('vk ck bn tuổi')).to.equal('vợ chồng bao nhiêu tuổi');
  });

  it('when shorthand follows a number, then it is left as a unit ("500k" stays five hundred thousand)', () => {
    expect(expand('5 k')).to.equal('5000');
  });

  it('when an abbreviation or a synonym appears, then every equivalent term is offered', () => {
    const terms = (text: string) => findGroupTerms(tokenize(text), compiled).flatMap((g) => g.terms.map((t) => t.tokens.join(' ')));
    expect(terms('bhxh')).to.include('bảo hiểm xã hội');
    expect(terms('làm lại sổ đỏ')).to.include.members(['cấp lại', 'giấy chứng nhận quyền sử dụng đất']);
    expect(terms('bố mẹ')).to.include('cha mẹ');
    expect(terms('so do')).to.include('giấy chứng nhận quyền sử dụng đất');
  });

  it('when the citizen uses the everyday word, then the situation written with the legal term is found', () => {
    const matcher = createMatcher({ dictionary: bundledDictionary() });
    matcher.build(SITUATIONS);
    expect(matcher.match('làm lại sổ đỏ bị mất thế nào').candidates[0]?.code).to.equal('DD-1');
    expect(matcher.match('mua bán đất giữa hai nhà thì làm những bước nào').candidates[0]?.code).to.equal('DD-2');
  });

  it('when the dictionary is replaced at runtime, then new equivalences apply at once, without re-indexing', () => {
    const matcher = createMatcher({ dictionary: { version: 1, entries: [] } });
    matcher.build([
      buildSituation({ code: 'CT-1', question: 'Đăng ký thường trú cho con mới sinh ở đâu?' }),
      buildSituation({ code: 'CT-2', question: 'Đổi tên đường trên giấy tờ nhà đất thế nào?' }),
    ]);
    const question = 'nhập hộ khẩu cho bé ở đâu';
    const before = matcher.match(question);
    const next: Dictionary = { version: 1, entries: [{ kind: 'synonym', terms: ['đăng ký thường trú', 'nhập hộ khẩu'] }] };
    matcher.setDictionary(next);
    const after = matcher.match(question);
    expect(after.candidates[0]?.code).to.equal('CT-1');
    expect(after.candidates[0]!.score).to.be.greaterThan(before.candidates.find((c) => c.code === 'CT-1')?.score ?? 0);
  });

  it('when an invalid dictionary is given at runtime, then it is refused and the old one stays', () => {
    const matcher = createMatcher({ dictionary: bundledDictionary() });
    matcher.build(SITUATIONS);
    expect(() => matcher.setDictionary({ version: 2 } as unknown as Dictionary)).to.throw(ZodError);
    expect(matcher.match('bhxh 1 lần cần giấy tờ gì').candidates[0]?.code).to.equal('BHXH-1');
  });
});
