import { expect } from 'chai';
import { formatFromName, parseKbFile, parseLegalBasisText } from '../../server/knowledge/kb.parse.js';
import { documentKey, foldName, slugify } from '../../server/knowledge/text.js';

describe('knowledge-base file reading', () => {
  it('picks the format from the file extension and refuses others in Vietnamese', () => {
    expect(formatFromName('kb.JSONL')).to.equal('jsonl');
    expect(formatFromName('a/b.csv')).to.equal('csv');
    expect(formatFromName('x.xlsx')).to.equal('xlsx');
    expect(() => formatFromName('x.doc')).to.throw(/không được hỗ trợ/);
  });

  it('reads plain-text legal basis into citations with document, article and clause', () => {
    expect(parseLegalBasisText('Điều 51 khoản 1 Luật 52/2014/QH13; 168/2024/NĐ-CP Điều 7')).to.deep.equal([
      { document: '52/2014/QH13', article: 'Điều 51', clause: '1' },
      { document: '168/2024/NĐ-CP', article: 'Điều 7' },
    ]);
    expect(parseLegalBasisText('Bộ luật Dân sự 2015, Điều 650')).to.deep.equal([{ document: 'Bộ luật Dân sự 2015', article: 'Điều 650' }]);
    expect(parseLegalBasisText('[{"document": "91/2015/QH13"}]')).to.deep.equal([{ document: '91/2015/QH13' }]);
    expect(parseLegalBasisText('')).to.deep.equal([]);
  });

  it('strips a UTF-8 byte order mark from a CSV header', async () => {
    const parsed = await parseKbFile(Buffer.from('\ufeffcode,field,question,answer\nA,dat-dai,Q,A\n'), 'csv');
    expect(parsed.errors).to.deep.equal([]);
    expect(parsed.rows[0]!.values.code).to.equal('A');
  });

  it('a JSON line that is not an object is an error on that line', async () => {
    const parsed = await parseKbFile(Buffer.from('[1,2]\n"text"\n'), 'jsonl');
    expect(parsed.errors.map((e) => e.line)).to.deep.equal([1, 2]);
  });
});

describe('knowledge-base text helpers', () => {
  it('folds Vietnamese names for loose comparison', () => {
    expect(foldName('Hôn nhân và Gia đình')).to.equal('hon nhan va gia dinh');
    expect(foldName('ĐẤT  ĐAI')).to.equal('dat dai');
    expect(slugify('Phòng, chống ma túy')).to.equal('phong-chong-ma-tuy');
  });

  it('normalises document numbers so that case and Đ/D do not matter', () => {
    expect(documentKey('168/2024/nđ-cp')).to.equal(documentKey('168/2024/NĐ-CP'));
    expect(documentKey(' 52/2014/qh13 ')).to.equal('52/2014/QH13');
  });
});
