import { expect } from 'chai';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';
import { chatClient, request } from '../support/socket.js';
import { fuzzParams, hostileString, hostileValue, runs } from './fuzz-arbitraries.test.js';

const EVENTS = ['conversation:start', 'conversation:resume', 'message:send', 'choice:pick', 'answer:rate', 'consultant:request', 'consultant:cancel', 'conversation:delete'] as const;
const RUNS_PER_EVENT = runs(80);
const TYPING_RUNS = runs(80);

/** Payloads of the right shape for each command, with odd but valid-typed values. */
const shaped: Record<string, fc.Arbitrary<unknown>> = {
  'conversation:start': fc.constant({}),
  'conversation:resume': fc.record({ token: fc.oneof(fc.string({ minLength: 20, maxLength: 100 }), fc.string({ unit: 'binary', minLength: 20, maxLength: 100 })), lastSeenId: fc.nat() }),
  'message:send': fc.record({ clientId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), text: hostileString }),
  'choice:pick': fc.record({ messageId: fc.integer({ min: 1, max: 2_147_483_647 }), code: fc.oneof(fc.constantFrom('HN-CON', 'KS-1', 'KS-2'), fc.string({ unit: 'binary', minLength: 1, maxLength: 64 })) }),
  'answer:rate': fc.record({ messageId: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1 })), helpful: fc.boolean(), comment: fc.string({ unit: 'binary', maxLength: 1000 }) }, { requiredKeys: ['messageId', 'helpful'] }),
  'consultant:request': fc.record(
    { name: fc.string({ unit: 'binary', maxLength: 120 }), phone: fc.stringMatching(/^[0-9 +().-]{0,30}$/), email: fc.oneof(fc.constant(''), fc.emailAddress()), consent: fc.boolean() },
    { requiredKeys: [] },
  ),
  'consultant:cancel': fc.constant({}),
  'conversation:delete': fc.constant({}),
};

/** Payloads with the right keys and wrong values, and anything at all. */
const payload = fc.oneof(
  fc.record(
    {
      token: fc.oneof(hostileString, hostileValue, fc.string({ minLength: 20, maxLength: 100 })),
      lastSeenId: fc.oneof(fc.integer(), fc.double(), hostileValue),
      clientId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), hostileValue),
      text: fc.oneof(hostileString, hostileValue),
      messageId: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.double(), hostileValue),
      code: fc.oneof(fc.constantFrom('HN-CON', 'KS-1', 'KS-2'), hostileString),
      helpful: fc.oneof(fc.boolean(), hostileValue),
      comment: fc.oneof(hostileString, hostileValue),
      name: fc.oneof(hostileString, hostileValue),
      phone: fc.oneof(fc.stringMatching(/^[0-9 +().-]{0,30}$/), hostileValue),
      email: fc.oneof(fc.emailAddress(), hostileString),
      consent: fc.oneof(fc.boolean(), hostileValue),
    },
    { requiredKeys: [] },
  ),
  hostileValue,
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.constant(undefined),
);

/** How the command is sent: with an ack, without one, with extra arguments, or only a callback. */
const shape = fc.constantFrom('ack', 'ack', 'ack', 'no-ack', 'extra-args', 'ack-only');

/** Bytes on the wire, roughly: the server closes a connection whose packet passes maxHttpBufferSize (64 KB). */
const wireSize = (input: unknown) => (Buffer.isBuffer(input) ? input.length : Buffer.byteLength(JSON.stringify(input) ?? '', 'utf8'));
const OVERSIZE = 60 * 1024;

function expectAckShape(response: unknown, context: string) {
  expect(response, context).to.be.an('object');
  const keys = Object.keys(response as object);
  expect(keys, context).to.have.length(1);
  if (keys[0] === 'data') return;
  expect(keys[0], context).to.equal('error');
  const { error } = response as { error: { code: unknown; message: unknown } };
  expect(error.code, context).to.be.a('string').and.match(/^[a-z_]+$/);
  expect(error.message, context).to.be.a('string').and.not.equal('');
  expect(error.code, `a server error (a bug, not bad input): ${context}`).not.to.be.oneOf(['internal', 'retry']);
}

describe(`fuzz: every citizen socket command with random payloads (${engineName})`, function () {
  this.timeout(120_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let bound: Socket;
  let unbound: Socket;

  /** A socket bound to a conversation with an answer, a clarify question and a pick in it. */
  async function boundSocket(): Promise<Socket> {
    const socket = await chatClient(baseUrl);
    await request(socket, 'conversation:start');
    await request(socket, 'message:send', { clientId: 'seed-1', text: 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?' });
    await request(socket, 'message:send', { clientId: 'seed-2', text: 'đăng ký khai sinh muộn cho con ở đâu' });
    return socket;
  }

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, {
      OFFICE_HOURS: '0-6 00:00-24:00',
      CHAT_MESSAGES_PER_MINUTE: '1000',
      CHAT_MESSAGES_PER_MINUTE_PER_IP: '1000000',
      CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '10000',
      // Start, resume and delete cases reconnect the bound socket: many handshakes a minute.
      SOCKET_CONNECTIONS_PER_MINUTE_PER_IP: '1000000',
    }));
    bound = await boundSocket();
    unbound = await chatClient(baseUrl);
  });
  after(async () => {
    bound?.disconnect();
    unbound?.disconnect();
    await app?.close();
  });

  let total = 0;
  const tally: Record<string, Record<string, number>> = Object.fromEntries(EVENTS.map((e) => [e, {}]));
  let oversized = 0;
  for (const event of EVENTS) {
    it(`${event}: ${RUNS_PER_EVENT} random payloads always get { data } or { error: { code, message } }, and the server stays up`, async () => {
      let ran = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof({ arbitrary: shaped[event]!, weight: 1 }, { arbitrary: payload, weight: 1 }), shape, fc.boolean(), async (input, how, useBound) => {
          ran++;
          if (!bound.connected) bound = await boundSocket();
          if (!unbound.connected) unbound = await chatClient(baseUrl);
          const socket = useBound ? bound : unbound;
          const oversize = wireSize(input) > OVERSIZE;
          if (oversize) oversized++;
          const context = `${event} ${how} ${String(JSON.stringify(input)).slice(0, 200)}`;
          if (how === 'no-ack') {
            const dropped = oversize ? new Promise((resolve) => (socket.once('disconnect', resolve), setTimeout(resolve, 2000))) : null;
            socket.emit(event, input);
            await dropped; // an oversize packet closes the connection: wait for it, or the next case meets a dying socket
            return;
          }
          const response = await new Promise<unknown>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no ack within 5 s: ${context}`)), 5000);
            const ack = (r: unknown) => {
              clearTimeout(timer);
              resolve(r);
            };
            // Past the packet size limit the server drops the connection: the only other accepted outcome.
            if (oversize) socket.once('disconnect', () => ack({ data: 'disconnected: packet over maxHttpBufferSize' }));
            if (how === 'ack') socket.emit(event, input, ack);
            else if (how === 'extra-args') socket.emit(event, input, 'extra', 42, ack);
            else socket.emit(event, ack);
          });
          expectAckShape(response, context);
          const outcome = 'data' in (response as object) ? 'data' : (response as { error: { code: string } }).error.code;
          tally[event][outcome] = (tally[event][outcome] ?? 0) + 1;
          if (!oversize) expect(socket.connected, `the server dropped a client for ${context}`).to.equal(true);
          // An erased or freshly started conversation: bind the socket again for the next case.
          if (useBound && (event === 'conversation:delete' || event === 'conversation:start' || event === 'conversation:resume')) {
            bound.disconnect();
            bound = await boundSocket();
          }
        }),
        fuzzParams(RUNS_PER_EVENT),
      );
      total += ran;
      expect((await fetch(`${baseUrl}/healthz`)).status).to.equal(200);
    });
  }

  it(`typing: ${TYPING_RUNS} random payloads, with and without callbacks, are dropped or relayed and never answered`, async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(payload, fc.boolean(), async (input, withCallback) => {
        ran++;
        if (!bound.connected) bound = await boundSocket();
        const oversize = wireSize(input) > OVERSIZE;
        if (oversize) oversized++;
        // An oversize packet closes the connection: wait for that, or the next case meets a dying socket.
        const dropped = oversize ? new Promise((resolve) => (bound.once('disconnect', resolve), setTimeout(resolve, 2000))) : null;
        if (withCallback) bound.emit('typing', input, () => expect.fail('typing must not be acknowledged'));
        else bound.emit('typing', input);
        await dropped;
      }),
      fuzzParams(TYPING_RUNS),
    );
    total += ran;
    if (!bound.connected) bound = await boundSocket();
    // A round trip after the flood: everything before it was handled.
    expect((await request(bound, 'consultant:cancel')).data).to.have.property('cancelled');
    expect((await fetch(`${baseUrl}/healthz`)).status).to.equal(200);
  });

  it('after the fuzzing, a citizen still starts a conversation and gets an answer', async () => {
    const citizen = await chatClient(baseUrl);
    try {
      expect((await request(citizen, 'conversation:start')).data.token).to.be.a('string');
      const asked = await request(citizen, 'message:send', { clientId: 'after-fuzz', text: 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?' });
      expect(asked.data.replies[0].kind).to.equal('answer');
    } finally {
      citizen.disconnect();
    }
    console.log(`      fuzz socket commands: ${total} cases over ${EVENTS.length + 1} events (${oversized} over the 64 KB packet limit)`);
    for (const [event, outcomes] of Object.entries(tally)) console.log(`        ${event}: ${JSON.stringify(outcomes)}`);
  });
});
