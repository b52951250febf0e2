import { deleteConfirmation } from './privacy.view.js';
import type { WidgetContext } from './types.js';

/** What "Xóa cuộc trò chuyện" needs from the widget beyond the common context. */
export interface EraseContext extends WidgetContext {
  scrollDown: () => void;
  /** Is a conversation saved in this browser? */
  hasSavedToken: () => boolean;
  /** Is the socket bound to a conversation? */
  isBound: () => boolean;
  /** Binds the socket to the saved conversation without opening a new one. */
  bind: () => Promise<boolean>;
  /** Clears the widget and tells the citizen why. */
  startAfresh: (text: string) => void;
}

const UNREACHABLE = 'Chưa kết nối được máy chủ nên chưa xóa được.';

/**
 * "Xóa cuộc trò chuyện": after a confirmation (focus on "Không xóa"), the server erases the
 * conversation (messages, contact details, ratings; an open request to a consultant is
 * cancelled) and the widget starts afresh; so does every other tab of it.
 */
export function wireErase(ctx: EraseContext): void {
  const { ui, socket, emit, notice } = ctx;
  let deleting = false;

  const erase = async () => {
    if (deleting) return;
    deleting = true;
    try {
      if (ctx.hasSavedToken() || ctx.isBound()) {
        if (!socket.connected) return notice(`${UNREACHABLE} Vui lòng thử lại khi có mạng.`);
        if (await ctx.bind()) {
          const res = await emit<{ deleted: boolean }>('conversation:delete', {});
          if ('error' in res && res.error.code !== 'conversation_not_found' && res.error.code !== 'no_conversation') return notice(res.error.message);
        } else if (ctx.hasSavedToken()) {
          return notice(`${UNREACHABLE} Vui lòng thử lại.`);
        }
      }
      ctx.startAfresh('Đã xóa cuộc trò chuyện. Bạn có thể đặt câu hỏi mới.');
    } finally {
      deleting = false;
    }
  };

  ui.deleteButton.addEventListener('click', () => {
    const open = ui.log.querySelector<HTMLElement>('.confirm');
    if (open) return open.querySelector<HTMLButtonElement>('.choice')?.focus();
    const box = deleteConfirmation(
      () => {
        box.remove();
        void erase();
      },
      () => {
        box.remove();
        ui.deleteButton.focus();
      },
    );
    ui.log.append(box);
    ctx.scrollDown();
    box.querySelector<HTMLButtonElement>('.choice')?.focus();
  });
  // Erased from another tab, or by an admin at the citizen's request.
  socket.on('conversation:deleted', () => {
    if (!deleting) ctx.startAfresh('Cuộc trò chuyện này đã được xóa. Bạn có thể đặt câu hỏi mới.');
  });
}
