import { expect } from 'chai';
import { foldText, normalizeText } from '../../../server/matching/index.js';
import { stripBoilerplate, tokenize } from '../../../server/matching/normalize.js';
import { canonicalSyllable, decodeTelex } from '../../../server/matching/syllable.js';

const clean = (text: string) => stripBoilerplate(tokenize(text)).join(' ');

describe('matching: normalisation', () => {
  it('when text arrives decomposed (NFD), then it reads the same as composed text', () => {
    const composed = 'Người lao động được nghỉ phép năm';
    expect(normalizeText(composed.normalize('NFD'))).to.equal(normalizeText(composed));
  });

  it('when letters come full-width or as superscripts, then they read as plain ones', () => {
    expect(normalizeText('ｌｙ ｈｏｎ')).to.equal('li hon');
    expect(normalizeText('50 m²')).to.equal('50 m2');
  });

  it('when upper case is used, then it reads as lower case', () => {
    expect(normalizeText('LY HÔN Ở ĐÂU')).to.equal('li hôn ở đâu');
  });

  it('when the tone mark sits on either vowel (hoà/hòa, thuỷ/thủy, khoẻ/khỏe, quý/qúy), then both spellings are one', () => {
    for (const [oldStyle, newStyle] of [
      ['hoà giải', 'hòa giải'],
      ['thuỷ lợi', 'thủy lợi'],
      ['sức khoẻ', 'sức khỏe'],
      ['qúy', 'quý'],
      ['tuỳ', 'tùy'],
      ['hoạ', 'họa'],
    ]) {
      expect(normalizeText(oldStyle!), oldStyle).to.equal(normalizeText(newStyle!));
    }
  });

  it('when i and y are swapped (kĩ/kỹ, lí/lý, sĩ/sỹ), then both spellings are one', () => {
    expect(normalizeText('kĩ thuật')).to.equal(normalizeText('kỹ thuật'));
    expect(normalizeText('lí do')).to.equal(normalizeText('lý do'));
    expect(normalizeText('tử sĩ')).to.equal(normalizeText('tử sỹ'));
    expect(normalizeText('qui định')).to.equal(normalizeText('quy định'));
  });

  it('when i/y is a real vowel of the word, then it is left alone (thủy, tuyển, ý)', () => {
    expect(normalizeText('thủy')).to.equal('thủy');
    expect(normalizeText('tuyển dụng')).to.equal('tuyển dụng');
    expect(normalizeText('ý kiến')).to.equal('ý kiến');
  });

  it('when folded, then every diacritic goes and đ becomes d', () => {
    expect(foldText('Sổ đỏ của ĐÌNH')).to.equal('so do cua dinh');
  });

  it('when amounts are written differently, then they read as the same number', () => {
    expect(normalizeText('500.000.000 đồng')).to.equal(normalizeText('500 triệu đồng'));
    expect(normalizeText('10tr')).to.equal(normalizeText('10 triệu'));
    expect(normalizeText('500k')).to.equal(normalizeText('500 nghìn'));
    expect(normalizeText('phạt tù 03 năm')).to.equal('phạt tù 3 năm');
    expect(normalizeText('50%')).to.equal('50 phần trăm');
  });

  it('when punctuation separates clauses, then a break marks it and no word is lost', () => {
    expect(tokenize('Ly hôn, con ở với ai?')).to.deep.equal(['li', 'hôn', '|', 'con', 'ở', 'với', 'ai']);
  });

  it('when the text is only punctuation or emoji, then there are no tokens', () => {
    expect(tokenize('?!... 😀😀 👍')).to.deep.equal([]);
  });

  it('when the question carries boilerplate, then it is dropped', () => {
    expect(clean('Cho em hỏi làm lại sổ đỏ bị mất thế nào ạ')).to.equal('làm lại sổ đỏ bị mất');
    expect(clean('Xin hỏi thủ tục ly hôn như thế nào')).to.equal('thủ tục li hôn');
    expect(clean('ad ơi đăng ký kết hôn ở đâu với ạ')).to.equal('đăng kí kết hôn ở đâu');
    expect(clean('Luật sư cho hỏi, bị phạt bao nhiêu tiền')).to.equal('bị phạt bao nhiêu tiền');
  });

  it('when boilerplate is typed without diacritics, then it is dropped too', () => {
    expect(clean('cho em hoi ly hon o dau a')).to.equal('li hon o dau');
  });

  it('when words carry meaning (không, chưa, bao nhiêu, được không), then they stay', () => {
    expect(clean('chưa đủ tuổi có được kết hôn không')).to.equal('chưa đủ tuổi có được kết hôn không');
    expect(clean('phạt bao nhiêu, được không ạ')).to.equal('phạt bao nhiêu | được không');
  });

  it('when a word is typed in raw Telex, then it is read as Vietnamese', () => {
    expect(decodeTelex('hoon')).to.equal('hôn');
    expect(decodeTelex('ddaats')).to.equal(canonicalSyllable('đất'));
    expect(decodeTelex('luaatj')).to.equal('luật');
    expect(decodeTelex('ban')).to.equal(null);
  });
});
