import { expect } from 'chai';
import { formatFromName, parseKbFile, parseLegalBasisText } from '../../server/knowledge/kb.parse.js';
import { validateRows } from '../../server/knowledge/kb.validate.js';
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

  it('a lone UTF-16 surrogate (which PostgreSQL refuses in JSON) is an error on its row and column, not a failed import', async () => {
    const file = [
      '{"code":"A-1","field":"\\ud800","question":"Hỏi","answer":"Đáp"}',
      '{"code":"A-2","field":"dat-dai","question":"Hỏi \\udfff","answer":"Đáp","legal_basis":[{"document":"x\\ud83d"}]}',
      '{"code":"A-3","field":"dat-dai","question":"Hỏi 😀","answer":"Đáp"}',
    ].join('\n');
    const parsed = await parseKbFile(Buffer.from(file), 'jsonl');
    expect(parsed.errors).to.deep.equal([]);
    const result = validateRows(parsed.rows, [{ id: 1, slug: 'dat-dai', name: 'Đất đai' }], { createFields: true });
    expect(result.errors.map((e) => [e.line, e.field, e.message])).to.deep.equal([
      [1, 'field', 'chứa ký tự hỏng (không phải Unicode hợp lệ)'],
      [2, 'question', 'chứa ký tự hỏng (không phải Unicode hợp lệ)'],
      [2, 'legal_basis.0.document', 'chứa ký tự hỏng (không phải Unicode hợp lệ)'],
    ]);
    expect(result.rows.map((r) => r.record.code)).to.deep.equal(['A-3']);
    expect(result.newFields).to.deep.equal([]);
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
