import { expect } from 'chai';
import { changedFields, coalesce, diffSnapshots } from '../../server/admin/revision.diff.js';
import type { SituationSnapshot } from '../../server/knowledge/kb.repository.js';

const base: SituationSnapshot = {
  code: 'HN-1',
  field: 'hon-nhan-gia-dinh',
  question: 'Ly hôn thì con ở với ai?',
  alternates: ['con ở với ai khi ly dị'],
  answer: 'Con dưới 36 tháng tuổi được giao cho mẹ trực tiếp nuôi, trừ khi người mẹ không đủ điều kiện.',
  legal_basis: [{ document: '52/2014/QH13', article: 'Điều 81', clause: '3' }],
  tags: ['ly hôn'],
  status: 'published',
  reviewed_at: '2026-01-15',
};

describe('revision diff', () => {
  it('lists every field and marks only the changed ones', () => {
    const diff = diffSnapshots(base, { ...base, tags: ['ly hôn', 'nuôi con'], reviewed_at: '2026-11-28' }, new Map([['hon-nhan-gia-dinh', 'Hôn nhân và gia đình']]));
    expect(diff.map((d) => d.key)).to.deep.equal(['code', 'field', 'status', 'question', 'alternates', 'answer', 'legal_basis', 'tags', 'reviewed_at']);
    expect(diff.filter((d) => d.changed).map((d) => d.key)).to.deep.equal(['tags', 'reviewed_at']);
    expect(diff.find((d) => d.key === 'field')!.from).to.equal('Hôn nhân và gia đình');
    expect(diff.find((d) => d.key === 'reviewed_at')).to.include({ from: '15/01/2026', to: '28/11/2026' });
    expect(diff.find((d) => d.key === 'tags')!.parts).to.deep.equal([
      { value: 'ly hôn', added: false, removed: false },
      { value: 'nuôi con', added: true, removed: false },
    ]);
  });

  it('shows a rewritten clause as one deleted and one inserted phrase, not word by word', () => {
    const after = 'Con dưới 36 tháng tuổi được giao cho mẹ trực tiếp nuôi. Cha mẹ có thể thỏa thuận khác nếu phù hợp với lợi ích của con.';
    const answer = diffSnapshots(base, { ...base, answer: after }).find((d) => d.key === 'answer')!;
    const removed = answer.parts.filter((p) => p.removed).map((p) => p.value);
    const added = answer.parts.filter((p) => p.added).map((p) => p.value);
    expect(removed.length).to.be.at.most(2);
    expect(added.length).to.be.at.most(2);
    expect(removed.join('')).to.contain('người mẹ không đủ điều kiện');
    expect(added.join('')).to.contain('thỏa thuận khác nếu phù hợp');
    // Put back together, each side is exactly its text.
    expect(answer.parts.filter((p) => !p.added).map((p) => p.value).join('')).to.equal(base.answer);
    expect(answer.parts.filter((p) => !p.removed).map((p) => p.value).join('')).to.equal(after);
  });

  it('keeps long unchanged stretches between changes as they are', () => {
    const parts = coalesce([
      { value: 'a', added: false, removed: true },
      { value: ' giữ nguyên một đoạn dài ở giữa ', added: false, removed: false },
      { value: 'b', added: true, removed: false },
    ]);
    expect(parts).to.have.length(3);
  });

  it('names the changed fields of a revision, or "Tạo mới"', () => {
    expect(changedFields(null, base)).to.equal('Tạo mới');
    expect(changedFields(base, { ...base, answer: 'Khác.', status: 'archived' })).to.equal('Trạng thái, Câu trả lời');
  });
});
