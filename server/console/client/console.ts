import { io } from 'socket.io-client';

/** The consultant console: queue, my conversations, one conversation at a time. Text only, never HTML. */
type Ack<T> = { data: T } | { error: { code: string; message: string } };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, children: (Node | string)[] = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

const CANNED = [
  'Chào anh/chị, tôi là chuyên viên tư vấn pháp luật. Anh/chị vui lòng cho biết thêm chi tiết về trường hợp của mình.',
  'Anh/chị vui lòng cho biết sự việc xảy ra khi nào và đã làm việc với cơ quan nào chưa?',
  'Trường hợp của anh/chị cần xem giấy tờ cụ thể; anh/chị có thể đến Trung tâm Trợ giúp pháp lý của tỉnh để được hỗ trợ trực tiếp.',
  'Cảm ơn anh/chị đã liên hệ. Nếu còn vướng mắc, anh/chị cứ hỏi tiếp.',
];
const RESOLUTIONS: [string, string][] = [
  ['answered', 'Đã trả lời'],
  ['referred', 'Hướng dẫn đến cơ quan khác'],
  ['not_legal', 'Không phải câu hỏi pháp luật'],
];
const STATUS: Record<string, string> = { queued: 'đang chờ', assigned: 'đang tư vấn', closed: 'đã kết thúc', cancelled: 'đã hủy' };
const SENDER: Record<string, string> = { citizen: 'Người dân', bot: 'Trợ lý', consultant: 'Chuyên viên', system: 'Hệ thống' };

const socket = io('/console', { transports: ['websocket', 'polling'] });
const emit = <T>(event: string, payload: unknown = {}): Promise<Ack<T>> =>
  new Promise((resolve) => socket.timeout(15_000).emit(event, payload, (err: unknown, res: Ack<T>) => resolve(err ? { error: { code: 'timeout', message: 'Máy chủ chưa phản hồi.' } } : res)));

let current: { id: string; conversationId: string; status: string } | null = null;
let fields: { slug: string; name: string }[] = [];

function flash(text: string) {
  const view = $('view');
  const p = el('p', { class: 'error', role: 'alert', text });
  view.prepend(p);
  setTimeout(() => p.remove(), 6000);
}

async function refreshLists() {
  const res = await emit<{ queue: any[]; mine: any[] }>('queue:list');
  if ('error' in res) return flash(res.error.message);
  const queue = $('queue');
  queue.replaceChildren(
    ...(res.data.queue.length
      ? res.data.queue.map((t) => {
          const claim = el('button', { type: 'button', text: 'Nhận' });
          claim.addEventListener('click', async () => {
            const r = await emit<{ escalation: any }>('escalation:claim', { id: t.id });
            if ('error' in r) return flash(r.error.message);
            await refreshLists();
            await open(t.id);
          });
          return el('li', { class: `ticket ${t.urgency}${t.specialty ? ' specialty' : ''}`, 'data-ticket': t.ticketCode }, [
            el('p', { text: t.question || '(không có câu hỏi)' }),
            el('p', { class: 'meta fields', text: `${t.fieldSlugs.join(', ') || 'chưa rõ lĩnh vực'} · chờ ${t.waitingMinutes} phút${t.offline ? ' · để lại' : ''}` }),
            claim,
          ]);
        })
      : [el('li', { class: 'empty', text: 'Không có yêu cầu nào đang chờ.' })]),
  );
  const mine = $('mine');
  mine.replaceChildren(
    ...res.data.mine.map((t) => {
      const b = el('button', { type: 'button', class: 'secondary', text: (t.question || t.ticketCode).slice(0, 80) });
      b.addEventListener('click', () => void open(t.id));
      return el('li', { class: 'ticket' }, [b]);
    }),
  );
}

function renderMessage(m: any) {
  return el('div', { class: `msg ${m.sender}`, 'data-id': String(m.id) }, [el('span', { class: 'meta', text: `${SENDER[m.sender] ?? m.sender}: ` }), m.text]);
}

async function open(id: string) {
  const res = await emit<{ escalation: any; transcript: any[]; notes: any[] }>('escalation:open', { id });
  if ('error' in res) return flash(res.error.message);
  const { escalation, transcript, notes } = res.data;
  current = { id: escalation.id, conversationId: escalation.conversationId, status: escalation.status };
  const view = $('view');
  const log = el('div', { class: 'transcript', id: 'transcript', role: 'log', 'aria-label': 'Nội dung trò chuyện' }, transcript.map(renderMessage));
  const reply = el('textarea', { id: 'reply', 'aria-label': 'Trả lời người dân', placeholder: 'Nhập câu trả lời…' }) as HTMLTextAreaElement;
  const send = el('button', { type: 'button', text: 'Gửi trả lời' });
  send.addEventListener('click', async () => {
    const text = reply.value.trim();
    if (!text) return;
    const r = await emit('message:send', { escalationId: escalation.id, text });
    if ('error' in r) return flash(r.error.message);
    reply.value = '';
  });
  reply.addEventListener('input', () => socket.volatile.emit('typing', { conversationId: escalation.conversationId }));
  const canned = el('select', { 'aria-label': 'Câu trả lời mẫu' }, [el('option', { value: '', text: 'Câu trả lời mẫu…' }), ...CANNED.map((c) => el('option', { value: c, text: c.slice(0, 70) }))]) as HTMLSelectElement;
  canned.addEventListener('change', () => {
    reply.value = canned.value;
    canned.value = '';
    reply.focus();
  });

  const candidates = el('ul', {}, (escalation.candidates ?? []).map((c: any) => situationItem(c, escalation.id)));
  const search = el('input', { type: 'search', 'aria-label': 'Tìm tình huống trong cơ sở tri thức', placeholder: 'Tìm tình huống…' }) as HTMLInputElement;
  const results = el('ul', { id: 'kb-results' });
  search.addEventListener('keydown', async (e) => {
    if (e.key !== 'Enter') return;
    const r = await emit<{ candidates: any[] }>('kb:search', { q: search.value });
    if ('error' in r) return flash(r.error.message);
    results.replaceChildren(...r.data.candidates.map((c) => situationItem(c, escalation.id)));
  });

  const noteList = el('ul', { class: 'notes' }, notes.map((n) => el('li', { text: `${n.authorName ?? 'Hệ thống'}: ${n.body}` })));
  const noteInput = el('input', { type: 'text', 'aria-label': 'Ghi chú nội bộ', placeholder: 'Ghi chú nội bộ (người dân không thấy)' }) as HTMLInputElement;
  const addNote = el('button', { type: 'button', class: 'secondary', text: 'Thêm ghi chú' });
  addNote.addEventListener('click', async () => {
    const r = await emit<{ notes: any[] }>('note:add', { escalationId: escalation.id, text: noteInput.value });
    if ('error' in r) return flash(r.error.message);
    noteInput.value = '';
    noteList.replaceChildren(...r.data.notes.map((n) => el('li', { text: `${n.authorName ?? 'Hệ thống'}: ${n.body}` })));
  });

  const fieldSelect = el('select', { 'aria-label': 'Chuyển sang lĩnh vực' }, [el('option', { value: '', text: 'Chuyển lĩnh vực…' }), ...fields.map((f) => el('option', { value: f.slug, text: f.name }))]) as HTMLSelectElement;
  fieldSelect.addEventListener('change', () => action('escalation:transfer', { escalationId: escalation.id, toField: fieldSelect.value }));
  const release = el('button', { type: 'button', class: 'secondary', text: 'Trả lại hàng chờ' });
  release.addEventListener('click', () => action('escalation:release', { escalationId: escalation.id }));
  const resolution = el('select', { 'aria-label': 'Kết quả' }, RESOLUTIONS.map(([v, t]) => el('option', { value: v, text: t }))) as HTMLSelectElement;
  const close = el('button', { type: 'button', text: 'Kết thúc' });
  close.addEventListener('click', () => action('escalation:close', { escalationId: escalation.id, resolution: resolution.value }));
  const promote = el('button', { type: 'button', class: 'secondary', text: 'Tạo tình huống nháp' });
  promote.addEventListener('click', async () => {
    const r = await emit<{ code: string }>('escalation:promote', { escalationId: escalation.id });
    if ('error' in r) return flash(r.error.message);
    view.prepend(el('p', { role: 'status', text: `Đã tạo tình huống nháp ${r.data.code} để quản trị viên duyệt.` }));
  });

  view.replaceChildren(
    el('h2', { text: `Yêu cầu ${escalation.ticketCode}` }),
    el('p', { class: 'meta', text: `Trạng thái: ${STATUS[escalation.status] ?? escalation.status}${escalation.contactName ? ` · ${escalation.contactName}` : ''}${escalation.contactEmail ? ` · ${escalation.contactEmail}` : ''}${escalation.contactPhone ? ` · ${escalation.contactPhone}` : ''}` }),
    log,
    el('div', { id: 'typing', class: 'meta', 'aria-live': 'polite' }),
    el('div', { class: 'row' }, [reply]),
    el('div', { class: 'row' }, [send, canned]),
    el('section', { class: 'panel' }, [el('h3', { text: 'Gợi ý của trợ lý' }), candidates]),
    el('section', { class: 'panel' }, [el('h3', { text: 'Cơ sở tri thức' }), search, results]),
    el('section', { class: 'panel' }, [el('h3', { text: 'Ghi chú nội bộ' }), noteList, el('div', { class: 'row' }, [noteInput, addNote])]),
    el('section', { class: 'panel' }, [el('h3', { text: 'Xử lý' }), el('div', { class: 'row' }, [fieldSelect, release, resolution, close, promote])]),
  );
  log.scrollTop = log.scrollHeight;
}

function situationItem(c: any, escalationId: string) {
  const insert = el('button', { type: 'button', class: 'secondary', text: 'Chèn làm câu trả lời' });
  insert.addEventListener('click', async () => {
    const r = await emit('situation:insert', { escalationId, code: c.code });
    if ('error' in r) flash(r.error.message);
  });
  return el('li', {}, [`${c.code}: ${c.question} `, insert]);
}

async function action(event: string, payload: unknown) {
  const r = await emit<{ escalation: any }>(event, payload);
  if ('error' in r) return flash(r.error.message);
  await refreshLists();
  if (current) await open(current.id);
}

/**
 * Reads the lists and the open conversation again and adds the messages its transcript lacks, in
 * id order (opening also joins the conversation's room again). After a reconnect, and when the
 * server says broadcasts of other instances were lost (its database restarted).
 */
async function catchUp() {
  await refreshLists();
  if (!current) return;
  const res = await emit<{ transcript: any[] }>('escalation:open', { id: current.id });
  const log = document.getElementById('transcript');
  if ('error' in res || !log) return;
  for (const m of res.data.transcript) {
    if (log.querySelector(`[data-id="${m.id}"]`)) continue;
    const later = Array.from(log.querySelectorAll<HTMLElement>('[data-id]')).find((node) => Number(node.dataset.id) > m.id);
    if (later) later.before(renderMessage(m));
    else log.append(renderMessage(m));
  }
  log.scrollTop = log.scrollHeight;
}

socket.on('connect', () => {
  $('connection').textContent = 'Đã kết nối';
  void catchUp();
});
socket.on('server:resync', () => void catchUp());
socket.on('disconnect', () => ($('connection').textContent = 'Mất kết nối, đang thử lại…'));
socket.on('connect_error', () => ($('connection').textContent = 'Không kết nối được (phiên đăng nhập có thể đã hết hạn).'));
socket.on('queue:changed', () => void refreshLists());
socket.on('escalation:offered', (offer: { id: string; question: string }) => {
  void refreshLists().then(() => {
    const item = document.querySelector(`#queue .ticket`);
    item?.classList.add('offered');
    flash(`Yêu cầu mới dành cho bạn: "${offer.question.slice(0, 80)}". Bấm "Nhận" để tiếp nhận.`);
  });
});
socket.on('message:created', ({ conversationId, message }: { conversationId: string; message: any }) => {
  if (!current || current.conversationId !== conversationId) return;
  const log = document.getElementById('transcript');
  if (!log || log.querySelector(`[data-id="${message.id}"]`)) return;
  log.append(renderMessage(message));
  log.scrollTop = log.scrollHeight;
});
socket.on('typing', ({ conversationId }: { conversationId: string }) => {
  if (!current || current.conversationId !== conversationId) return;
  const t = document.getElementById('typing');
  if (!t) return;
  t.textContent = 'Người dân đang nhập…';
  setTimeout(() => (t.textContent = ''), 4000);
});
$<HTMLSelectElement>('presence').addEventListener('change', (e) => void emit('presence:set', { status: (e.target as HTMLSelectElement).value }));
fetch('/api/v1/fields')
  .then((r) => r.json())
  .then((body) => (fields = body.fields))
  .catch(() => undefined);
setInterval(() => void refreshLists(), 30_000);
