import { el } from './dom.js';

/**
 * The confirmation shown before the citizen erases their conversation: what goes, and that it
 * cannot be undone. The safe choice ("Không xóa") takes the focus.
 */
export function deleteConfirmation(onConfirm: () => void, onCancel: () => void): HTMLElement {
  const confirm = el('button', { type: 'button', class: 'send danger', text: 'Xóa' });
  const cancel = el('button', { type: 'button', class: 'choice', text: 'Không xóa' });
  const box = el(
    'div',
    { class: 'msg system confirm', role: 'alertdialog', 'aria-label': 'Xác nhận xóa cuộc trò chuyện', 'aria-describedby': 'hl-confirm-text' },
    [
      el('p', {
        id: 'hl-confirm-text',
        text: 'Xóa toàn bộ cuộc trò chuyện này? Câu hỏi, câu trả lời, đánh giá và thông tin liên hệ bạn đã để lại sẽ bị xóa khỏi máy chủ; yêu cầu gặp chuyên viên (nếu có) sẽ bị hủy. Không thể hoàn tác.',
      }),
      el('div', { class: 'choices' }, [confirm, cancel]),
    ],
  );
  confirm.addEventListener('click', onConfirm);
  cancel.addEventListener('click', onCancel);
  return box;
}
