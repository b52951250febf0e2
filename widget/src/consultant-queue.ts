import type { WidgetContext } from './types.js';

/**
 * The bar that tells a citizen who asked for a person where they stand: place in the queue and
 * expected wait, or the ticket when no consultant is on duty; "cancel" takes the request back, and
 * the consultant's typing shows under the conversation.
 */
export function consultantQueue({ ui, socket, emit, notice }: WidgetContext) {
  const show = (position: number | null, minutes: number | null, offline: boolean, ticket?: string) => {
    ui.queueBar.hidden = false;
    ui.askHuman.hidden = true;
    ui.queueText.textContent = offline
      ? `Đã gửi câu hỏi cho chuyên viên${ticket ? ` · mã tra cứu ${ticket}` : ''}`
      : `Đang chờ chuyên viên: vị trí ${position ?? '?'}, khoảng ${minutes ?? '?'} phút`;
  };
  const hide = () => {
    ui.queueBar.hidden = true;
    ui.askHuman.hidden = false;
  };
  /** A consultant has the conversation: no queue, and no second request. */
  const withConsultant = () => {
    ui.queueBar.hidden = true;
    ui.askHuman.hidden = true;
  };

  ui.cancelRequest.addEventListener('click', async () => {
    const res = await emit<{ cancelled: boolean }>('consultant:cancel', {});
    if ('error' in res) notice(res.error.message);
    else hide();
  });
  socket.on('queue:position', (p: { position: number; estimatedMinutes: number }) => show(p.position, p.estimatedMinutes, false));
  socket.on('conversation:updated', (c: { status: string }) => {
    if (c.status === 'with_consultant') withConsultant();
    else if (c.status === 'open') hide();
  });
  socket.on('typing', (info: { sender: string }) => {
    if (info.sender !== 'consultant') return;
    ui.typing.textContent = 'Chuyên viên đang nhập…';
    setTimeout(() => (ui.typing.textContent = ''), 4000);
  });
  return { show, hide, withConsultant };
}
