import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { engineName, testDatabase } from '../support/database.js';
import { buildSituation, jsonl, tableCounts } from '../support/factories.js';
import { startTestApp } from '../support/http.js';
import { chatClient, request } from '../support/socket.js';
import { signedInStaff } from '../support/staff.js';
import { CON, DAT, dictionaryCopy, seedAdminKnowledge, situationFields, staffClient } from './admin.helpers.test.js';

describe(`admin console: situations, revisions, documents (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let admin: ReturnType<typeof staffClient>;
  let consultant: ReturnType<typeof staffClient>;
  let adminEmail: string;
  const sockets: Socket[] = [];

  const ask = async (question: string) =>
    (await (await fetch(`${baseUrl}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) })).json()) as any;
  const situation = async (code: string) => {
    const [row] = await db.dataSource.query(`SELECT code, answer, status, needs_review, reviewed_at, version FROM situations WHERE code = $1`, [code]);
    return row;
  };
  const revisions = (code: string) =>
    db.dataSource.query(`SELECT r.version, r.action, r.actor, r.before, r.after FROM situation_revisions r JOIN situations s ON s.id = r.situation_id WHERE s.code = $1 ORDER BY r.version`, [code]);
  const audit = (action: string) => db.dataSource.query(`SELECT actor_email, entity_id, before, after FROM audit_log WHERE action = $1 ORDER BY id`, [action]);

  before(async () => {
    db = await testDatabase();
    await seedAdminKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { DICTIONARY_PATH: dictionaryCopy(), CHAT_MESSAGES_PER_MINUTE: '100', CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '1000', CHAT_MESSAGES_PER_MINUTE_PER_IP: '10000', PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '100000' }));
    const a = await signedInStaff(app, { role: 'admin', name: 'Quản trị viên' });
    adminEmail = a.account.email;
    admin = staffClient(baseUrl, a.cookie);
    consultant = staffClient(baseUrl, (await signedInStaff(app)).cookie);
  });

  afterEach(() => {
    while (sockets.length) sockets.pop()!.disconnect();
  });

  after(() => app.close());

  describe('access', () => {
    const pages = ['/admin', '/admin/situations', '/admin/situations/new', '/admin/situations/HN-CON', '/admin/situations/HN-CON/revisions', '/admin/situations/HN-CON/diff', '/admin/review', '/admin/documents', '/admin/documents/new', '/admin/dictionary', '/admin/dictionary/0', '/admin/dictionary/raw', '/admin/ask?q=ly+h%C3%B4n', '/admin/import', '/admin/export'];
    const actions: [string, Record<string, string>][] = [
      ['/admin/situations', situationFields({ ...CON, code: 'X-1' }) as Record<string, string>],
      ['/admin/situations/HN-CON', { answer: 'đổi' }],
      ['/admin/situations/HN-CON/status', { status: 'archived' }],
      ['/admin/situations/NHAP-ABCD2345/status', { status: 'published' }],
      ['/admin/situations/HN-CON/reviewed', {}],
      ['/admin/situations/HN-CON/revisions/1/restore', {}],
      ['/admin/documents', { number: '1/2026/QH16', title: 'Luật thử' }],
      ['/admin/import/00000000-0000-0000-0000-000000000000/commit', {}],
      ['/admin/dictionary', { kind: 'synonym', terms: 'a\nb' }],
      ['/admin/dictionary/0', { kind: 'synonym', terms: 'a\nb' }],
      ['/admin/dictionary/0/delete', {}],
      ['/admin/dictionary/raw', { dictionary: '{}' }],
    ];

    it('/admin redirects an admin to the situations list, and every page renders with the navigation', async () => {
      const home = await admin.page('/admin');
      expect(home.status).to.equal(303);
      expect(home.headers.get('location')).to.equal('/admin/situations');
      for (const p of pages.slice(1).filter((x) => x !== '/admin/export')) {
        const res = await admin.page(p);
        const html = await res.text();
        expect(res.status, p).to.equal(200);
        expect(res.headers.get('content-security-policy'), p).to.contain("default-src 'none'");
        for (const label of ['Tình huống', 'Chờ duyệt', 'Văn bản pháp luật', 'Từ điển', 'Hỏi thử', 'Nhập/Xuất', 'Thống kê', 'Nhật ký']) expect(html, `${p} nav`).to.contain(`>${label}</a>`);
        expect(html, p).to.contain('href="/admin/analytics"');
      }
    });

    it('a consultant gets 403 on every admin page and action, and nothing changes', async () => {
      const before = await tableCounts(db.dataSource);
      for (const p of pages) expect((await consultant.get(p)).status, p).to.equal(403);
      for (const [p, fields] of actions) {
        const res = await consultant.form(p, fields);
        expect(res.status, p).to.equal(403);
        expect((await res.json()).error.code, p).to.equal('forbidden');
      }
      const upload = await consultant.upload('/admin/import', { name: 'a.jsonl', bytes: jsonl([buildSituation()]) });
      expect(upload.status).to.equal(403);
      expect(await tableCounts(db.dataSource)).to.deep.equal(before);
      expect(await situation('HN-CON')).to.include({ status: 'published', version: 1 });
    });

    it('nobody signed in: pages redirect to the login page, other requests get 401', async () => {
      const page = await fetch(`${baseUrl}/admin/situations`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(page.status).to.equal(303);
      expect(page.headers.get('location')).to.equal('/staff/login?next=%2Fadmin%2Fsituations');
      const post = await fetch(`${baseUrl}/admin/situations/HN-CON/status`, { method: 'POST', body: new URLSearchParams({ status: 'archived' }), redirect: 'manual' });
      expect(post.status).to.equal(401);
    });

    it('an admin without the CSRF token gets 403 csrf_failed on every action, and nothing changes', async () => {
      const before = await tableCounts(db.dataSource);
      for (const [p, fields] of actions) {
        const res = await admin.form(p, fields, { withCsrf: false });
        expect(res.status, p).to.equal(403);
        expect((await res.json()).error.code, p).to.equal('csrf_failed');
      }
      const wrong = await admin.form('/admin/situations/HN-CON/status', { status: 'archived', _csrf: 'x'.repeat(43) }, { withCsrf: false });
      expect(wrong.status).to.equal(403);
      const upload = await admin.upload('/admin/import', { name: 'a.jsonl', bytes: jsonl([buildSituation()]) }, {}, { withCsrf: false });
      expect(upload.status).to.equal(403);
      expect(await tableCounts(db.dataSource)).to.deep.equal(before);
      expect(await situation('HN-CON')).to.include({ status: 'published', version: 1 });
    });

    it('escapes situation text everywhere it is shown', async () => {
      for (const p of ['/admin/situations?q=KS-EVIL', '/admin/situations/KS-EVIL']) {
        const html = await (await admin.page(p)).text();
        expect(html, p).to.not.contain('<script>alert(2)</script>');
        expect(html, p).to.not.contain('<img src=x');
      }
      const html = await (await admin.page('/admin/situations/KS-EVIL')).text();
      expect(html).to.contain('&lt;script&gt;alert(2)&lt;/script&gt;');
    });
  });

  describe('situations', () => {
    it('lists with search by the matcher and by code, filters and a preview of the answer', async () => {
      const byMatcher = await (await admin.page('/admin/situations?q=' + encodeURIComponent('bố mẹ ly dị thì con nhỏ ở với ai'))).text();
      expect(byMatcher).to.contain('href="/admin/situations/HN-CON"');
      const byCode = await (await admin.page('/admin/situations?q=dd-ranh')).text();
      expect(byCode).to.contain('href="/admin/situations/DD-RANH"');
      expect(byCode).to.not.contain('href="/admin/situations/HN-CON"');
      const drafts = await (await admin.page('/admin/situations?status=draft')).text();
      expect(drafts).to.contain('NHAP-ABCD2345');
      expect(drafts).to.not.contain('href="/admin/situations/HN-CON"');
      const byField = await (await admin.page('/admin/situations?field=dat-dai')).text();
      expect(byField).to.contain('DD-RANH');
      expect(byField).to.not.contain('href="/admin/situations/HN-CON"');
      // Not reviewed for 6 months: HN-CON was reviewed in January 2025, DD-RANH never.
      const stale = await (await admin.page('/admin/situations?older=6')).text();
      expect(stale).to.contain('DD-RANH');
      const edit = await (await admin.page('/admin/situations/HN-CON')).text();
      expect(edit).to.contain('Căn cứ pháp lý');
      expect(edit).to.contain('Điều 81, khoản 3, Luật Hôn nhân và gia đình (52/2014/QH13)');
      expect(edit).to.contain('Nội dung được rà soát ngày 15/01/2025.');
    });

    it('shows consultants’ drafts (NHAP-…) in the review list, and publishing one makes the bot answer it at once', async () => {
      const review = await (await admin.page('/admin/review')).text();
      expect(review).to.contain('NHAP-ABCD2345');
      expect((await ask('mất giấy chứng nhận quyền sử dụng đất xin cấp lại ở đâu')).answer?.code).to.not.equal('NHAP-ABCD2345');
      const res = await admin.form('/admin/situations/NHAP-ABCD2345/status', { status: 'published', back: 'review' });
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.equal('/admin/review?done=status');
      const answer = await ask('mất giấy chứng nhận quyền sử dụng đất xin cấp lại ở đâu');
      expect(answer.decision).to.equal('answer');
      expect(answer.answer.code).to.equal('NHAP-ABCD2345');
      const [rev] = (await revisions('NHAP-ABCD2345')).slice(-1);
      expect(rev).to.include({ version: 2, action: 'status', actor: adminEmail });
      expect(rev.before.status).to.equal('draft');
      expect(rev.after.status).to.equal('published');
      const [entry] = await audit('situation.publish');
      expect(entry).to.include({ actor_email: adminEmail, entity_id: 'NHAP-ABCD2345' });
    });

    it('creates a situation (revision and audit written) that the matcher answers with at once', async () => {
      const fields = situationFields({
        code: 'DD-CAPLAI',
        field: 'dat-dai',
        question: 'Sổ đỏ bị cháy thì làm lại như thế nào?',
        alternates: ['giấy chứng nhận bị hỏng do hỏa hoạn'],
        answer: 'Người sử dụng đất nộp đơn đề nghị cấp đổi tại văn phòng đăng ký đất đai.',
        legal_basis: [{ document: '31/2024/QH15', article: 'Điều 136' }],
        tags: ['sổ đỏ'],
        status: 'published',
      });
      const res = await admin.form('/admin/situations', fields);
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.equal('/admin/situations/DD-CAPLAI?done=created');
      const answer = await ask('sổ đỏ bị cháy làm lại thế nào');
      expect(answer.decision).to.equal('answer');
      expect(answer.answer.code).to.equal('DD-CAPLAI');
      expect(answer.answer.legal_basis[0]).to.include({ document: '31/2024/QH15', title: 'Luật Đất đai', document_status: 'in_force' });
      const [rev] = await revisions('DD-CAPLAI');
      expect(rev).to.include({ version: 1, action: 'create', actor: adminEmail });
      expect(rev.before).to.equal(null);
      const [entry] = await audit('situation.create');
      expect(entry.entity_id).to.equal('DD-CAPLAI');
      expect(entry.after.answer).to.contain('văn phòng đăng ký đất đai');
      const dup = await admin.form('/admin/situations', { ...fields, code: 'dd-caplai' });
      expect(dup.status).to.equal(409);
      expect((await dup.json()).error.code).to.equal('code_taken');
    });

    it('an edit reaches the matcher immediately, with a revision and an audit entry holding before and after', async () => {
      const current = await situation('HN-CON');
      const newAnswer = 'Con dưới 36 tháng tuổi do mẹ trực tiếp nuôi; cha mẹ có thể thỏa thuận khác nếu phù hợp với lợi ích của con.';
      const res = await admin.form('/admin/situations/HN-CON', situationFields({ ...CON, answer: newAnswer }, current.version));
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.equal('/admin/situations/HN-CON?done=saved');
      const answer = await ask('ly hôn thì con dưới 36 tháng ở với ai');
      expect(answer.decision).to.equal('answer');
      expect(answer.answer.answer).to.equal(newAnswer);
      const last = (await revisions('HN-CON')).pop();
      expect(last).to.include({ version: current.version + 1, action: 'update', actor: adminEmail });
      expect(last.before.answer).to.equal(CON.answer);
      expect(last.after.answer).to.equal(newAnswer);
      const entry = (await audit('situation.update')).pop();
      expect(entry.before.answer).to.equal(CON.answer);
      expect(entry.after.answer).to.equal(newAnswer);
    });

    it('refuses an edit made on an older version (409) and an invalid one (400), and changes nothing', async () => {
      const current = await situation('HN-CON');
      const stale = await admin.form('/admin/situations/HN-CON', situationFields({ ...CON, answer: 'bản cũ' }, current.version - 1));
      expect(stale.status).to.equal(409);
      expect((await stale.json()).error.code).to.equal('version_conflict');
      const invalid = await admin.form('/admin/situations/HN-CON', situationFields({ ...CON, question: '   ' }, current.version));
      expect(invalid.status).to.equal(400);
      const body = await invalid.json();
      expect(body.error.code).to.equal('invalid_situation');
      expect(body.error.details.errors[0].field).to.equal('question');
      const page = await admin.form('/admin/situations/HN-CON', situationFields({ ...CON, field: 'khong-co' }, current.version), { accept: 'text/html' });
      expect(page.status).to.equal(400);
      expect(await page.text()).to.contain('không có trong hệ thống');
      expect(await situation('HN-CON')).to.deep.equal(current);
    });

    it('previews an unsaved edit as the bot would answer, without saving', async () => {
      const current = await situation('HN-CON');
      const res = await admin.form('/admin/situations/HN-CON', { ...situationFields({ ...CON, answer: 'Đoạn một.\n\nĐoạn hai.' }, current.version), intent: 'preview' }, { accept: 'text/html' });
      expect(res.status).to.equal(200);
      const html = await res.text();
      expect(html).to.contain('<p>Đoạn một.</p><p>Đoạn hai.</p>');
      expect(html).to.contain('(bản chưa lưu)');
      expect(await situation('HN-CON')).to.deep.equal(current);
    });

    it('archives and restores to published: archived situations are not answered', async () => {
      const archived = await admin.form('/admin/situations/DD-RANH/status', { status: 'archived' });
      expect(archived.status).to.equal(303);
      expect((await ask('hàng xóm xây tường lấn sang đất nhà tôi')).answer?.code).to.not.equal('DD-RANH');
      expect((await revisions('DD-RANH')).pop()).to.include({ action: 'archive' });
      await admin.form('/admin/situations/DD-RANH/status', { status: 'published' });
      expect((await ask('hàng xóm xây tường lấn sang đất nhà tôi')).answer?.code).to.equal('DD-RANH');
      const bad = await admin.form('/admin/situations/DD-RANH/status', { status: 'deleted' });
      expect(bad.status).to.equal(400);
    });
  });

  describe('revisions', () => {
    it('lists revisions, shows a word diff between any two, and restores an old one as a new revision', async () => {
      const first = await situation('DD-RANH');
      const changed = 'Các bên tự hòa giải; nếu không thành, gửi đơn đến Ủy ban nhân dân cấp xã nơi có đất.';
      await admin.form('/admin/situations/DD-RANH', situationFields({ ...DAT, answer: changed, tags: ['đất đai', 'ranh giới'] }, first.version));
      const list = await (await admin.page('/admin/situations/DD-RANH/revisions')).text();
      expect(list).to.contain('Khôi phục phiên bản này');
      const all = await revisions('DD-RANH');
      const latest = all[all.length - 1].version;
      const diff = await (await admin.page(`/admin/situations/DD-RANH/diff?from=1&to=${latest}`)).text();
      expect(diff).to.contain('<del>');
      expect(diff).to.contain('<ins>');
      expect(diff).to.match(/<ins class="line added">\+ ranh giới<\/ins>/);
      expect(diff).to.contain('Câu trả lời');
      const restore = await admin.form(`/admin/situations/DD-RANH/revisions/1/restore`, { current: String(latest) });
      expect(restore.status).to.equal(303);
      const after = await revisions('DD-RANH');
      const last = after[after.length - 1];
      expect(last).to.include({ version: latest + 1, action: 'restore', actor: adminEmail });
      expect(last.after.answer).to.equal(DAT.answer);
      expect(last.after.tags).to.deep.equal(['đất đai']);
      expect((await ask('hàng xóm xây tường lấn sang đất nhà tôi')).answer.answer).to.equal(DAT.answer);
      expect((await audit('situation.restore')).pop().entity_id).to.equal('DD-RANH');
      const again = await admin.form(`/admin/situations/DD-RANH/revisions/1/restore`, {});
      expect(again.status).to.equal(409);
      const missing = await admin.form(`/admin/situations/DD-RANH/revisions/999/restore`, {});
      expect(missing.status).to.equal(404);
    });
  });

});

describe(`admin console: the legal-document registry and review (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let admin: ReturnType<typeof staffClient>;
  const sockets: Socket[] = [];

  const ask = async (question: string) =>
    (await (await fetch(`${baseUrl}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) })).json()) as any;
  const situation = async (code: string) => {
    const [row] = await db.dataSource.query(`SELECT code, answer, status, needs_review, reviewed_at, version FROM situations WHERE code = $1`, [code]);
    return row;
  };
  const audit = (action: string) => db.dataSource.query(`SELECT actor_email, entity_id, before, after FROM audit_log WHERE action = $1 ORDER BY id`, [action]);

  // A fresh app: its matcher starts from what the database holds.
  before(async () => {
    db = await testDatabase();
    await seedAdminKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { DICTIONARY_PATH: dictionaryCopy(), CHAT_MESSAGES_PER_MINUTE: '100', CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '1000', CHAT_MESSAGES_PER_MINUTE_PER_IP: '10000', PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '100000' }));
    admin = staffClient(baseUrl, (await signedInStaff(app, { role: 'admin' })).cookie);
  });

  afterEach(() => {
    while (sockets.length) sockets.pop()!.disconnect();
  });

  after(() => app.close());

  describe('legal documents', () => {
    it('repealing a document flags and withholds every situation citing it until reviewed; the citation notes the successor', async () => {
      const created = await admin.form('/admin/documents', { number: '99/2026/QH15', title: 'Luật Hôn nhân và gia đình (sửa đổi)', type: 'law', status: 'in_force', issuer: 'Quốc hội', effective_date: '2027-01-01' });
      expect(created.status).to.equal(303);
      const [{ id }] = await db.dataSource.query(`SELECT id FROM legal_documents WHERE number = '52/2014/QH13'`);
      const pre = await ask('ly hôn thì con dưới 36 tháng ở với ai');
      expect(pre.answer?.code, JSON.stringify(pre)).to.equal('HN-CON');

      const repeal = await admin.form(`/admin/documents/${id}`, { number: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', type: 'law', status: 'repealed', replaced_by: '99/2026/qh15' });
      expect(repeal.status).to.equal(303);
      expect(repeal.headers.get('location')).to.equal(`/admin/documents/${id}?done=saved&flagged=1`);
      expect(await situation('HN-CON')).to.include({ needs_review: true });
      const [entry] = await audit('document.repeal');
      expect(entry.before.status).to.equal('in_force');
      expect(entry.after).to.include({ status: 'repealed', replaced_by: '99/2026/QH15' });
      expect(entry.after.flagged_situations).to.deep.equal(['HN-CON']);

      // Withheld: the HTTP API and the chat do not answer with it, the public read 404s.
      const asked = await ask('ly hôn thì con dưới 36 tháng ở với ai');
      expect(asked.answer?.code).to.not.equal('HN-CON');
      expect(asked.candidates.map((c: { code: string }) => c.code)).to.not.include('HN-CON');
      expect((await fetch(`${baseUrl}/api/v1/situations/HN-CON`)).status).to.equal(404);
      const citizen = await chatClient(baseUrl);
      sockets.push(citizen);
      await request(citizen, 'conversation:start');
      const sent = await request(citizen, 'message:send', { clientId: 'withheld-1', text: 'ly hôn thì con dưới 36 tháng ở với ai' });
      expect(sent.error).to.equal(undefined);
      expect(sent.data.replies[0].kind).to.not.equal('answer');
      expect(JSON.stringify(sent.data.replies)).to.not.contain('HN-CON');

      // Listed for the admin, with the reason.
      const review = await (await admin.page('/admin/review')).text();
      expect(review).to.contain('href="/admin/situations/HN-CON"');
      expect(review).to.contain('52/2014/QH13');
      expect(review).to.contain('Tạm ngưng trả lời');
      const docPage = await (await admin.page(`/admin/documents/${id}?done=saved&flagged=1`)).text();
      expect(docPage).to.contain('1 tình huống trích dẫn văn bản này được đánh dấu cần rà soát');
      const flaggedList = await (await admin.page('/admin/situations?review=1')).text();
      expect(flaggedList).to.contain('HN-CON');

      // Reviewed: answered again, and the answer says the document was repealed and by what.
      const reviewed = await admin.form('/admin/situations/HN-CON/reviewed', {});
      expect(reviewed.status).to.equal(303);
      expect(await situation('HN-CON')).to.include({ needs_review: false });
      const again = await ask('ly hôn thì con dưới 36 tháng ở với ai');
      expect(again.answer.code).to.equal('HN-CON');
      expect(again.answer.legal_basis[0]).to.include({ document: '52/2014/QH13', document_status: 'repealed' });
      expect(again.answer.legal_basis[0].replaced_by).to.deep.equal({ document: '99/2026/QH15', title: 'Luật Hôn nhân và gia đình (sửa đổi)' });
      const chat = await request(citizen, 'message:send', { clientId: 'withheld-2', text: 'ly hôn thì con dưới 36 tháng ở với ai' });
      const reply = chat.data.replies[0];
      expect(reply.kind).to.equal('answer');
      expect(reply.payload.situation.legal_basis[0].status).to.equal('repealed');
      expect(reply.payload.situation.legal_basis[0].note).to.equal('Văn bản này đã hết hiệu lực, được thay thế bởi Luật Hôn nhân và gia đình (sửa đổi) số 99/2026/QH15.');
      expect((await audit('situation.review')).pop().entity_id).to.equal('HN-CON');
      // The edit page's preview carries the same note.
      expect(await (await admin.page('/admin/situations/HN-CON')).text()).to.contain('được thay thế bởi Luật Hôn nhân và gia đình (sửa đổi) số 99/2026/QH15');
    });

    it('marking a document amended flags its situations; a later reviewed date or the “reviewed” box clears the flag', async () => {
      const [{ id }] = await db.dataSource.query(`SELECT id FROM legal_documents WHERE number = '31/2024/QH15'`);
      const doc = { number: '31/2024/QH15', title: 'Luật Đất đai', type: 'law', status: 'amended', amended_by: '43/2024/QH15' };
      const res = await admin.form(`/admin/documents/${id}`, doc);
      expect(res.status).to.equal(303);
      const flagged = await db.dataSource.query(`SELECT code FROM situations WHERE needs_review ORDER BY code`);
      expect(flagged.map((r: { code: string }) => r.code)).to.deep.equal(['DD-RANH']);
      expect((await ask('hàng xóm xây tường lấn sang đất nhà tôi')).answer?.code).to.not.equal('DD-RANH');
      // Saving without a new reviewed date keeps it withheld; with a later date it is answered again.
      const current = await situation('DD-RANH');
      await admin.form('/admin/situations/DD-RANH', situationFields({ ...DAT, answer: DAT.answer + ' (đã kiểm tra)' }, current.version));
      expect(await situation('DD-RANH')).to.include({ needs_review: true });
      const next = await situation('DD-RANH');
      await admin.form('/admin/situations/DD-RANH', situationFields({ ...DAT, answer: DAT.answer + ' (đã kiểm tra)', reviewed_at: '2026-11-27' }, next.version));
      expect(await situation('DD-RANH')).to.include({ needs_review: false, reviewed_at: '2026-11-27' });
      const answered = await ask('hàng xóm xây tường lấn sang đất nhà tôi');
      expect(answered.answer?.code).to.equal('DD-RANH');
      expect(answered.answer.legal_basis[0].document_status).to.equal('amended');
      // A further amendment flags it again; the edit form's box marks it reviewed today.
      await admin.form(`/admin/documents/${id}`, { ...doc, amended_by: '43/2024/QH15\n47/2025/QH15' });
      expect(await situation('DD-RANH')).to.include({ needs_review: true });
      const again = await situation('DD-RANH');
      await admin.form('/admin/situations/DD-RANH', { ...situationFields({ ...DAT, answer: again.answer, reviewed_at: '2026-11-27' }, again.version), mark_reviewed: '1' });
      const cleared = await situation('DD-RANH');
      expect(cleared.needs_review).to.equal(false);
      expect(cleared.reviewed_at > '2026-11-27').to.equal(true);
      expect((await ask('hàng xóm xây tường lấn sang đất nhà tôi')).answer?.code).to.equal('DD-RANH');
    });

    it('a registry edit that flags nothing (a corrected title) reaches the citizens’ answers at once', async () => {
      const [{ id }] = await db.dataSource.query(`SELECT id FROM legal_documents WHERE number = '31/2024/QH15'`);
      expect((await ask('hàng xóm xây tường lấn sang đất nhà tôi')).answer.legal_basis[0].title).to.equal('Luật Đất đai');
      const res = await admin.form(`/admin/documents/${id}`, { number: '31/2024/QH15', title: 'Luật Đất đai năm 2024', type: 'law', status: 'amended', amended_by: '43/2024/QH15\n47/2025/QH15' });
      expect(res.headers.get('location')).to.contain('flagged=0');
      expect((await ask('hàng xóm xây tường lấn sang đất nhà tôi')).answer.legal_basis[0].title).to.equal('Luật Đất đai năm 2024');
    });

    it('refuses a successor missing from the registry, a taken number and a document replacing itself', async () => {
      const before = await tableCounts(db.dataSource);
      const [{ id }] = await db.dataSource.query(`SELECT id FROM legal_documents WHERE number = '99/2026/QH15'`);
      const missing = await admin.form(`/admin/documents/${id}`, { number: '99/2026/QH15', title: 'X', status: 'repealed', replaced_by: '1/2099/QH99' });
      expect(missing.status).to.equal(400);
      expect((await missing.json()).error.code).to.equal('unknown_successor');
      const taken = await admin.form('/admin/documents', { number: '52/2014/qh13', title: 'Trùng' });
      expect(taken.status).to.equal(409);
      const self = await admin.form(`/admin/documents/${id}`, { number: '99/2026/QH15', title: 'X', status: 'repealed', replaced_by: '99/2026/QH15' });
      expect(self.status).to.equal(400);
      const badDate = await admin.form('/admin/documents', { number: '7/2026/QH16', title: 'Y', effective_date: '2026-02-30' });
      expect(badDate.status).to.equal(400);
      expect(await tableCounts(db.dataSource)).to.deep.equal(before);
      const list = await (await admin.page('/admin/documents?status=repealed')).text();
      expect(list).to.contain('52/2014/QH13');
      expect(list).to.not.contain('31/2024/QH15');
    });
  });
});

describe(`admin console with WITHHOLD_UNREVIEWED=false (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;

  before(async () => {
    db = await testDatabase();
    await seedAdminKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { WITHHOLD_UNREVIEWED: 'false', DICTIONARY_PATH: dictionaryCopy(), PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '100000' }));
  });

  after(() => app.close());

  it('a situation citing a repealed document is flagged for review but still answered, with the note', async () => {
    const admin = staffClient(baseUrl, (await signedInStaff(app, { role: 'admin' })).cookie);
    const [{ id }] = await db.dataSource.query(`SELECT id FROM legal_documents WHERE number = '52/2014/QH13'`);
    const res = await admin.form(`/admin/documents/${id}`, { number: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', type: 'law', status: 'repealed' });
    expect(res.status).to.equal(303);
    const [row] = await db.dataSource.query(`SELECT needs_review FROM situations WHERE code = 'HN-CON'`);
    expect(row.needs_review).to.equal(true);
    const answer = await (await fetch(`${baseUrl}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'ly hôn thì con dưới 36 tháng ở với ai' }) })).json();
    expect(answer.answer.code).to.equal('HN-CON');
    expect(answer.answer.legal_basis[0].document_status).to.equal('repealed');
    expect(await (await admin.page('/admin/review')).text()).to.contain('HN-CON');
  });
});
