import { expect } from 'chai';
import { createMatcher, EMPTY_DICTIONARY, type Matcher } from '../../../server/matching/index.js';
import { buildSituation, bundledDictionary, SITUATIONS } from './situations.fixture.js';

function matcherWith(situations = SITUATIONS): Matcher {
  const matcher = createMatcher({ dictionary: bundledDictionary() });
  matcher.build(situations);
  return matcher;
}

const top = (matcher: Matcher, question: string) => matcher.match(question).candidates[0]?.code;

describe('matching: the decision', () => {
  const matcher = matcherWith();

  it("when a citizen asks a situation's own question, then it is answered with that situation", () => {
    const result = matcher.match('Nam nữ cần đáp ứng những điều kiện gì thì mới được kết hôn?');
    expect(result.decision).to.equal('answer');
    expect(result.reason).to.equal('confident');
    expect(result.candidates[0]!.code).to.equal('HNGD-2');
    expect(result.candidates[0]!.score).to.be.within(0, 1);
  });

  it('when the question is rephrased the way citizens talk, then the right situation is answered', () => {
    const result = matcher.match('Cho em hỏi ly dị thì con nhỏ ở với ai ạ');
    expect(result.decision).to.equal('answer');
    expect(result.candidates[0]!.code).to.equal('HNGD-1');
  });

  it('when two situations differ by one detail the question does not settle, then a short choice is offered', () => {
    const result = matcher.match('nghỉ việc có được nhận trợ cấp không');
    expect(result.decision).to.equal('clarify');
    expect(result.reason).to.equal('close');
    expect(result.candidates.length).to.be.within(2, 4);
    expect(result.candidates.map((c) => c.code)).to.include.members(['LD-1', 'LD-2']);
  });

  it('when nothing in the knowledge base is about the question, then it is handed to a person', () => {
    for (const question of ['cách nấu phở bò ngon', 'giá vàng hôm nay bao nhiêu', 'đội nào vô địch world cup']) {
      const result = matcher.match(question);
      expect(result.decision, question).to.equal('escalate');
      expect(['no_match', 'low_confidence'], question).to.include(result.reason);
    }
  });

  it('when candidates are returned, then they are best first, at most five, with scores between 0 and 1', () => {
    const result = matcher.match('hợp đồng công chứng');
    expect(result.candidates.length).to.be.at.most(5);
    const scores = result.candidates.map((c) => c.score);
    expect(scores).to.deep.equal([...scores].sort((a, b) => b - a));
    for (const s of scores) expect(s).to.be.within(0, 1);
  });

  it('when thresholds are stricter, then the same question is no longer answered directly', () => {
    const strict = createMatcher({ dictionary: bundledDictionary(), thresholds: { answer: 0.99, margin: 0.5 } });
    strict.build(SITUATIONS);
    expect(strict.match('Cho em hỏi ly dị thì con nhỏ ở với ai ạ').decision).to.not.equal('answer');
  });
});

describe('matching: small talk and odd input', () => {
  const matcher = matcherWith();

  for (const [message, kind] of [
    ['Chào bạn', 'greeting'],
    ['hello', 'greeting'],
    ['alo alo', 'greeting'],
    ['cảm ơn bạn nhiều nhé', 'thanks'],
    ['tks ad', 'thanks'],
    ['tạm biệt', 'goodbye'],
    ['bye', 'goodbye'],
    ['bạn là ai vậy', 'identity'],
    ['test', 'other'],
    ['abc', 'other'],
  ] as const) {
    it(`when the citizen writes "${message}", then it is small talk of kind ${kind}, escalated for the chat to answer kindly`, () => {
      const result = matcher.match(message);
      expect(result).to.deep.include({ decision: 'escalate', reason: 'small_talk', smallTalk: kind });
      expect(result.candidates).to.deep.equal([]);
    });
  }

  it('when a greeting comes with a real question, then the question is answered', () => {
    const result = matcher.match('Chào luật sư, cho em hỏi đăng ký khai sinh cho con cần giấy tờ gì ạ');
    expect(result.decision).to.equal('answer');
    expect(result.candidates[0]!.code).to.equal('HT-1');
  });

  it('when the message has nothing readable, then it is escalated as empty', () => {
    for (const message of ['', '   ', '?!?!', '😀'.repeat(1000)]) {
      expect(matcher.match(message), JSON.stringify(message.slice(0, 10))).to.deep.include({ decision: 'escalate', reason: 'empty' });
    }
  });

  it('when the message is very long or not a string, then the matcher still answers without throwing', () => {
    const long = 'tôi muốn hỏi về đất đai '.repeat(300);
    expect(() => matcher.match(long)).to.not.throw();
    expect(() => matcher.match(undefined as unknown as string)).to.not.throw();
    expect(matcher.match(42 as unknown as string).decision).to.equal('escalate');
  });
});

describe('matching: diacritics', () => {
  const matcher = matcherWith();

  it('when the question has no diacritics, then it still finds the situation', () => {
    expect(top(matcher, 'dang ky khai sinh cho con can giay to gi')).to.equal('HT-1');
    expect(top(matcher, 'ly di thi con o voi ai')).to.equal('HNGD-1');
  });

  it('when the citizen typed "bán", then a situation about selling ranks above one about a friend ("bạn")', () => {
    const result = matcher.explain('bán xe', { limit: 10 });
    const codes = result.ranked.map((c) => c.code);
    expect(codes.indexOf('DS-2')).to.be.greaterThan(-1);
    expect(codes.indexOf('DS-2')).to.be.lessThan(codes.indexOf('DS-1') === -1 ? Infinity : codes.indexOf('DS-1'));
  });

  it('when the citizen typed "bạn", then the situation about a friend ranks above the one about selling', () => {
    const codes = matcher.explain('bạn vay tiền', { limit: 10 }).ranked.map((c) => c.code);
    expect(codes[0]).to.equal('DS-1');
  });
});

describe('matching: typos and chat shorthand', () => {
  const matcher = matcherWith();

  it('when words are typed in raw Telex, then they are read as Vietnamese', () => {
    expect(top(matcher, 'ly hoon thi con owr voiws ai')).to.equal('HNGD-1');
  });

  it('when two syllables are typed without a space, then they are split', () => {
    expect(top(matcher, 'lyhon thi con nho o voi ai')).to.equal('HNGD-1');
  });

  it('when a letter is missing or doubled in a long word, then the word is still recognised', () => {
    expect(top(matcher, 'đăng ký khaii sinh cho con cần giấy tờ gì')).to.equal('HT-1');
    expect(top(matcher, 'ngươi khôg biết chữ lập di chúc')).to.equal('TK-1');
  });

  it('when a negation is the only difference, then the situation saying the opposite is not answered', () => {
    expect(matcher.match('người không biết chữ lập di chúc')).to.deep.include({ decision: 'answer' });
    expect(top(matcher, 'người không biết chữ lập di chúc')).to.equal('TK-1');
    const flipped = matcher.match('người biết chữ lập di chúc');
    expect(flipped.decision === 'answer' && flipped.candidates[0]!.code === 'TK-1').to.equal(false);
  });

  it('when chat shorthand and abbreviations are used, then they are expanded', () => {
    expect(top(matcher, 'bhxh 1 lan can giay to gi')).to.equal('BHXH-1');
    expect(top(matcher, 'k mang gplx bi phat bn')).to.equal('GT-1');
  });
});

describe('matching: keeping the index current', () => {
  it('when a situation is added, then it can be matched at once', () => {
    const matcher = matcherWith();
    expect(top(matcher, 'hợp đồng thuê nhà có phải công chứng không')).to.not.equal('NO-1');
    matcher.upsert(
      buildSituation({ code: 'NO-1', fieldSlug: 'nha-o', fieldName: 'Nhà ở', question: 'Hợp đồng thuê nhà có bắt buộc công chứng không?' }),
    );
    expect(matcher.size).to.equal(SITUATIONS.length + 1);
    expect(top(matcher, 'hợp đồng thuê nhà có phải công chứng không')).to.equal('NO-1');
  });

  it('when a situation is edited, then the new wording matches and the old one no longer does', () => {
    const matcher = matcherWith();
    const original = SITUATIONS.find((s) => s.code === 'GT-1')!;
    matcher.upsert({ ...original, question: 'Vượt đèn đỏ bằng ô tô bị phạt bao nhiêu?' });
    expect(matcher.size).to.equal(SITUATIONS.length);
    expect(top(matcher, 'vượt đèn đỏ bằng ô tô bị phạt bao nhiêu')).to.equal('GT-1');
    expect(matcher.match('không mang theo giấy phép lái xe').candidates.slice(0, 1).map((c) => c.code)).to.not.include('GT-1');
  });

  it('when a situation is removed, then it is never offered again', () => {
    const matcher = matcherWith();
    expect(matcher.remove('HT-1')).to.equal(true);
    expect(matcher.remove('HT-1')).to.equal(false);
    expect(matcher.size).to.equal(SITUATIONS.length - 1);
    const result = matcher.match('Đăng ký khai sinh cho con cần chuẩn bị những giấy tờ gì?');
    expect(result.candidates.map((c) => c.code)).to.not.include('HT-1');
  });

  it('when situations are edited, removed and added back one at a time, then every question ranks as after a fresh build', () => {
    const questions = [...SITUATIONS.map((s) => s.question), 'ly di thi con o voi ai', 'bhxh 1 lan can giay to gi', 'hàng xóm lấn đất'];
    const ranking = (m: Matcher) => questions.map((q) => m.explain(q, { limit: 5 }).ranked.map((r) => [r.code, r.score, r.search]));
    const changed = SITUATIONS.map((s, i) => (i % 2 === 0 ? { ...s, question: `${s.question} Xin hướng dẫn cụ thể.`, tags: [...s.tags, 'thủ tục'] } : s));
    const matcher = matcherWith();
    for (const s of changed) matcher.upsert(s);
    for (const s of SITUATIONS.slice(0, 3)) matcher.remove(s.code);
    for (const s of changed.slice(0, 3).reverse()) matcher.upsert(s);
    const fresh = createMatcher({ dictionary: bundledDictionary() });
    fresh.build(changed);
    expect(ranking(matcher)).to.deep.equal(ranking(fresh));
  });

  it('when build is called again, then the index holds only the new list', () => {
    const matcher = matcherWith();
    matcher.build([SITUATIONS[0]!]);
    expect(matcher.size).to.equal(1);
    const result = matcher.match('Đăng ký khai sinh cho con cần chuẩn bị những giấy tờ gì?');
    expect(result.decision).to.equal('escalate');
    expect(result.candidates.map((c) => c.code)).to.not.include('HT-1');
  });
});

describe('matching: restricted to a field', () => {
  const matcher = matcherWith();

  it('when a field is given, then only situations of that field are offered', () => {
    const question = 'công chứng di chúc';
    // Unrestricted, a civil-law situation about notarising ranks too.
    expect(matcher.explain(question).ranked.map((c) => c.code)).to.include('DS-2');
    const result = matcher.match(question, { field: 'thua-ke' });
    expect(result.candidates.length).to.be.greaterThan(0);
    for (const c of result.candidates) expect(c.fieldSlug).to.equal('thua-ke');
  });

  it('when the question belongs to another field, then the restricted match does not answer it', () => {
    expect(matcher.match('Đăng ký khai sinh cho con cần chuẩn bị những giấy tờ gì?', { field: 'dat-dai' }).decision).to.not.equal('answer');
    expect(matcher.match('Đăng ký khai sinh cho con cần chuẩn bị những giấy tờ gì?', { field: 'ho-tich' }).decision).to.equal('answer');
  });

  it('when the matcher has no dictionary, then exact questions still match', () => {
    const bare = createMatcher({ dictionary: EMPTY_DICTIONARY });
    bare.build(SITUATIONS);
    expect(bare.match('Đăng ký khai sinh cho con cần chuẩn bị những giấy tờ gì?').candidates[0]?.code).to.equal('HT-1');
  });
});
