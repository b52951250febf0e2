import { io as connect, type Socket } from 'socket.io-client';

/** A real socket.io client on the /chat namespace, websocket only (no polling delays in tests). */
export async function chatClient(baseUrl: string, headers: Record<string, string> = {}): Promise<Socket> {
  const socket = connect(`${baseUrl}/chat`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Emits a command and resolves with its ack. */
export function request<T = any>(socket: Socket, event: string, payload?: unknown): Promise<{ data?: T; error?: { code: string; message: string } }> {
  return socket.timeout(5000).emitWithAck(event, payload ?? {});
}

/** Collects `message:created` events a socket receives. */
export function collect(socket: Socket, event = 'message:created'): any[] {
  const received: any[] = [];
  socket.on(event, (m: unknown) => received.push(m));
  return received;
}

/** Waits until the predicate holds (polling), or fails after a timeout. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
