import { expect } from 'chai';
import { niceMax } from '../../server/analytics/analytics.charts.js';
import { csvField, csvValue, toCsv } from '../../server/analytics/analytics.csv.js';
import { makeRange, parseRange, vietnamDay } from '../../server/analytics/analytics.range.js';
import { changedKeys, parseAuditQuery, prettyJson } from '../../server/analytics/audit-viewer.js';
import { bigrams, clusterQuestions, jaccard, questionKey, type QuestionItem } from '../../server/analytics/question-clusters.js';

const at = new Date('2026-11-20T03:00:00Z');
const escalated = (text: string, when = at): QuestionItem => ({ text, reason: 'escalated', at: when });

describe('analytics: grouping near-identical questions', () => {
  it('reads a question with or without accents, boilerplate and final particles as the same key', () => {
    const key = questionKey('làm lại sổ đỏ bị mất');
    expect(key).to.equal('lam lai so do bi mat');
    expect(questionKey('lam lai so do bi mat a')).to.equal(key);
    expect(questionKey('Cho em hỏi làm lại sổ đỏ bị mất như thế nào ạ?')).to.equal(key);
  });

  it('measures Jaccard similarity over syllable bigrams', () => {
    expect(jaccard(bigrams('lam lai so do bi mat'), bigrams('lam lai so do bi mat'))).to.equal(1);
    expect(jaccard(bigrams('xin cap lai so do bi mat'), bigrams('lam lai so do bi mat'))).to.be.closeTo(4 / 7, 1e-9);
    expect(jaccard(bigrams('lam lai can cuoc bi mat'), bigrams('lam lai so do bi mat'))).to.be.closeTo(2 / 8, 1e-9);
    expect(jaccard(new Set(), new Set())).to.equal(0);
  });

  it('when two questions differ only by accents and a particle, then they count as one; a different question stays apart', () => {
    const clusters = clusterQuestions([escalated('làm lại sổ đỏ bị mất'), escalated('lam lai so do bi mat a'), escalated('làm lại căn cước bị mất')]);
    expect(clusters.map((c) => [c.count, c.variants])).to.deep.equal([
      [2, 2],
      [1, 1],
    ]);
    expect(clusters[1]!.representative).to.equal('làm lại căn cước bị mất');
  });

  it('merges a paraphrase close to the leader but does not chain small edits into unrelated questions', () => {
    const clusters = clusterQuestions([
      escalated('làm lại sổ đỏ bị mất'),
      escalated('làm lại sổ đỏ bị mất'),
      escalated('xin cấp lại sổ đỏ bị mất'),
      escalated('xin cấp lại sổ hộ khẩu bị mất'),
    ]);
    expect(clusters.map((c) => c.count)).to.deep.equal([3, 1]);
    expect(clusters[0]!.representative).to.equal('làm lại sổ đỏ bị mất');
    expect(clusters[0]!.examples).to.deep.equal(['xin cấp lại sổ đỏ bị mất']);
  });

  it('counts each reason and keeps the latest time', () => {
    const later = new Date('2026-11-21T03:00:00Z');
    const [cluster] = clusterQuestions([
      escalated('ly hôn đơn phương'),
      { text: 'ly hon don phuong', reason: 'consultant_requested', at: later },
      { text: 'Ly hôn đơn phương', reason: 'unhelpful', at },
    ]);
    expect(cluster).to.deep.include({ count: 3, escalated: 1, consultantRequested: 1, unhelpful: 1, lastAskedAt: later });
  });

  it('groups 20,000 questions with 5,000 distinct wordings sharing common words in well under two seconds', () => {
    const places = ['đất đai', 'nhà ở', 'hộ tịch', 'thừa kế', 'doanh nghiệp'];
    const subjects = Array.from({ length: 2500 }, (_, i) => `thủ tục ${i} về ${places[i % places.length]} tại xã ${Math.floor(i / 5)}`);
    const items = Array.from({ length: 20_000 }, (_, i) => escalated(`${i % 2 ? 'cho em hỏi ' : ''}${subjects[i % subjects.length]}${i % 4 < 2 ? '' : ' có mất phí không'}`));
    const started = performance.now();
    const clusters = clusterQuestions(items);
    expect(performance.now() - started).to.be.below(2000);
    expect(clusters.reduce((n, c) => n + c.count, 0)).to.equal(20_000);
    expect(clusters.length).to.be.above(500);
  });

  it('finds the same groups as comparing every pair with every leader', () => {
    const words = ['làm', 'lại', 'sổ', 'đỏ', 'bị', 'mất', 'xin', 'cấp', 'căn', 'cước', 'giấy', 'tờ', 'nhà', 'đất'];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const texts = Array.from({ length: 600 }, () => Array.from({ length: 3 + Math.floor(random() * 4) }, () => words[Math.floor(random() * words.length)]).join(' '));
    const fast = clusterQuestions(texts.map((t) => escalated(t)));
    // The same greedy pass, checking every leader.
    const keys = new Map<string, number>();
    for (const t of texts) keys.set(questionKey(t), (keys.get(questionKey(t)) ?? 0) + 1);
    const order = [...keys].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const leaders: { grams: Set<string>; count: number }[] = [];
    for (const [key, n] of order) {
      const grams = bigrams(key);
      let best = -1;
      let bestScore = -1;
      leaders.forEach((l, i) => {
        const s = jaccard(grams, l.grams);
        if (s >= 0.5 && s > bestScore) [best, bestScore] = [i, s];
      });
      if (best >= 0) leaders[best]!.count += n;
      else leaders.push({ grams, count: n });
    }
    expect(fast.map((c) => c.count).sort((a, b) => b - a)).to.deep.equal(leaders.map((l) => l.count).sort((a, b) => b - a));
  });

  it('skips empty questions', () => {
    expect(clusterQuestions([escalated('   '), escalated('')])).to.deep.equal([]);
  });
});

describe('analytics: CSV', () => {
  it('quotes fields with commas, quotes or line breaks (RFC 4180) and leaves others bare', () => {
    expect(csvField('đơn giản')).to.equal('đơn giản');
    expect(csvField('a,b')).to.equal('"a,b"');
    expect(csvField('nói "không"')).to.equal('"nói ""không"""');
    expect(csvField('dòng 1\r\ndòng 2')).to.equal('"dòng 1\r\ndòng 2"');
  });

  it('defuses spreadsheet formulas typed by citizens', () => {
    expect(csvValue('=HYPERLINK("http://x")', 'text')).to.equal(`'=HYPERLINK("http://x")`);
    expect(csvValue('+84 912', 'text')).to.equal(`'+84 912`);
    expect(csvValue('@SUM(A1)', 'text')).to.equal(`'@SUM(A1)`);
    expect(csvValue(-3, 'int')).to.equal('-3');
  });

  it('writes numbers plainly and times in Vietnam time', () => {
    expect(csvValue(0.3333, 'percent')).to.equal('33.3');
    expect(csvValue(null, 'percent')).to.equal('');
    expect(csvValue(9.25, 'minutes')).to.equal('9.3');
    expect(csvValue(new Date('2026-11-20T17:30:00Z'), 'datetime')).to.equal('2026-11-21 00:30');
  });

  it('starts with a BOM, ends every record with CRLF', () => {
    const text = toCsv({ name: 'questions', title: 't', columns: [{ key: 'a', label: 'Câu hỏi', format: 'text' }, { key: 'n', label: 'Số', format: 'int' }], rows: [{ a: 'x, y', n: 2 }] });
    expect(text).to.equal('\uFEFFCâu hỏi,Số\r\n"x, y",2\r\n');
  });
});

describe('analytics: date ranges in Vietnam time', () => {
  it('takes the Vietnam calendar day of an instant (UTC+7)', () => {
    expect(vietnamDay(new Date('2026-11-20T16:59:59Z'))).to.equal('2026-11-20');
    expect(vietnamDay(new Date('2026-11-20T17:00:00Z'))).to.equal('2026-11-21');
  });

  it('defaults to the last 30 days ending today, and bounds a range by Vietnam midnights', () => {
    const range = parseRange({}, new Date('2026-11-20T18:00:00Z'));
    expect(range).to.deep.include({ from: '2026-10-23', to: '2026-11-21' });
    expect(range.days).to.have.length(30);
    expect(range.start.toISOString()).to.equal('2026-10-22T17:00:00.000Z');
    expect(range.end.toISOString()).to.equal('2026-11-21T17:00:00.000Z');
  });

  it('accepts a lone from (to today) and refuses bad input', () => {
    expect(parseRange({ from: '2026-11-01' }, at)).to.deep.include({ from: '2026-11-01', to: '2026-11-20' });
    expect(() => parseRange({ from: '2026-13-01' }, at)).to.throw(/không hợp lệ/);
    expect(() => parseRange({ from: ['2026-11-01', '2026-11-02'] }, at)).to.throw(/không hợp lệ/);
    expect(() => makeRange('2026-11-02', '2026-11-01')).to.throw(/bắt đầu sau/);
    expect(() => makeRange('2024-01-01', '2026-01-01')).to.throw(/366/);
  });
});

describe('analytics: charts and the audit viewer', () => {
  it('rounds axis maxima to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 12, 99, 101].map(niceMax)).to.deep.equal([1, 1, 5, 10, 20, 100, 200]);
  });

  it('names the top-level fields an action changed', () => {
    expect(changedKeys({ a: 1, b: [1], c: 'x' }, { a: 1, b: [2], d: true })).to.deep.equal(['b', 'c', 'd']);
    expect(changedKeys(null, { a: 1 })).to.deep.equal([]);
    expect(prettyJson({ a: 1 })).to.equal('{\n  "a": 1\n}');
    expect(prettyJson(null)).to.equal(null);
  });

  it('reads the audit filters, lower-casing the email and refusing a bad page', () => {
    expect(parseAuditQuery({ actor: ' Lan@STP.gov.vn ', page: '2', action: '' })).to.deep.include({ actor: 'lan@stp.gov.vn', page: 2, action: undefined });
    expect(() => parseAuditQuery({ page: '0' })).to.throw(/Bộ lọc/);
    expect(() => parseAuditQuery({ from: '2026-11-02', to: '2026-11-01' })).to.throw(/bắt đầu sau/);
  });
});
