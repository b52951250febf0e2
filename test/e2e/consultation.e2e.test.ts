import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { launchBrowser, screenshotPath } from '../support/browser.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';

/** A consultant signs in, claims the question a citizen escalated from the widget, and replies. */
describe(`consultation in a real browser (${engineName})`, function () {
  this.timeout(90_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let browser: Browser;

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { OFFICE_HOURS: '0-6 00:00-24:00' }));
    await app.staff.service.createAccount({
      email: 'lan.nguyen@stp.example.gov.vn',
      role: 'consultant',
      displayName: 'Nguyễn Thị Lan',
      password: 'mật-khẩu-đủ-dài-2026',
      fieldSlugs: ['dat-dai'],
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('the citizen asks for a person in the widget; the consultant logs in, claims and replies; the widget shows the reply; both catch up on server:resync', async () => {
    const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const consolePage = await staffContext.newPage();
    await consolePage.goto(`${baseUrl}/staff/login`);
    await consolePage.getByLabel('Email').fill('lan.nguyen@stp.example.gov.vn');
    await consolePage.getByLabel('Mật khẩu').fill('mật-khẩu-đủ-dài-2026');
    await consolePage.getByRole('button', { name: 'Đăng nhập' }).click();
    await consolePage.waitForURL(`${baseUrl}/console`);
    await consolePage.getByText('Đã kết nối').waitFor();

    const citizenContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
    const citizen = await citizenContext.newPage();
    await citizen.goto(baseUrl);
    const widget = citizen.locator('#hoi-luat-widget');
    await widget.getByRole('button', { name: 'Hỏi đáp pháp luật' }).click();
    const box = widget.getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' });
    await box.fill('hàng xóm xây tường lấn sang đất nhà tôi phải làm sao');
    await box.press('Enter');
    await widget.locator('.msg.bot[data-kind="escalate"]').waitFor();
    await widget.locator('.msg.bot[data-kind="escalate"]').getByRole('button', { name: 'Gặp chuyên viên tư vấn' }).click();
    await widget.getByLabel('Họ tên (không bắt buộc)').fill('Trần Văn Bình');
    await widget.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    // Contact details without consent are refused with an explanation.
    await widget.getByText('Vui lòng đánh dấu đồng ý').waitFor();
    await widget.getByLabel(/Tôi đồng ý/).check();
    await widget.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    await widget.getByText(/Đang chờ chuyên viên: vị trí 1/).waitFor();

    const ticket = consolePage.locator('#queue .ticket').filter({ hasText: 'hàng xóm xây tường lấn sang đất' });
    await ticket.waitFor();
    await ticket.getByRole('button', { name: 'Nhận' }).click();
    await consolePage.locator('#transcript').getByText('hàng xóm xây tường lấn sang đất nhà tôi phải làm sao').waitFor();
    await consolePage.getByLabel('Trả lời người dân').fill('Chào anh Bình, anh nên đề nghị Ủy ban nhân dân cấp xã hòa giải trước.');
    await consolePage.getByRole('button', { name: 'Gửi trả lời' }).click();

    const reply = widget.locator('.msg.consultant');
    await reply.waitFor();
    expect(await reply.textContent()).to.contain('anh nên đề nghị Ủy ban nhân dân cấp xã hòa giải trước');
    expect(await widget.getByText(/Nguyễn Thị Lan đã nhận câu hỏi/).count()).to.equal(1);
    await consolePage.screenshot({ path: screenshotPath('console-conversation') });
    await citizen.screenshot({ path: screenshotPath('widget-phone-consultant-reply') });
    const [row] = await db.dataSource.query(`SELECT contact_name, consent_at IS NOT NULL AS consented FROM escalations ORDER BY created_at DESC LIMIT 1`);
    expect(row).to.deep.equal({ contact_name: 'Trần Văn Bình', consented: true });

    // Two messages stored through another instance whose broadcasts were lost (its database link
    // dropped): on server:resync the widget and the console read the conversation again.
    const [conversation] = await db.dataSource.query(`SELECT conversation_id AS id FROM escalations ORDER BY created_at DESC LIMIT 1`);
    await db.dataSource.query(
      `INSERT INTO messages (conversation_id, sender, kind, body) VALUES ($1, 'citizen', 'text', 'Tôi đã gửi đơn lên xã rồi.'), ($1, 'consultant', 'text', 'Vậy anh chờ xã trả lời trong 45 ngày.')`,
      [conversation.id],
    );
    app.io.of('/chat').local.emit('server:resync', {});
    app.io.of('/console').local.emit('server:resync', {});
    await widget.getByText('Vậy anh chờ xã trả lời trong 45 ngày.').waitFor();
    await consolePage.locator('#transcript').getByText('Tôi đã gửi đơn lên xã rồi.').waitFor();
    expect(await widget.getByText('Tôi đã gửi đơn lên xã rồi.').count(), 'shown once').to.equal(1);
    expect(await consolePage.locator('#transcript .msg').last().textContent()).to.contain('Vậy anh chờ xã trả lời trong 45 ngày.');
    await staffContext.close();
    await citizenContext.close();
  });
});
