import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { launchBrowser } from '../support/browser.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';
import { chatClient, request } from '../support/socket.js';
import { signedInStaff } from '../support/staff.js';

/** Records CSP violations two ways: the DOM event (with the directive) and the console message. */
function watchCsp(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to (load|apply|execute|connect|frame)/i.test(text)) problems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

const RECORD_VIOLATIONS = () => {
  (window as unknown as { __csp: string[] }).__csp = [];
  document.addEventListener(
    'securitypolicyviolation',
    (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
    true,
  );
};

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);

async function askInWidget(page: Page, text: string) {
  const widget = page.locator('#hoi-luat-widget');
  await widget.getByRole('button', { name: 'Hỏi đáp pháp luật' }).click();
  await widget.getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).fill(text);
  await widget.getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).press('Enter');
  await page.waitForFunction(() => document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelectorAll('.msg.bot').length > 0);
  // The stylesheet applied: the launcher's panel is a fixed box in the accent colour.
  return page.evaluate(() => {
    const panel = document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelector('.panel')!;
    const header = document.querySelector('#hoi-luat-widget')!.shadowRoot!.querySelector('.header')!;
    return { position: getComputedStyle(panel).position, header: getComputedStyle(header).backgroundColor };
  });
}

describe(`Content-Security-Policy in a real browser (${engineName})`, function () {
  this.timeout(90_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { OFFICE_HOURS: '0-6 00:00-24:00' }));
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'vi-VN' });
    await context.addInitScript(RECORD_VIOLATIONS);
  });
  afterEach(async () => context?.close());
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('the demo page sends a strict policy (no unsafe-inline, no framing) and the widget works under it', async () => {
    const page = await context.newPage();
    const problems = watchCsp(page);
    const response = await page.goto(baseUrl);
    const csp = response!.headers()['content-security-policy']!;
    expect(csp).to.contain("script-src 'self'").and.contain("connect-src 'self'").and.contain("frame-ancestors 'none'");
    expect(csp).not.to.contain('unsafe-inline');
    expect(csp).not.to.contain('unsafe-eval');
    const styled = await askInWidget(page, 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?');
    expect(styled).to.deep.equal({ position: 'fixed', header: 'rgb(139, 26, 26)' });
    expect(await violations(page)).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
  });

  it('the ticket page, empty, with a ticket and with an unknown code, reports no violation', async () => {
    const citizen = await chatClient(baseUrl);
    await request(citizen, 'conversation:start');
    await request(citizen, 'message:send', { clientId: 'csp-1', text: 'hàng xóm xây nhà lấn sang đất nhà tôi' });
    const asked = await request(citizen, 'consultant:request', {});
    citizen.close();
    for (const path of ['/tra-cuu', `/tra-cuu?ma=${asked.data.ticket}`, '/tra-cuu?ma=ZZZZZZZZ']) {
      const page = await context.newPage();
      const problems = watchCsp(page);
      await page.goto(`${baseUrl}${path}`);
      expect(await page.locator('h1').textContent()).to.contain('Tra cứu');
      // Styled by its inline stylesheet (allowed by hash): the card has its border.
      expect(await page.locator('form.card').evaluate((el) => getComputedStyle(el).borderTopStyle)).to.equal('solid');
      expect(await violations(page), path).to.deep.equal([]);
      expect(problems, path).to.deep.equal([]);
    }
  });

  it('the staff login page keeps its own stricter policy, consistent with the rest, and reports no violation', async () => {
    const page = await context.newPage();
    const problems = watchCsp(page);
    const response = await page.goto(`${baseUrl}/staff/login`);
    const csp = response!.headers()['content-security-policy']!;
    expect(csp).to.contain("default-src 'none'").and.contain("frame-ancestors 'none'").and.contain("base-uri 'none'").and.contain("form-action 'self'");
    expect(response!.headers()['x-frame-options']).to.equal('DENY');
    expect(await page.locator('form').evaluate((el) => getComputedStyle(el).display)).not.to.equal('');
    expect(await violations(page)).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
  });

  it('the consultant console connects its socket and loads its script and stylesheet under the policy', async () => {
    const { cookie } = await signedInStaff(app, { name: 'Chuyên viên CSP' });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: baseUrl }]);
    const page = await context.newPage();
    const problems = watchCsp(page);
    const response = await page.goto(`${baseUrl}/console`);
    expect(response!.headers()['content-security-policy']).to.contain("script-src 'self'");
    await page.getByText('Đã kết nối').waitFor();
    expect(await violations(page)).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
  });

  it('the harness sees a violation when there is one (an inline script on a page under the same policy)', async () => {
    // A control: without it, "no violation" could mean "not listening".
    const host: Server = createServer((_req, res) => {
      res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self'");
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>x</title><script>window.ran = true</script>');
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    try {
      const page = await context.newPage();
      const problems = watchCsp(page);
      await page.goto(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
      expect(await page.evaluate(() => (window as unknown as { ran?: boolean }).ran)).to.equal(undefined);
      expect((await violations(page)).join('\n')).to.contain('script-src-elem blocked inline');
      expect(problems.join('\n')).to.match(/Content Security Policy/);
    } finally {
      host.closeAllConnections();
      await new Promise((resolve) => host.close(resolve));
    }
  });
});
