import type { Socket } from 'socket.io-client';
import type { Panel } from './panel.view.js';

/** A message as the server sends it (see server/chat/message.presenter.ts). */
export interface MessageDto {
  id: number;
  clientId: string | null;
  sender: 'citizen' | 'bot' | 'consultant' | 'system';
  kind: 'text' | 'answer' | 'clarify' | 'escalate' | 'small_talk' | 'choice' | 'notice';
  text: string;
  payload: Record<string, any>;
  replyTo: number | null;
  createdAt: string;
}

export type AckResponse<T> = { data: T } | { error: { code: string; message: string } };

/** What the view asks the controller to do when the citizen clicks. */
export interface ViewActions {
  send(text: string): void;
  pick(messageId: number, code: string): void;
  rate(messageId: number, helpful: boolean): void;
  requestConsultant(): void;
  retry(clientId: string): void;
  newConversation(): void;
}

/** Sends a command and resolves with its ack (a timeout becomes a retryable error). */
export type Emit = <T>(event: string, payload: unknown) => Promise<AckResponse<T>>;

/** What every part of the widget that talks to the server gets from main.ts. */
export interface WidgetContext {
  ui: Panel;
  socket: Socket;
  emit: Emit;
  /** Shows a line from the system in the conversation. */
  notice: (text: string) => void;
}
