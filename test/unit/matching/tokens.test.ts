import { expect } from 'chai';
import { createMatcher, EMPTY_DICTIONARY } from '../../../server/matching/index.js';
import { buildSituation, bundledDictionary, SITUATIONS } from './situations.fixture.js';

describe('matching: reading a question', () => {
  const matcher = createMatcher({ dictionary: bundledDictionary() });
  matcher.build(SITUATIONS);

  it('when shorthand, boilerplate and Telex are mixed, then the question is read as its meaningful words', () => {
    expect(matcher.explain('cho e hoir ly hoon ntn aj').tokens).to.deep.equal(['li', 'hôn']);
  });

  it('when a word is unknown but one letter off a known one, then the known word is tried as well', () => {
    const result = matcher.explain('dang ky khai sinnh cho con');
    expect(result.ranked[0]?.code).to.equal('HT-1');
  });

  it('when the same words come in another order, then the order of the situation wins (syllable pairs count)', () => {
    const ordered = createMatcher({ dictionary: EMPTY_DICTIONARY });
    ordered.build([
      buildSituation({ code: 'A', question: 'Thủ tục nhận con nuôi ở đâu?' }),
      buildSituation({ code: 'B', question: 'Ai được nuôi con sau khi bố mẹ mất?' }),
    ]);
    expect(ordered.match('nhận con nuôi').candidates[0]?.code).to.equal('A');
    expect(ordered.match('ai nuôi con').candidates[0]?.code).to.equal('B');
  });

  it('when a dictionary term is only partly in the situation, then the part still counts', () => {
    const partial = createMatcher({ dictionary: bundledDictionary() });
    partial.build([
      buildSituation({ code: 'A', question: 'Người dưới bao nhiêu tuổi không bị phạt tù chung thân?' }),
      buildSituation({ code: 'B', question: 'Tù chung thân là gì?' }),
    ]);
    const ranked = partial.explain('người dưới 18 tuổi có bị tù chung thân không').ranked;
    expect(ranked[0]?.code).to.equal('A');
  });
});
