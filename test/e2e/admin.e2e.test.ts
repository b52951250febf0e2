import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { launchBrowser, screenshotPath } from '../support/browser.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';
import { dictionaryCopy, seedAdminKnowledge } from '../api/admin.helpers.test.js';

/** An admin edits an answer in the console; a citizen asking in the widget gets the new text. */
describe(`admin console in a real browser (${engineName})`, function () {
  this.timeout(90_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let browser: Browser;

  before(async () => {
    db = await testDatabase();
    await seedAdminKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { DICTIONARY_PATH: dictionaryCopy(), PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '100000' }));
    await app.staff.service.createAccount({
      email: 'quan.tri@stp.example.gov.vn',
      role: 'admin',
      displayName: 'Lê Văn Quản',
      password: 'mật-khẩu-quản-trị-2026',
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('the admin logs in, edits a situation’s answer in the console, and the widget then gives the new answer', async () => {
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'vi-VN' });
    const console = await adminContext.newPage();
    const cspErrors: string[] = [];
    console.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await console.goto(`${baseUrl}/staff/login`);
    await console.getByLabel('Email').fill('quan.tri@stp.example.gov.vn');
    await console.getByLabel('Mật khẩu').fill('mật-khẩu-quản-trị-2026');
    await console.getByRole('button', { name: 'Đăng nhập' }).click();
    await console.waitForURL(`${baseUrl}/admin/situations`);

    await console.getByLabel(/^Tìm/).fill('bố mẹ ly dị thì con nhỏ ở với ai');
    await console.getByRole('button', { name: 'Lọc' }).click();
    await console.getByRole('link', { name: 'HN-CON' }).click();
    await console.waitForURL(`${baseUrl}/admin/situations/HN-CON`);
    await console.screenshot({ path: screenshotPath('admin-situation-edit'), fullPage: true });

    const newAnswer = 'Theo quy định, con dưới 36 tháng tuổi được giao cho mẹ trực tiếp nuôi. Cha mẹ có thể thỏa thuận khác nếu phù hợp với lợi ích của con.';
    await console.getByLabel('Câu trả lời', { exact: true }).fill(newAnswer);
    await console.getByRole('button', { name: 'Xem trước câu trả lời' }).click();
    await console.getByText('Người dân sẽ thấy (bản chưa lưu)').waitFor();
    expect(await console.locator('.preview .answer-text').textContent()).to.contain('Cha mẹ có thể thỏa thuận khác');
    await console.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await console.getByText('Đã lưu thay đổi. Trợ lý dùng nội dung mới ngay.').waitFor();
    expect(cspErrors, cspErrors.join('\n')).to.deep.equal([]);

    const citizenContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
    const citizen = await citizenContext.newPage();
    await citizen.goto(baseUrl);
    const widget = citizen.locator('#hoi-luat-widget');
    await widget.getByRole('button', { name: 'Hỏi đáp pháp luật' }).click();
    const box = widget.getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' });
    await box.fill('ly hôn thì con dưới 36 tháng tuổi ở với ai');
    await box.press('Enter');
    const answer = widget.locator('.msg.bot[data-kind="answer"]');
    await answer.waitFor();
    expect(await answer.textContent()).to.contain('Cha mẹ có thể thỏa thuận khác nếu phù hợp với lợi ích của con.');
    await citizen.screenshot({ path: screenshotPath('widget-after-admin-edit') });

    // The history shows the edit as a revision with a diff.
    await console.getByRole('link', { name: 'Lịch sử thay đổi' }).click();
    await console.getByRole('link', { name: 'xem khác biệt' }).first().click();
    await console.locator('.diff ins').first().waitFor();
    await console.screenshot({ path: screenshotPath('admin-revision-diff'), fullPage: true });
    await adminContext.close();
    await citizenContext.close();
  });
});
