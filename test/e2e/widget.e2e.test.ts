import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { launchBrowser, screenshotPath } from '../support/browser.js';
import { HOSTILE, seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';

/** The citizen's widget on the demo portal page, in headless Chromium. */
describe(`widget in a real browser (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];

  const widget = () => page.locator('#hoi-luat-widget');
  const bubbles = () => widget().locator('.msg');
  const lastBot = () => widget().locator('.msg.bot').last();

  async function ask(text: string) {
    const before = await widget().locator('.msg.bot').count();
    await widget().getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).fill(text);
    await widget().getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).press('Enter');
    await page.waitForFunction(
      (n) => document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelectorAll('.msg.bot').length > n,
      before,
    );
  }

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db));
    browser = await launchBrowser();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'vi-VN' });
    page = await context.newPage();
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await page.goto(baseUrl);
    await widget().getByRole('button', { name: 'Hỏi đáp pháp luật' }).click();
  });

  afterEach(async () => {
    await context.close();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('answers questions typed with and without diacritics, showing the legal basis and review date', async () => {
    await ask('Ly hôn thì con dưới 36 tháng tuổi ở với ai?');
    const text = (await lastBot().textContent()) ?? '';
    expect(text).to.contain('Căn cứ pháp lý');
    expect(text).to.contain('Điều 81, khoản 3, Luật Hôn nhân và gia đình (52/2014/QH13)');
    expect(text).to.contain('Nội dung được rà soát ngày 28/11/2026.');
    expect(text).to.contain('không thay thế ý kiến tư vấn');
    await ask('chia tai san khi ly hon');
    expect(await lastBot().locator('.answer-title').textContent()).to.equal('Khi ly hôn tài sản chung của vợ chồng được chia như thế nào?');
    await page.screenshot({ path: screenshotPath('widget-desktop-answer') });
  });

  it('offers a choice when two situations are close; the pick is answered and the hostile answer stays text', async () => {
    await ask('đăng ký khai sinh muộn cho con ở đâu');
    const options = lastBot().locator('.choice');
    expect(await options.count()).to.equal(2);
    const before = await widget().locator('.msg.bot').count();
    // Both options read the same; pick the one whose answer is hostile markup.
    const clarifyPayload = await page.evaluate(() => {
      const nodes = document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelectorAll('.msg.bot[data-kind="clarify"] .choice');
      return nodes.length;
    });
    expect(clarifyPayload).to.equal(2);
    await options.nth(0).click();
    await page.waitForFunction((n) => document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelectorAll('.msg.bot').length > n, before);
    await options.nth(1).click().catch(() => undefined); // already answered: buttons are disabled
    const answers = widget().locator('.msg.bot[data-kind="answer"]');
    expect(await answers.count()).to.equal(1);
    expect(await widget().locator('.msg.bot[data-kind="clarify"] .choice[disabled]').count()).to.equal(2);
    await ask('Đăng ký khai sinh muộn cho con thì làm ở đâu?');
    await lastBot().locator('.choice').nth(1).click();
    await page.waitForFunction(() => document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelectorAll('.msg.bot[data-kind="answer"]').length >= 2);
    const shadowHtml = await page.evaluate(() => document.querySelector('#hoi-luat-widget')!.shadowRoot!.innerHTML);
    expect(await widget().locator('img').count()).to.equal(0);
    expect(await widget().locator('script').count()).to.equal(0);
    expect(shadowHtml).to.not.contain('<img');
    if (shadowHtml.includes('alert(1)')) expect(shadowHtml).to.contain('&lt;img src=x onerror=');
    expect(dialogs).to.deep.equal([]);
  });

  it('renders a hostile message typed by the citizen as text', async () => {
    await ask(HOSTILE);
    const mine = widget().locator('.msg.citizen').last();
    expect(await mine.textContent()).to.contain(HOSTILE);
    expect(await widget().locator('img').count()).to.equal(0);
    expect(dialogs).to.deep.equal([]);
  });

  it('records a rating and thanks the citizen', async () => {
    await ask('ly di thi con nho o voi ai');
    await lastBot().getByRole('button', { name: /^Có, câu trả lời có giúp ích/ }).click();
    await page.waitForFunction(() => document.querySelector('#hoi-luat-widget')!.shadowRoot!.textContent!.includes('Cảm ơn bạn đã đánh giá.'));
    const [{ n }] = await db.dataSource.query('SELECT count(*) AS n FROM answer_feedback WHERE helpful');
    expect(n).to.be.greaterThan(0);
  });

  it('keeps the conversation across a reload, and "new conversation" starts afresh', async () => {
    await ask('chia tài sản khi ly hôn');
    const countBefore = await bubbles().count();
    await page.reload();
    await page.waitForFunction(
      (n) => document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelectorAll('.msg').length >= n,
      countBefore,
    );
    expect(await bubbles().count()).to.equal(countBefore);
    expect(await widget().locator('.panel').isVisible()).to.equal(true);
    await widget().getByRole('button', { name: 'Cuộc trò chuyện mới' }).click();
    expect(await bubbles().count()).to.equal(0);
  });

  it('queues a question typed while offline and sends it once when the connection returns', async () => {
    await ask('chào bạn');
    await context.setOffline(true);
    for (const s of app.io.of('/chat').sockets.values()) s.conn.close(); // the network drops
    await page.waitForFunction(() => /Mất kết nối|Ngoại tuyến/.test(document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelector('.status')!.textContent!));
    await widget().getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).fill('vợ chồng ly hôn chia tài sản chung ra sao');
    await widget().getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).press('Enter');
    expect(await widget().locator('.msg.citizen.pending').count()).to.equal(1);
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelectorAll('.msg.bot[data-kind="answer"]').length === 1, undefined, { timeout: 20_000 });
    expect(await widget().locator('.msg.citizen.pending').count()).to.equal(0);
    const rows = await db.dataSource.query(`SELECT count(*) AS n FROM messages WHERE body = 'vợ chồng ly hôn chia tài sản chung ra sao'`);
    expect(rows[0].n).to.equal(1);
  });

  it('keeps a question pending while the database is briefly unreachable, then starts the conversation and sends it once', async () => {
    // Every database call fails as it does while PostgreSQL restarts (connection refused).
    const createQueryRunner = db.dataSource.createQueryRunner;
    db.dataSource.createQueryRunner = () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    };
    try {
      await widget().getByRole('button', { name: 'Cuộc trò chuyện mới' }).click();
      await widget().getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).fill('ly hôn thì ai được nuôi con nhỏ dưới 36 tháng');
      await widget().getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).press('Enter');
      await page.waitForTimeout(2500); // the widget tries again every second meanwhile
      expect(await widget().locator('.msg.citizen.pending').count(), 'still pending').to.equal(1);
      expect(await widget().getByRole('button', { name: 'Gửi lại' }).count(), 'not given up').to.equal(0);
      expect(await widget().locator('.msg.system').count(), 'no error shown').to.equal(0);
    } finally {
      db.dataSource.createQueryRunner = createQueryRunner;
    }
    await page.waitForFunction(() => document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelectorAll('.msg.bot[data-kind="answer"]').length === 1, undefined, { timeout: 10_000 });
    expect(await widget().locator('.msg.citizen.pending').count()).to.equal(0);
    const rows = await db.dataSource.query(`SELECT count(*) AS n FROM messages WHERE body = 'ly hôn thì ai được nuôi con nhỏ dưới 36 tháng'`);
    expect(rows[0].n).to.equal(1);
  });

  it('is usable with the keyboard: Escape closes the panel and returns focus to the launcher', async () => {
    await page.keyboard.press('Escape');
    expect(await widget().locator('.panel').isVisible()).to.equal(false);
    const focused = await page.evaluate(() => document.querySelector('#hoi-luat-widget')!.shadowRoot!.activeElement?.textContent);
    expect(focused).to.equal('Hỏi đáp pháp luật');
  });

  it('fills a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await ask('ly hôn con dưới 36 tháng ở với ai');
    const box = await widget().locator('.panel').boundingBox();
    expect(box).to.include({ x: 0, y: 0, width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath('widget-phone-answer') });
  });
});
