import type { Server as SocketServer, Socket } from 'socket.io';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

/** What a command sent while the instance shuts down answers: retry once reconnected. */
export const UNAVAILABLE = {
  code: 'unavailable',
  message: 'Máy chủ đang khởi động lại. Tin nhắn sẽ được gửi lại tự động khi kết nối lại.',
} as const;

/**
 * Watches every socket command that carries an ack, on the given namespaces: counts those in
 * flight (a graceful shutdown waits for them), logs each with its conversation id, times it,
 * and once draining answers new ones `unavailable` so clients send them again elsewhere.
 */
export function watchSocketCommands(io: SocketServer, options: { namespaces: string[]; logger: Logger; metrics: Metrics }) {
  const { logger, metrics } = options;
  let inFlight = 0;
  let draining = false;
  let idle: (() => void)[] = [];

  const settle = () => {
    inFlight -= 1;
    if (inFlight === 0) {
      for (const resolve of idle) resolve();
      idle = [];
    }
  };

  for (const name of options.namespaces) {
    io.of(name).on('connection', (socket: Socket) => {
      socket.use((packet, next) => {
        const ack = packet[packet.length - 1];
        if (typeof ack !== 'function') return next();
        const command = String(packet[0]);
        if (draining) {
          ack({ error: UNAVAILABLE });
          return;
        }
        inFlight += 1;
        const started = performance.now();
        let answered = false;
        packet[packet.length - 1] = (response: { error?: { code?: string } } | undefined) => {
          if (!answered) {
            answered = true;
            settle();
            const seconds = (performance.now() - started) / 1000;
            const code = response?.error?.code;
            metrics.observeCommand(name, command, code ?? 'ok', seconds);
            const entry = { namespace: name, command, conversationId: socket.data.conversationId, socketId: socket.id, ms: Math.round(seconds * 1000) };
            if (code) logger.info({ ...entry, code }, 'socket command refused');
            else logger.debug(entry, 'socket command');
          }
          (ack as (r: unknown) => void)(response);
        };
        next();
      });
    });
  }

  return {
    get inFlight() {
      return inFlight;
    },
    get draining() {
      return draining;
    },
    /**
     * Graceful stop of this instance's sockets: refuse new commands, tell every client to
     * reconnect (the others serve it), wait for commands in flight (at most `timeoutMs`), then close
     * the connections the way a network loss would, so clients reconnect on their own.
     */
    async drain(timeoutMs: number): Promise<{ unfinished: number; closed: number }> {
      draining = true;
      const local = options.namespaces.flatMap((name) => [...io.of(name).sockets.values()]);
      for (const name of options.namespaces) io.of(name).local.emit('server:draining', { reconnect: true });
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          timer.unref();
          idle.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      // socket.disconnect() would tell the client not to reconnect; closing the transport does not.
      for (const socket of local) socket.conn.close();
      return { unfinished: inFlight, closed: local.length };
    },
  };
}

export type SocketCommands = ReturnType<typeof watchSocketCommands>;
