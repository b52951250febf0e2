import { expect } from 'chai';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';
import { isLoopback, withoutNul } from '../../server/security/index.js';
import { chatClient, request } from '../support/socket.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { ConfigError, loadConfig } from '../../server/config.js';
import { createSocketServer } from '../../server/realtime/socket-server.js';

describe(`HTTP and socket hardening (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
  });

  describe('security headers', () => {
    let app: App;
    let baseUrl: string;
    before(async () => ({ app, baseUrl } = await startTestApp(db)));
    after(async () => app?.close());

    it('every page and API answer carries nosniff, no framing, a same-origin referrer and a strict CSP', async () => {
      for (const path of ['/', '/tra-cuu', '/api/v1/fields', '/healthz', '/nope']) {
        const res = await fetch(`${baseUrl}${path}`);
        expect(res.headers.get('x-content-type-options'), path).to.equal('nosniff');
        expect(res.headers.get('x-frame-options'), path).to.equal('DENY');
        expect(res.headers.get('referrer-policy'), path).to.equal('same-origin');
        expect(res.headers.get('x-powered-by'), path).to.equal(null);
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp, path).to.contain("default-src 'self'").and.contain("object-src 'none'").and.contain("frame-ancestors 'none'");
        expect(csp, path).not.to.contain('unsafe-inline');
      }
    });

    it('the widget script may be loaded by other sites; everything else is same-origin only', async () => {
      expect((await fetch(`${baseUrl}/widget.js`)).headers.get('cross-origin-resource-policy')).to.equal('cross-origin');
      expect((await fetch(`${baseUrl}/`)).headers.get('cross-origin-resource-policy')).to.equal('same-origin');
      expect((await fetch(`${baseUrl}/api/v1/fields`)).headers.get('cross-origin-resource-policy')).to.equal('same-origin');
    });

    it('the JSON API refuses a body over 16 KB, and staff forms one over 8 KB, with 413', async () => {
      const big = await fetch(`${baseUrl}/api/v1/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'a'.repeat(17 * 1024) }),
      });
      expect(big.status).to.equal(413);
      expect((await big.json()).error.code).to.equal('payload_too_large');
      const form = await fetch(`${baseUrl}/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: `email=a%40b.c&password=${'x'.repeat(9 * 1024)}`,
      });
      expect(form.status).to.equal(413);
    });
  });

  describe('per-IP limits on public routes', () => {
    let app: App;
    let baseUrl: string;
    before(async () => ({ app, baseUrl } = await startTestApp(db, { PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '5' })));
    after(async () => app?.close());

    it('the API answers 429 rate_limited with Retry-After past the limit, and counts each client separately', async () => {
      for (let i = 0; i < 5; i++) expect((await fetch(`${baseUrl}/api/v1/fields`)).status).to.equal(200);
      const refused = await fetch(`${baseUrl}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":"ly hôn"}' });
      expect(refused.status).to.equal(429);
      expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
      const body = await refused.json();
      expect(body.error.code).to.equal('rate_limited');
      expect(body.error.message).to.match(/Vui lòng chờ/);
      // Behind the reverse proxy on loopback, the client is the first X-Forwarded-For hop.
      expect((await fetch(`${baseUrl}/api/v1/fields`, { headers: { 'x-forwarded-for': '203.0.113.7' } })).status).to.equal(200);
    });

    it('the widget script and the demo page have their own counters, limited the same way', async () => {
      for (const path of ['/widget.js', '/']) {
        for (let i = 0; i < 5; i++) expect((await fetch(`${baseUrl}${path}`)).status, path).to.equal(200);
        const refused = await fetch(`${baseUrl}${path}`);
        expect(refused.status, path).to.equal(429);
        expect((await refused.json()).error.code).to.equal('rate_limited');
      }
      expect((await fetch(`${baseUrl}/healthz`)).status).to.equal(200);
    });
  });

  describe('socket.io handshakes', () => {
    let app: App;
    let baseUrl: string;
    before(async () => ({ app, baseUrl } = await startTestApp(db, { SOCKET_CONNECTIONS_PER_MINUTE_PER_IP: '3' })));
    after(async () => app?.close());

    it('past the limit a new connection from the same client is refused; other clients, and the upgrade of an open connection, do not count', async () => {
      const from = { 'x-forwarded-for': '198.51.100.20' };
      const sockets: Socket[] = [];
      try {
        // Long polling first, then the WebSocket upgrade of the same connection: one handshake.
        const polling = connect(`${baseUrl}/chat`, { transports: ['polling', 'websocket'], reconnection: false, forceNew: true, extraHeaders: from });
        sockets.push(polling);
        await new Promise<void>((resolve, reject) => {
          polling.once('connect_error', reject);
          polling.io.engine.once('upgrade', () => resolve());
        });
        for (let i = 0; i < 2; i++) sockets.push(await chatClient(baseUrl, from));
        const refused = await chatClient(baseUrl, from).then((s) => (sockets.push(s), 'connected'), () => 'refused');
        expect(refused).to.equal('refused');
        // What a long-polling client reads: 403 and the reason.
        const raw = await fetch(`${baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: from });
        expect(raw.status).to.equal(403);
        expect((await raw.json()).message).to.match(/^rate_limited: .* khoảng \d+ giây\.$/);
        sockets.push(await chatClient(baseUrl, { 'x-forwarded-for': '198.51.100.21' }));
        expect(sockets.every((s) => s.connected)).to.equal(true);
        const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
        expect(metrics).to.match(/^hoiluat_socket_handshakes_refused_total\{reason="rate_limited"\} 2$/m);
      } finally {
        for (const s of sockets) s.disconnect();
      }
    });

    it("a refused client with the widget's options retries with a growing delay and connects by itself once the minute is over", async () => {
      let now = 1_000_000;
      let refusals = 0;
      const http = createServer();
      const io = createSocketServer(http, loadConfig({ SOCKET_CONNECTIONS_PER_MINUTE_PER_IP: '1' }), {
        now: () => now,
        onRefused: () => refusals++,
      });
      io.of('/chat');
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/chat`;
      // widget/src/main.ts: WebSocket, then long polling, reconnecting after 1 s, 2 s, 4 s… at most 10 s (±50%).
      const widget = { transports: ['websocket', 'polling'], tryAllTransports: true, reconnectionDelayMax: 10_000, forceNew: true };
      const first = connect(url, { ...widget, reconnection: false });
      const second = connect(url, widget);
      try {
        await new Promise<void>((resolve) => first.once('connect', () => resolve()));
        const started = Date.now();
        await new Promise((r) => setTimeout(r, 3500));
        // Each attempt tries both transports: 2 refusals. In 3.5 s: the first attempt and at most two retries.
        expect(refusals).to.be.within(4, 6);
        expect(second.connected).to.equal(false);
        expect(second.active, 'still retrying on its own').to.equal(true);
        now += 60_000;
        await new Promise<void>((resolve) => second.once('connect', () => resolve()));
        expect(Date.now() - started).to.be.below(15_000);
      } finally {
        first.disconnect();
        second.disconnect();
        io.close();
      }
    });
  });

  describe('/metrics', () => {
    it('without METRICS_TOKEN it answers this machine only, not a client the reverse proxy forwards', async () => {
      const { app, baseUrl } = await startTestApp(db);
      try {
        const local = await fetch(`${baseUrl}/metrics`);
        expect(local.status).to.equal(200);
        expect(await local.text()).to.contain('hoiluat_questions_total');
        // Through a proxy on loopback the client is the first X-Forwarded-For hop, as for the rate limits.
        const forwarded = await fetch(`${baseUrl}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
        expect(forwarded.status).to.equal(403);
        expect((await forwarded.json()).error.code).to.equal('forbidden');
        expect((await fetch(`${baseUrl}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } })).status).to.equal(200);
      } finally {
        await app.close();
      }
      expect(isLoopback('127.0.0.1') && isLoopback('127.8.9.10') && isLoopback('::1') && isLoopback('::ffff:127.0.0.1')).to.equal(true);
      expect(isLoopback('10.0.0.5') || isLoopback('192.168.1.2') || isLoopback('::ffff:10.0.0.5') || isLoopback(undefined)).to.equal(false);
    });

    it('with METRICS_TOKEN it wants that bearer token from everyone, and counts requests per IP like the public routes', async () => {
      const token = 'e3b0c44298fc1c149afbf4c8996fb924';
      const { app, baseUrl } = await startTestApp(db, { METRICS_TOKEN: token, PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '5' });
      try {
        const statuses: number[] = [];
        for (const authorization of [undefined, `Bearer ${token.slice(0, -1)}x`, `Basic ${token}`, `Bearer ${token}`, `bearer  ${token}`, `Bearer ${token}`]) {
          const res = await fetch(`${baseUrl}/metrics`, { headers: authorization ? { authorization } : {} });
          statuses.push(res.status);
          if (res.status === 401) {
            expect(res.headers.get('www-authenticate')).to.equal('Bearer realm="metrics"');
            expect((await res.json()).error.code).to.equal('unauthorized');
          } else await res.arrayBuffer();
        }
        expect(statuses).to.deep.equal([401, 401, 401, 200, 200, 429]);
      } finally {
        await app.close();
      }
      expect(() => loadConfig({ METRICS_TOKEN: 'too short' })).to.throw(ConfigError, /METRICS_TOKEN/);
    });
  });

  describe('socket commands', () => {
    let app: App;
    let baseUrl: string;
    before(async () => ({ app, baseUrl } = await startTestApp(db, { CHAT_MESSAGES_PER_MINUTE_PER_IP: '4' })));
    after(async () => app?.close());

    it('a flood of typing events is relayed at most once a second', async () => {
      const citizen = await chatClient(baseUrl, { 'x-forwarded-for': '198.51.100.1' });
      await request(citizen, 'conversation:start');
      let relayed = 0;
      const off = app.events.on('conversation.typing', () => relayed++);
      for (let i = 0; i < 200; i++) citizen.emit('typing');
      await request(citizen, 'answer:rate', { messageId: 1, helpful: true }); // a round trip: the typing events arrived before
      off();
      citizen.close();
      expect(relayed).to.equal(1);
    });

    it('NUL characters (which PostgreSQL text cannot hold) are dropped from socket payloads instead of failing with an internal error', async () => {
      // Found by the socket fuzzing: { clientId: 'a', text: '\u0000\u0001' } answered { error: { code: 'internal' } }.
      const citizen = await chatClient(baseUrl, { 'x-forwarded-for': '198.51.100.3' });
      await request(citizen, 'conversation:start');
      const sent = await request(citizen, 'message:send', { clientId: 'nul-1', text: 'ly h\u0000ôn chia tài sản' });
      expect(sent.error).to.equal(undefined);
      expect(sent.data.message.text).to.equal('ly hôn chia tài sản');
      expect((await request(citizen, 'message:send', { clientId: 'nul-2', text: '\u0000\u0000' })).error?.code).to.equal('empty_message');
      expect((await request(citizen, 'consultant:request', { name: 'A\u0000n', consent: true })).error).to.equal(undefined);
      citizen.close();
      const polluted = withoutNul(JSON.parse('{"__proto__": {"x": "a\\u0000"}, "list": ["b\\u0000c"]}')) as Record<string, unknown>;
      expect(Object.getPrototypeOf(polluted)).to.equal(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(polluted, '__proto__')?.value).to.deep.equal({ x: 'a' });
      expect(polluted.list).to.deep.equal(['bc']);
      const bytes = Buffer.from([0, 1]);
      expect(withoutNul(bytes)).to.equal(bytes);
    });

    it('resume, cancel and delete are limited per IP like messages', async () => {
      const citizen = await chatClient(baseUrl, { 'x-forwarded-for': '198.51.100.2' });
      const started = await request(citizen, 'conversation:start');
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 3; i++) codes.push((await request(citizen, 'conversation:resume', { token: started.data.token })).error?.code);
      codes.push((await request(citizen, 'consultant:cancel')).error?.code);
      codes.push((await request(citizen, 'consultant:cancel')).error?.code);
      codes.push((await request(citizen, 'conversation:delete')).error?.code);
      citizen.close();
      expect(codes).to.deep.equal([undefined, undefined, undefined, undefined, 'rate_limited', 'rate_limited']);
    });
  });
});
