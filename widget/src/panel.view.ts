import { el } from './dom.js';

export interface PanelOptions {
  title: string;
  maxLength: number;
}

/** The static frame: launcher, dialog panel, header, message log, composer. */
export function buildPanel(shadow: ShadowRoot, options: PanelOptions) {
  const launcher = el('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'hl-panel', text: 'Hỏi đáp pháp luật' });
  const status = el('span', { class: 'status', role: 'status', text: '' });
  const newButton = el('button', { type: 'button', class: 'icon-btn', text: 'Cuộc trò chuyện mới' });
  const closeButton = el('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Đóng cửa sổ hỏi đáp', text: '✕' });
  const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Nội dung trò chuyện', tabindex: '0' });
  const typing = el('div', { class: 'typing', 'aria-live': 'polite' });
  const queueText = el('span', { role: 'status' });
  const cancelRequest = el('button', { type: 'button', class: 'link', text: 'Hủy yêu cầu' });
  const queueBar = el('div', { class: 'queuebar', hidden: true }, [queueText, cancelRequest]);
  const askHuman = el('button', { type: 'button', class: 'link', text: 'Gặp chuyên viên tư vấn' });
  const deleteButton = el('button', { type: 'button', class: 'link', text: 'Xóa cuộc trò chuyện' });
  const askBar = el('div', { class: 'askbar' }, [deleteButton, askHuman]);
  const input = el('textarea', {
    id: 'hl-input',
    rows: '2',
    'aria-label': 'Nhập câu hỏi pháp luật',
    placeholder: 'Nhập câu hỏi của bạn…',
  });
  const send = el('button', { type: 'submit', class: 'send', text: 'Gửi' });
  const counter = el('div', { class: 'counter', 'aria-live': 'polite' });
  const form = el('form', { class: 'composer' }, [input, send]);
  const panel = el('section', { class: 'panel', id: 'hl-panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'hl-title', hidden: true }, [
    el('div', { class: 'header' }, [el('h2', { id: 'hl-title' }, [options.title, status]), newButton, closeButton]),
    log,
    typing,
    queueBar,
    askBar,
    form,
    counter,
  ]);
  const root = el('div', { class: 'root', lang: 'vi' }, [launcher, panel]);
  shadow.append(root);

  const updateCounter = () => {
    const length = input.value.length;
    const near = length > options.maxLength * 0.8;
    counter.textContent = near ? `${length}/${options.maxLength} ký tự` : '';
    counter.classList.toggle('over', length > options.maxLength);
    send.disabled = length > options.maxLength;
  };
  input.addEventListener('input', updateCounter);

  return { launcher, panel, status, newButton, closeButton, log, typing, queueBar, queueText, cancelRequest, askHuman, deleteButton, input, send, form, updateCounter };
}

export type Panel = ReturnType<typeof buildPanel>;
