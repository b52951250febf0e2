import { el, paragraphs } from './dom.js';
import { citationText, formatDate, formatTime } from './format.js';
import type { MessageDto, ViewActions } from './types.js';

const SENDER_LABEL: Record<MessageDto['sender'], string> = {
  citizen: 'Bạn',
  bot: 'Trợ lý Hỏi Luật',
  consultant: 'Chuyên viên tư vấn',
  system: 'Thông báo',
};

/** One message bubble; buttons call the controller's actions. */
export function renderMessage(m: MessageDto, actions: ViewActions, state: { picked?: string; rated?: boolean }): HTMLElement {
  const bubble = el('div', { class: `msg ${m.sender}`, 'data-id': String(m.id), 'data-kind': m.kind });
  bubble.append(el('span', { class: 'sr-only', text: `${SENDER_LABEL[m.sender]}: ` }));
  switch (m.kind) {
    case 'answer':
      bubble.append(...answerContent(m, actions, state));
      break;
    case 'clarify':
      bubble.append(el('span', { text: m.text }), choices(m, actions, state.picked));
      break;
    case 'escalate':
      bubble.append(el('span', { text: m.text }), escalateButtons(m, actions));
      break;
    default:
      bubble.append(el('span', { text: m.text }));
  }
  bubble.append(el('span', { class: 'meta', text: formatTime(m.createdAt) }));
  return bubble;
}

function answerContent(m: MessageDto, actions: ViewActions, state: { rated?: boolean }): Node[] {
  const s = m.payload.situation ?? {};
  const basis: any[] = Array.isArray(s.legal_basis) ? s.legal_basis : [];
  const related: any[] = Array.isArray(m.payload.related) ? m.payload.related : [];
  const nodes: Node[] = [];
  if (s.question) nodes.push(el('p', { class: 'answer-title', text: s.question }));
  nodes.push(el('div', { class: 'answer-text' }, paragraphs(m.text)));
  if (basis.length) {
    nodes.push(
      el('div', { class: 'basis' }, [
        el('h3', { text: 'Căn cứ pháp lý' }),
        el(
          'ul',
          {},
          basis.map((c) => el('li', {}, [citationText(c), c.note ? el('span', { class: 'note', text: c.note }) : null])),
        ),
      ]),
    );
  }
  if (s.reviewed_at) nodes.push(el('p', { class: 'reviewed', text: `Nội dung được rà soát ngày ${formatDate(s.reviewed_at)}.` }));
  if (m.payload.disclaimer) nodes.push(el('p', { class: 'disclaimer', text: m.payload.disclaimer }));
  if (related.length) {
    nodes.push(
      el('div', { class: 'related' }, [
        el('h3', { text: 'Có thể bạn quan tâm' }),
        el(
          'div',
          { class: 'related-list' },
          related.map((r) => {
            const b = el('button', { type: 'button', class: 'choice', text: r.question });
            b.addEventListener('click', () => actions.send(r.question));
            return b;
          }),
        ),
      ]),
    );
  }
  nodes.push(rating(m, actions, state.rated));
  return nodes;
}

function rating(m: MessageDto, actions: ViewActions, rated?: boolean): HTMLElement {
  const box = el('div', { class: 'rating', role: 'group', 'aria-label': 'Câu trả lời có giúp ích cho bạn không?' }, [
    el('span', { text: rated ? 'Cảm ơn bạn đã đánh giá.' : 'Câu trả lời có giúp ích không?' }),
  ]);
  if (!rated) {
    for (const [label, helpful] of [
      ['Có', true],
      ['Không', false],
    ] as const) {
      const b = el('button', { type: 'button', class: 'choice', text: label, 'aria-label': `${label}, câu trả lời ${helpful ? 'có' : 'không'} giúp ích` });
      b.addEventListener('click', () => actions.rate(m.id, helpful));
      box.append(b);
    }
  }
  return box;
}

function choices(m: MessageDto, actions: ViewActions, picked?: string): HTMLElement {
  const options: any[] = Array.isArray(m.payload.options) ? m.payload.options : [];
  return el(
    'div',
    { class: 'choices', role: 'group', 'aria-label': 'Chọn tình huống phù hợp' },
    options.map((o) => {
      const b = el('button', {
        type: 'button',
        class: 'choice',
        text: o.question,
        disabled: picked !== undefined,
        'aria-pressed': picked === o.code ? 'true' : undefined,
      });
      b.addEventListener('click', () => actions.pick(m.id, o.code));
      return b;
    }),
  );
}

function escalateButtons(m: MessageDto, actions: ViewActions): HTMLElement {
  const suggestions: any[] = Array.isArray(m.payload.suggestions) ? m.payload.suggestions : [];
  const box = el('div', { class: 'choices' });
  for (const s of suggestions) {
    const b = el('button', { type: 'button', class: 'choice', text: s.question });
    b.addEventListener('click', () => actions.send(s.question));
    box.append(b);
  }
  if (m.payload.offer_consultant) {
    const b = el('button', { type: 'button', class: 'choice', text: 'Gặp chuyên viên tư vấn' });
    b.addEventListener('click', () => actions.requestConsultant());
    box.append(b);
  }
  return box;
}

/** A question typed by the citizen that the server has not confirmed yet (or refused). */
export function renderPending(clientId: string, text: string, actions: ViewActions, error?: string): HTMLElement {
  const bubble = el('div', { class: `msg citizen ${error ? 'failed' : 'pending'}`, 'data-client-id': clientId }, [
    el('span', { class: 'sr-only', text: 'Bạn: ' }),
    el('span', { text }),
    el('span', { class: 'meta', text: error ?? 'Đang gửi…' }),
  ]);
  if (error) {
    const retry = el('button', { type: 'button', class: 'choice', text: 'Gửi lại' });
    retry.addEventListener('click', () => actions.retry(clientId));
    bubble.append(retry);
  }
  return bubble;
}
