/**
 * A citizen's client for the fault tests that behaves like the widget (widget/src/main.ts): it
 * keeps unsent questions in an outbox and sends them one by one, each with its clientId until
 * acknowledged; after an error it sends again only when the widget would (widget/src/retry.ts,
 * imported, so the rule cannot drift); after a reconnect it resumes from where the widget does
 * (widget/src/resume.ts); it shows each message once by id, from acks and broadcasts alike.
 *
 * One difference on purpose: it waits 3 s for an ack (the widget 15 s), so that tests stay short.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { createResumePoint } from '../../widget/src/resume.js';
import { isRetryable, RESYNC_SPREAD_MS, RETRY_DELAY_MS } from '../../widget/src/retry.js';
import { clientFrom, connected } from './cluster.helpers.test.js';

const ACK_TIMEOUT_MS = 3000;
const TIMEOUT = { error: { code: 'timeout', message: 'no answer in time' } };

/** A message as the citizen's client shows it. */
export interface Shown {
  id: number;
  sender: string;
  kind: string;
  text: string;
  clientId: string | null;
  replyTo: number | null;
}

type Ack = { data?: any; error?: { code: string; message: string } };

export interface CitizenOptions {
  /** Server URLs: through nginx one; without it the client moves to the next one when its instance is gone. */
  urls: string[];
  /** Loopback address to connect from (what nginx's address hash sees). */
  localAddress?: string;
  /** Reconnect to the same URL (nginx picks a live instance) instead of moving on. */
  viaNginx?: boolean;
}

export class Citizen {
  socket!: Socket;
  token = '';
  conversationId = '';
  private readonly resumePoint = createResumePoint();
  readonly shown = new Map<number, Shown>();
  /** Ids of the messages that arrived as live broadcasts (message:created). */
  readonly live = new Set<number>();
  /** Messages shown only after a server:resync (their broadcast was lost). */
  caughtUp = 0;
  readonly outbox: { clientId: string; text: string }[] = [];
  /** Every message:send answer, in order: 'ok' or the error code (several per question when resent). */
  readonly acks: string[] = [];
  /** Error messages of refused commands, by code (what a citizen would read). */
  readonly messages = new Map<string, string>();
  /** Questions the server refused for good (the widget shows them with a "Gửi lại" button). */
  readonly refused: { text: string; code: string }[] = [];
  readonly events: string[] = [];
  readonly disconnectReasons: string[] = [];
  private bound = false;
  private flushing = false;
  private urlIndex = 0;
  private stopped = false;
  private readonly urls: string[];
  private readonly localAddress: string;
  private readonly viaNginx: boolean;

  constructor(options: CitizenOptions) {
    this.urls = options.urls;
    this.localAddress = options.localAddress ?? '127.0.0.1';
    this.viaNginx = options.viaNginx ?? false;
  }

  /** Connects as another tab of an open conversation (same token): it only watches. */
  async openTab(token: string): Promise<void> {
    this.token = token;
    this.attach(clientFrom(this.urls[this.urlIndex]!, '/chat', this.localAddress, { reconnection: this.viaNginx }));
    await connected(this.socket);
    const bindError = await this.resume();
    if (bindError) throw new Error(`conversation:resume refused: ${bindError}`);
  }

  /** Connects and starts a conversation. */
  async open(): Promise<void> {
    this.attach(clientFrom(this.urls[this.urlIndex]!, '/chat', this.localAddress, { reconnection: this.viaNginx }));
    await connected(this.socket);
    const started = await this.socket.timeout(5000).emitWithAck('conversation:start', {});
    if (!started.data) throw new Error(`conversation:start refused: ${JSON.stringify(started.error)}`);
    this.token = started.data.token;
    this.conversationId = started.data.conversationId;
    this.bound = true;
  }

  private attach(socket: Socket) {
    this.socket = socket;
    socket.on('message:created', (m: Shown) => {
      this.live.add(m.id);
      this.show(m);
    });
    socket.on('server:resync', () => setTimeout(() => void this.catchUp(), Math.random() * RESYNC_SPREAD_MS));
    socket.on('server:draining', () => this.events.push('server:draining'));
    socket.on('connect', () => {
      this.events.push('connect');
      this.bound = false;
      if (this.token) void this.rebind();
    });
    socket.on('disconnect', (reason) => {
      this.bound = false;
      this.disconnectReasons.push(reason);
      if (!this.viaNginx && !this.stopped) void this.moveOn();
    });
  }

  /** Without nginx: try the next instance until one answers. */
  private async moveOn() {
    while (!this.stopped) {
      this.socket.removeAllListeners();
      this.socket.close();
      this.urlIndex = (this.urlIndex + 1) % this.urls.length;
      const next = clientFrom(this.urls[this.urlIndex]!, '/chat', this.localAddress, { reconnection: false });
      const ok = await connected(next).then(
        () => true,
        () => false,
      );
      if (ok) {
        this.attach(next);
        this.events.push('connect');
        await this.rebind();
        return;
      }
      next.close();
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private show(m: Shown) {
    if (!this.shown.has(m.id)) this.shown.set(m.id, m);
    this.resumePoint.seen(m.id);
  }

  private async emit(event: string, payload: unknown): Promise<Ack> {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload).catch(() => TIMEOUT);
  }

  /** The widget's server:resync handler: read the whole conversation again, show what is missing. */
  private async catchUp() {
    if (!this.bound || !this.token) return;
    const res = await this.emit('conversation:resume', { token: this.token, lastSeenId: 0 });
    for (const m of (res.data?.messages ?? []) as Shown[]) {
      if (this.shown.has(m.id)) continue;
      this.caughtUp += 1;
      this.show(m);
    }
  }

  /** Binds this connection to the conversation (the widget's ensureConversation): null when bound, else the error code. */
  private async resume(): Promise<string | null> {
    if (this.bound) return null;
    const res = await this.emit('conversation:resume', { token: this.token, lastSeenId: this.resumePoint.from() });
    if (!res.data) return res.error!.code;
    for (const m of res.data.messages) this.show(m);
    this.bound = true;
    return null;
  }

  /** After a (re)connect: resume the conversation, then send what waits (the widget's 'connect' handler). */
  private async rebind() {
    if (!this.socket.connected || this.stopped) return;
    const bindError = await this.resume();
    if (bindError && isRetryable(bindError) && !this.outbox.length) setTimeout(() => void this.rebind(), RETRY_DELAY_MS);
    else void this.flush();
  }

  /** Queues a question, as typed into the widget (a fresh clientId unless given). */
  send(text: string, clientId = randomBytes(16).toString('base64url')) {
    this.outbox.push({ clientId, text });
    void this.flush();
  }

  /** Sends the outbox in order, like the widget's flush(). */
  async flush(): Promise<void> {
    if (this.flushing || this.stopped) return;
    this.flushing = true;
    let retry = false;
    try {
      while (this.outbox.length && this.socket.connected && !this.stopped) {
        const bindError = await this.resume();
        if (bindError) {
          retry = isRetryable(bindError);
          return;
        }
        const next = this.outbox[0]!;
        const res = await this.emit('message:send', next);
        this.acks.push(res.error ? res.error.code : 'ok');
        if (res.data) {
          this.outbox.shift();
          this.show(res.data.message);
          for (const reply of res.data.replies) this.show(reply);
          continue;
        }
        const { code, message } = res.error!;
        this.messages.set(code, message);
        if (isRetryable(code)) {
          // Kept. A reconnect that happened while this ack was pending found the flush busy: try again.
          if (code === 'no_conversation') this.bound = false;
          retry = true;
          return;
        }
        this.outbox.shift();
        this.refused.push({ text: next.text, code });
      }
    } finally {
      this.flushing = false;
      if (retry) setTimeout(() => void this.flush(), RETRY_DELAY_MS);
    }
  }

  /** Texts shown from one sender, in id order. */
  texts(sender: string): string[] {
    return [...this.shown.values()]
      .sort((a, b) => a.id - b.id)
      .filter((m) => m.sender === sender)
      .map((m) => m.text);
  }

  close() {
    this.stopped = true;
    this.socket?.removeAllListeners();
    this.socket?.close();
  }
}
