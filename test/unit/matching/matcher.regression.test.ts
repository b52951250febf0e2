import { expect } from 'chai';
import { createMatcher, EMPTY_DICTIONARY } from '../../../server/matching/index.js';

const situation = (code: string, question: string, answer: string) => ({
  code,
  fieldSlug: 'dat-dai',
  fieldName: 'Đất đai',
  question,
  alternates: [],
  answer,
  tags: [],
});

describe('matcher after removing and re-adding situations', () => {
  it('when a situation is removed, published again and edited in a tiny index, then every score stays a number and the right one ranks first', () => {
    const matcher = createMatcher({ dictionary: EMPTY_DICTIONARY });
    matcher.build([
      situation('A', 'Làm lại sổ đỏ bị mất ở đâu?', 'Nộp hồ sơ tại văn phòng đăng ký đất đai.'),
      situation('B', 'Tranh chấp ranh giới đất giải quyết thế nào?', 'Hòa giải tại Ủy ban nhân dân cấp xã.'),
    ]);
    matcher.remove('A');
    matcher.upsert(situation('A', 'Làm lại sổ đỏ bị mất ở đâu?', 'Nộp hồ sơ tại văn phòng đăng ký đất đai.'));
    matcher.upsert(situation('A', 'Làm lại sổ đỏ bị mất ở đâu?', 'Nộp đơn và hồ sơ tại văn phòng đăng ký đất đai.'));
    const result = matcher.match('làm lại sổ đỏ bị mất');
    expect(result.candidates.every((c) => Number.isFinite(c.score))).to.equal(true);
    expect(result.candidates[0]?.code).to.equal('A');
  });
});
