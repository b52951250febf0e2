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

/**
 * A government portal with its own strict policy, on another origin, embedding the widget. The
 * policy allows exactly what docs/security.md tells host pages to allow: the widget server in
 * script-src, and its http(s) and ws(s) origins in connect-src. Nothing for styles: default-src
 * 'none' forbids every stylesheet, inline or not, so the widget must style itself with a
 * constructed stylesheet.
 */
function hostPolicy(widgetOrigin: string, connect: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${widgetOrigin}`,
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const HOST_PAGE = (widgetOrigin: string) => `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin (CSP nghiêm ngặt)</title></head>
<body><h1>Cổng thông tin phổ biến, giáo dục pháp luật</h1>
<script src="${widgetOrigin}/widget.js" data-title="Hỏi đáp pháp luật" data-color="#0b5394" defer></script>
</body></html>`;

describe(`the widget on a host page with a strict CSP of its own (${engineName})`, function () {
  this.timeout(90_000);
  let db: Database;
  let app: App;
  let widgetOrigin: string;
  let host: Server;
  let hostOrigin: string;
  let connectSources: string[] = [];
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    host = createServer((_req, res) => {
      res.setHeader('Content-Security-Policy', hostPolicy(widgetOrigin, connectSources));
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(HOST_PAGE(widgetOrigin));
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    // Only the host portal may embed the widget (CORS and the WebSocket origin check).
    ({ app, baseUrl: widgetOrigin } = await startTestApp(db, { CORS_ORIGINS: hostOrigin }));
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'vi-VN' });
    await context.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.effectiveDirective} ${e.blockedURI}`), true);
    });
  });
  afterEach(async () => context?.close());
  after(async () => {
    await browser?.close();
    await app?.close();
    host?.closeAllConnections();
    await new Promise((resolve) => host?.close(resolve));
  });

  const shadow = (page: Page) => page.locator('#hoi-luat-widget');
  const consoleProblems = (page: Page) => {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    return problems;
  };

  it('with script-src and connect-src (http and ws) naming the widget server, the widget is styled and answers over a WebSocket', async () => {
    const wsOrigin = widgetOrigin.replace(/^http/, 'ws');
    connectSources = [widgetOrigin, wsOrigin];
    const page = await context.newPage();
    const problems = consoleProblems(page);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(hostOrigin);
    await shadow(page).getByRole('button', { name: 'Hỏi đáp pháp luật' }).click();
    const style = await page.evaluate(() => {
      const root = document.querySelector('#hoi-luat-widget')!.shadowRoot!;
      return {
        adopted: root.adoptedStyleSheets.length,
        styleElements: root.querySelectorAll('style').length,
        panel: getComputedStyle(root.querySelector('.panel')!).position,
        header: getComputedStyle(root.querySelector('.header')!).backgroundColor,
      };
    });
    expect(style).to.deep.equal({ adopted: 1, styleElements: 0, panel: 'fixed', header: 'rgb(11, 83, 148)' });
    await shadow(page).getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).fill('Ly hôn thì con dưới 36 tháng tuổi ở với ai?');
    await shadow(page).getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).press('Enter');
    await shadow(page).locator('.msg.bot .answer-title').waitFor();
    expect(sockets.some((url) => url.startsWith(`${wsOrigin}/socket.io/`))).to.equal(true);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
  });

  it('with connect-src naming only the http origin, the WebSocket is refused and the widget falls back to long polling', async () => {
    // Documented: CSP's http: source does not cover ws:, so hosts must list both.
    connectSources = [widgetOrigin];
    const page = await context.newPage();
    await page.goto(hostOrigin);
    await shadow(page).getByRole('button', { name: 'Hỏi đáp pháp luật' }).click();
    await shadow(page).getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).fill('chia tai san khi ly hon');
    await shadow(page).getByRole('textbox', { name: 'Nhập câu hỏi pháp luật' }).press('Enter');
    await shadow(page).locator('.msg.bot .answer-title').waitFor({ timeout: 20_000 });
    const blocked = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    expect(blocked.some((v) => v.startsWith('connect-src ws://'))).to.equal(true);
  });
});
