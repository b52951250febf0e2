import { el } from './dom.js';

export interface ContactInput {
  name: string;
  phone: string;
  email: string;
  consent: boolean;
}

/**
 * The form shown before a question goes to a consultant: contact details are optional and kept
 * only with the citizen's consent.
 */
export function contactForm(onSubmit: (input: ContactInput) => void, onCancel: () => void): HTMLElement {
  const name = el('input', { type: 'text', id: 'hl-name', maxlength: '120', autocomplete: 'name' }) as HTMLInputElement;
  const phone = el('input', { type: 'tel', id: 'hl-phone', maxlength: '30', autocomplete: 'tel', inputmode: 'tel' }) as HTMLInputElement;
  const email = el('input', { type: 'email', id: 'hl-email', maxlength: '254', autocomplete: 'email' }) as HTMLInputElement;
  const consent = el('input', { type: 'checkbox', id: 'hl-consent' }) as HTMLInputElement;
  const error = el('p', { class: 'form-error', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'send', text: 'Gửi yêu cầu' });
  const cancel = el('button', { type: 'button', class: 'choice', text: 'Hủy' });
  const form = el('form', { class: 'msg system contact', 'aria-label': 'Gửi câu hỏi cho chuyên viên tư vấn' }, [
    el('p', {
      text: 'Câu hỏi của bạn sẽ được chuyển cho chuyên viên tư vấn của Sở Tư pháp. Bạn không cần để lại thông tin gì để chờ trả lời ngay tại đây. Nếu muốn được trả lời khi đã rời trang, bạn có thể để lại họ tên và số điện thoại hoặc email.',
    }),
    el('label', { for: 'hl-name', text: 'Họ tên (không bắt buộc)' }),
    name,
    el('label', { for: 'hl-phone', text: 'Số điện thoại (không bắt buộc)' }),
    phone,
    el('label', { for: 'hl-email', text: 'Email (không bắt buộc)' }),
    email,
    el('label', { class: 'consent', for: 'hl-consent' }, [
      consent,
      ' Tôi đồng ý để Sở Tư pháp dùng thông tin liên hệ này chỉ để trả lời câu hỏi của tôi; thông tin được xóa khi hết thời hạn lưu trữ.',
    ]),
    error,
    el('div', { class: 'choices' }, [submit, cancel]),
  ]);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const input = { name: name.value.trim(), phone: phone.value.trim(), email: email.value.trim(), consent: consent.checked };
    if ((input.name || input.phone || input.email) && !input.consent) {
      error.textContent = 'Vui lòng đánh dấu đồng ý nếu bạn muốn để lại thông tin liên hệ, hoặc để trống các ô này.';
      consent.focus();
      return;
    }
    if (input.phone && !/^[0-9 +().-]{6,30}$/.test(input.phone)) {
      error.textContent = 'Số điện thoại chỉ gồm chữ số (có thể có dấu +, khoảng trắng).';
      phone.focus();
      return;
    }
    onSubmit(input);
  });
  cancel.addEventListener('click', onCancel);
  return form;
}
