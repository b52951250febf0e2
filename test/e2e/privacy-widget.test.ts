import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { launchBrowser, screenshotPath } from '../support/browser.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';

/** The citizen erases their conversation from the widget, in headless Chromium. */
describe(`widget: "Xóa cuộc trò chuyện" (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;

  const widget = (page: Page) => page.locator('#hoi-luat-widget');
  const savedToken = (page: Page) =>
    page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('hoi-luat:'));
      return key ? (JSON.parse(localStorage.getItem(key)!).token as string | null) : null;
    });

  async function ask(page: Page, text: string) {
    const before = await widget(page).locator('.msg.bot').count();
    await widget(page).getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).fill(text);
    await widget(page).getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).press('Enter');
    await page.waitForFunction((n) => document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelectorAll('.msg.bot').length > n, before);
  }

  async function openWidget(page: Page) {
    await page.goto(baseUrl);
    await widget(page).getByRole('button', { name: 'Hỏi đáp pháp luật' }).click();
  }

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { OFFICE_HOURS: '0-6 00:00-24:00' }));
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'vi-VN' });
  });
  afterEach(async () => context?.close());
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('asks for confirmation (focus on "Không xóa"), erases the conversation and contact details on the server, and starts afresh', async () => {
    const page = await context.newPage();
    await openWidget(page);
    await ask(page, 'hàng xóm xây nhà lấn sang đất nhà tôi thì làm thế nào');
    await widget(page).getByRole('button', { name: 'Gặp chuyên viên tư vấn' }).last().click();
    await widget(page).getByLabel('Họ tên (không bắt buộc)').fill('Lê Thị Hoa');
    await widget(page).getByLabel('Số điện thoại (không bắt buộc)').fill('0901 234 567');
    await widget(page).getByRole('checkbox').check();
    await widget(page).getByRole('button', { name: 'Gửi yêu cầu' }).click();
    await widget(page).getByText(/mã tra cứu|Đang chờ chuyên viên/).first().waitFor();
    const token = await savedToken(page);
    const [conversation] = await db.dataSource.query(`SELECT c.id FROM conversations c JOIN escalations e ON e.conversation_id = c.id WHERE e.contact_name = 'Lê Thị Hoa'`);
    expect(conversation).to.not.equal(undefined);

    // Changing one's mind keeps everything.
    await widget(page).getByRole('button', { name: 'Xóa cuộc trò chuyện' }).click();
    const dialog = widget(page).getByRole('alertdialog', { name: 'Xác nhận xóa cuộc trò chuyện' });
    await dialog.waitFor();
    expect(await dialog.textContent()).to.contain('Không thể hoàn tác');
    expect(await page.evaluate(() => document.querySelector('#hoi-luat-widget')!.shadowRoot!.activeElement?.textContent)).to.equal('Không xóa');
    await page.screenshot({ path: screenshotPath('widget-delete-confirmation') });
    await dialog.getByRole('button', { name: 'Không xóa' }).click();
    expect(await dialog.count()).to.equal(0);
    expect(await widget(page).locator('.msg.citizen').count()).to.equal(1);

    await widget(page).getByRole('button', { name: 'Xóa cuộc trò chuyện' }).click();
    await widget(page).getByRole('alertdialog').getByRole('button', { name: 'Xóa', exact: true }).click();
    await widget(page).getByText('Đã xóa cuộc trò chuyện. Bạn có thể đặt câu hỏi mới.').waitFor();
    expect(await widget(page).locator('.msg.citizen, .msg.bot').count()).to.equal(0);
    expect(await widget(page).locator('.queuebar').isHidden()).to.equal(true);
    expect(await widget(page).getByRole('button', { name: 'Gặp chuyên viên tư vấn' }).first().isVisible()).to.equal(true);
    expect(await savedToken(page)).to.equal(null);

    const [row] = await db.dataSource.query(
      `SELECT c.anonymised_at IS NOT NULL AS erased, (SELECT count(*)::int FROM messages WHERE conversation_id = c.id) AS messages,
              (SELECT count(*)::int FROM escalations WHERE conversation_id = c.id AND (contact_name <> '' OR contact_phone <> '' OR status IN ('queued', 'assigned'))) AS open
         FROM conversations c WHERE c.id = $1`,
      [conversation.id],
    );
    expect(row).to.deep.equal({ erased: true, messages: 0, open: 0 });

    // A new question opens a new conversation.
    await ask(page, 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?');
    const fresh = await savedToken(page);
    expect(fresh).to.be.a('string').and.not.equal(token);
  });

  it('another tab of the same conversation starts afresh too, and a reload does not bring it back', async () => {
    const first = await context.newPage();
    await openWidget(first);
    await ask(first, 'chia tai san khi ly hon');
    const second = await context.newPage();
    await second.goto(baseUrl); // the panel opens by itself: the first tab left it open
    await widget(second).locator('.msg.bot').first().waitFor();

    await widget(first).getByRole('button', { name: 'Xóa cuộc trò chuyện' }).click();
    await widget(first).getByRole('alertdialog').getByRole('button', { name: 'Xóa', exact: true }).click();
    await widget(second).getByText('Cuộc trò chuyện này đã được xóa. Bạn có thể đặt câu hỏi mới.').waitFor();
    expect(await widget(second).locator('.msg.bot').count()).to.equal(0);

    await second.reload();
    await widget(second).locator('.panel').waitFor();
    await second.waitForTimeout(300);
    expect(await widget(second).locator('.msg.bot, .msg.citizen').count()).to.equal(0);
  });
});
