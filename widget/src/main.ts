import { io, type Socket } from 'socket.io-client';
import { accessibleAccent } from './color.js';
import { el } from './dom.js';
import { contactForm } from './consultant.view.js';
import { consultantQueue } from './consultant-queue.js';
import { wireErase } from './erase.js';
import { renderMessage, renderPending } from './messages.view.js';
import { createResumePoint } from './resume.js';
import { isRetryable, RESYNC_SPREAD_MS, RETRY_DELAY_MS } from './retry.js';
import { buildPanel } from './panel.view.js';
import { createStorage, newClientId } from './storage.js';
import { adoptStyles, styles } from './styles.js';
import type { AckResponse, Emit, MessageDto, ViewActions } from './types.js';

/**
 * The embeddable citizen widget. Embedded with one tag:
 * <script src="https://HOST/widget.js" data-title="…" data-color="#…" data-position="right" defer></script>
 */
const MAX_LENGTH = 1000;
const ACK_TIMEOUT_MS = 15_000;

const STATUS_TEXT = {
  connecting: 'Đang kết nối…',
  online: 'Trực tuyến',
  reconnecting: 'Mất kết nối, đang thử kết nối lại…',
  offline: 'Ngoại tuyến: câu hỏi sẽ được gửi khi có mạng',
};

function boot() {
  const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="widget.js"]');
  const server = script?.src ? new URL(script.src, location.href).origin : location.origin;
  if ((window as any).__hoiLuatWidget) return;
  (window as any).__hoiLuatWidget = true;

  const accent = accessibleAccent(script?.dataset.color);
  const position = script?.dataset.position === 'left' ? 'left' : 'right';
  const host = el('div', { id: 'hoi-luat-widget' });
  document.body.append(host);
  const shadow = host.attachShadow({ mode: 'open' });
  adoptStyles(shadow, styles(accent, position), script?.nonce);
  const ui = buildPanel(shadow, { title: script?.dataset.title || 'Hỏi Luật: hỏi đáp pháp luật', maxLength: MAX_LENGTH });

  const storage = createStorage(server);
  let saved = storage.read();
  const save = () => storage.write(saved);

  const rendered = new Map<number, HTMLElement>();
  const messages = new Map<number, MessageDto>();
  const picked = new Map<number, string>();
  const rated = new Set<number>();
  const resumePoint = createResumePoint();
  let bound = false;
  let starting: Promise<boolean> | null = null;
  /** Why the last ensureConversation() failed (an error code), so the outbox knows whether to try again. */
  let bindError: string | null = null;

  // WebSocket first; long polling when a proxy or the host page's CSP (connect-src without ws:/wss:) refuses it.
  const socket: Socket = io(`${server}/chat`, { transports: ['websocket', 'polling'], tryAllTransports: true, reconnectionDelayMax: 10_000 });

  const setStatus = (key: keyof typeof STATUS_TEXT) => {
    ui.status.textContent = ` · ${STATUS_TEXT[key]}`;
  };
  setStatus(navigator.onLine === false ? 'offline' : 'connecting');

  const scrollDown = () => {
    ui.log.scrollTop = ui.log.scrollHeight;
  };

  const welcome = () => {
    if (ui.log.childElementCount === 0) {
      ui.log.append(
        el('p', {
          class: 'welcome',
          text: 'Xin chào! Hãy nhập câu hỏi pháp luật của bạn. Trợ lý trả lời dựa trên các tình huống pháp luật do Sở Tư pháp biên soạn; khi chưa chắc chắn, câu hỏi được chuyển đến chuyên viên tư vấn.',
        }),
      );
    }
  };

  /** Shows a message once, in id order; a pending bubble with the same clientId is replaced. */
  const show = (m: MessageDto) => {
    messages.set(m.id, m);
    if (m.kind === 'choice' && m.replyTo) picked.set(m.replyTo, m.payload.code);
    const node = renderMessage(m, actions, { picked: picked.get(m.id), rated: rated.has(m.id) });
    const existing = rendered.get(m.id);
    if (existing) {
      existing.replaceWith(node);
    } else {
      const pending = m.clientId ? ui.log.querySelector(`[data-client-id="${CSS.escape(m.clientId)}"]`) : null;
      if (pending) pending.replaceWith(node);
      else {
        const later = [...rendered.entries()].filter(([id]) => id > m.id).sort((a, b) => a[0] - b[0])[0];
        if (later) later[1].before(node);
        else ui.log.append(node);
      }
    }
    rendered.set(m.id, node);
    if (m.replyTo && m.kind === 'choice') rerender(m.replyTo);
    resumePoint.seen(m.id);
    scrollDown();
  };

  const rerender = (id: number) => {
    const m = messages.get(id);
    if (m) show(m);
  };

  const emit: Emit = <T>(event: string, payload: unknown) =>
    new Promise<AckResponse<T>>((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err: unknown, response: AckResponse<T>) => {
        resolve(err ? { error: { code: 'timeout', message: 'Máy chủ chưa phản hồi, sẽ thử lại.' } } : response);
      });
    });

  const notice = (text: string) => {
    ui.log.append(el('div', { class: 'msg system', text }));
    scrollDown();
  };

  /** Binds this socket to the saved conversation, or opens one when asked to. */
  const ensureConversation = (create: boolean): Promise<boolean> => {
    if (bound) return Promise.resolve(true);
    if (starting) return starting;
    starting = (async () => {
      bindError = null;
      if (saved.token) {
        const res = await emit<{ messages: MessageDto[]; status: string }>('conversation:resume', { token: saved.token, lastSeenId: resumePoint.from() });
        if ('data' in res) {
          res.data.messages.forEach(show);
          if (res.data.status === 'waiting') queue.show(null, null, true);
          else if (res.data.status === 'with_consultant') queue.withConsultant();
          bound = true;
          return true;
        }
        if (res.error.code !== 'conversation_not_found') {
          bindError = res.error.code;
          return false;
        }
        saved.token = null;
        save();
      }
      if (!create) return false;
      const res = await emit<{ token: string }>('conversation:start', {});
      if ('error' in res) {
        bindError = res.error.code;
        // A retryable failure is tried again quietly; the question stays pending meanwhile.
        if (!isRetryable(res.error.code)) notice(res.error.message);
        return false;
      }
      saved.token = res.data.token;
      save();
      bound = true;
      return true;
    })().finally(() => {
      starting = null;
    });
    return starting;
  };

  let flushing = false;
  /** Sends queued questions in order, each once: a resend carries the same clientId (rule in retry.ts). */
  const flush = async () => {
    if (flushing || !socket.connected) return;
    flushing = true;
    let retryLater = false;
    try {
      while (saved.outbox.length && socket.connected) {
        if (!(await ensureConversation(true))) {
          // The database may be back in a moment: bind and send then.
          retryLater = bindError !== null && isRetryable(bindError);
          return;
        }
        const next = saved.outbox[0]!;
        const res = await emit<{ message: MessageDto; replies: MessageDto[] }>('message:send', next);
        if ('data' in res) {
          saved.outbox.shift();
          save();
          show(res.data.message);
          res.data.replies.forEach(show);
        } else if (isRetryable(res.error.code)) {
          // Kept in the outbox: no answer in time, the server is restarting (another instance
          // takes over) or its database is briefly away. A reconnect while this ack was pending
          // found the flush busy: try again. Not bound: resume before the resend.
          if (res.error.code === 'no_conversation') bound = false;
          retryLater = true;
          return;
        } else {
          saved.outbox.shift();
          save();
          const bubble = ui.log.querySelector(`[data-client-id="${CSS.escape(next.clientId)}"]`);
          bubble?.replaceWith(renderPending(next.clientId, next.text, actions, res.error.message));
          failed.set(next.clientId, next.text);
        }
      }
    } finally {
      flushing = false;
      if (retryLater) setTimeout(() => void flush(), RETRY_DELAY_MS);
    }
  };

  const failed = new Map<string, string>();

  const actions: ViewActions = {
    send(text) {
      const trimmed = text.trim();
      if (!trimmed) return;
      const item = { clientId: newClientId(), text: trimmed.slice(0, MAX_LENGTH) };
      saved.outbox.push(item);
      save();
      ui.log.append(renderPending(item.clientId, item.text, actions));
      scrollDown();
      void flush();
    },
    async pick(messageId, code) {
      if (!(await ensureConversation(false))) return;
      const res = await emit<{ message: MessageDto; replies: MessageDto[] }>('choice:pick', { messageId, code });
      if ('data' in res) {
        show(res.data.message);
        res.data.replies.forEach(show);
      } else notice(res.error.message);
    },
    async rate(messageId, helpful) {
      const res = await emit<{ ok: true }>('answer:rate', { messageId, helpful });
      if ('data' in res) {
        rated.add(messageId);
        rerender(messageId);
      } else notice(res.error.message);
    },
    requestConsultant() {
      if (ui.log.querySelector('.contact')) return;
      const form = contactForm(
        async (contact) => {
          if (!(await ensureConversation(true))) return;
          const res = await emit<{ position: number | null; estimatedMinutes: number | null; offline: boolean; ticket: string }>('consultant:request', contact);
          if ('error' in res) return notice(res.error.message);
          form.remove();
          queue.show(res.data.position, res.data.estimatedMinutes, res.data.offline, res.data.ticket);
        },
        () => form.remove(),
      );
      ui.log.append(form);
      scrollDown();
      form.querySelector('input')?.focus();
    },
    retry(clientId) {
      const text = failed.get(clientId);
      if (text === undefined) return;
      failed.delete(clientId);
      ui.log.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`)?.remove();
      actions.send(text);
    },
    newConversation() {
      saved = { token: null, outbox: [], open: true };
      save();
      bound = false;
      rendered.clear();
      messages.clear();
      picked.clear();
      rated.clear();
      resumePoint.reset();
      ui.log.replaceChildren();
      welcome();
      ui.input.focus();
    },
  };

  /** After a (re)connect: bind to the saved conversation, then send what waits. */
  const rebind = async () => {
    if (!socket.connected) return;
    if (!(await ensureConversation(false)) && bindError && isRetryable(bindError) && !saved.outbox.length) {
      // The database is briefly away: try again, or replies sent meanwhile would not reach this tab.
      setTimeout(() => void rebind(), RETRY_DELAY_MS);
      return;
    }
    void flush();
  };
  socket.on('connect', () => {
    setStatus('online');
    bound = false;
    void rebind();
  });
  // The server lost its link to the other instances for a moment (a database restart), so
  // messages broadcast from them meanwhile never came: read the conversation again and show what
  // this tab lacks (from the start: such a message may be older than one shown since).
  const catchUp = async () => {
    if (!bound || !saved.token) return;
    const res = await emit<{ messages: MessageDto[] }>('conversation:resume', { token: saved.token, lastSeenId: 0 });
    if ('data' in res) res.data.messages.filter((m) => !rendered.has(m.id)).forEach(show);
  };
  socket.on('server:resync', () => setTimeout(() => void catchUp(), Math.random() * RESYNC_SPREAD_MS));
  socket.on('disconnect', () => setStatus(navigator.onLine === false ? 'offline' : 'reconnecting'));
  socket.io.on('reconnect_attempt', () => setStatus(navigator.onLine === false ? 'offline' : 'reconnecting'));
  window.addEventListener('offline', () => setStatus('offline'));
  window.addEventListener('online', () => setStatus(socket.connected ? 'online' : 'reconnecting'));
  socket.on('message:created', (m: MessageDto) => {
    if (!rendered.has(m.id)) show(m);
  });
  const queue = consultantQueue({ ui, socket, emit, notice });
  ui.askHuman.addEventListener('click', () => actions.requestConsultant());

  const startAfresh = (text: string) => {
    actions.newConversation();
    failed.clear();
    queue.hide();
    ui.log.querySelector('.contact')?.remove();
    notice(text);
  };
  wireErase({
    ui,
    socket,
    emit,
    notice,
    scrollDown,
    hasSavedToken: () => Boolean(saved.token),
    isBound: () => bound,
    bind: () => ensureConversation(false),
    startAfresh,
  });

  const open = (focus = true) => {
    ui.panel.hidden = false;
    ui.launcher.setAttribute('aria-expanded', 'true');
    saved.open = true;
    save();
    welcome();
    if (focus) ui.input.focus();
    scrollDown();
  };
  const close = () => {
    ui.panel.hidden = true;
    ui.launcher.setAttribute('aria-expanded', 'false');
    saved.open = false;
    save();
    ui.launcher.focus();
  };
  ui.launcher.addEventListener('click', () => open());
  ui.closeButton.addEventListener('click', close);
  ui.newButton.addEventListener('click', () => actions.newConversation());
  ui.panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (ui.input.value.length > MAX_LENGTH) return;
    actions.send(ui.input.value);
    ui.input.value = '';
    ui.updateCounter();
  });
  let lastTyping = 0;
  ui.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      ui.form.requestSubmit();
    } else if (bound && Date.now() - lastTyping > 3000) {
      lastTyping = Date.now();
      socket.volatile.emit('typing');
    }
  });

  // Questions typed before a reload are still waiting: show them and send them once connected.
  for (const item of saved.outbox) ui.log.append(renderPending(item.clientId, item.text, actions));
  if (saved.open) open(false);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
