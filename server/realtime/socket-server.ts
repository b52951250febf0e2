import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Config } from '../config.js';
import { RateLimiter } from '../rate-limiter.js';
import { requestClientAddress } from './client-address.js';

/** Why a new socket.io connection was turned away. */
export type RefusedHandshake = 'origin' | 'rate_limited';

export interface SocketServerOptions {
  /** Told about each refused handshake (metrics). */
  onRefused?: (reason: RefusedHandshake) => void;
  /** The clock of the handshake counter (tests move it). */
  now?: () => number;
}

/**
 * The text of a handshake refused for its rate: the body of the HTTP answer (long polling reads
 * it; a browser's WebSocket never shows it). Nobody reads it in the widget, which simply retries
 * with socket.io's backoff; it is for whoever looks at the traffic.
 */
export const tooManyConnections = (seconds: number) =>
  `rate_limited: Quá nhiều kết nối từ địa chỉ này. Vui lòng thử lại sau khoảng ${Math.max(1, seconds)} giây.`;

/**
 * The socket.io server: origin allow-list shared with HTTP, new connections per client IP,
 * small payloads.
 */
export function createSocketServer(http: HttpServer, config: Config, options: SocketServerOptions = {}): Server {
  const anyOrigin = config.CORS_ORIGINS.includes('*');
  const allowed = new Set(config.CORS_ORIGINS);
  const handshakes = new RateLimiter(config.SOCKET_CONNECTIONS_PER_MINUTE_PER_IP, 60_000, options.now);
  return new Server(http, {
    cors: { origin: anyOrigin ? true : config.CORS_ORIGINS, credentials: false },
    // Engine.IO asks this for a new connection only (not for the polling requests and the
    // WebSocket upgrade of a connection already open), before it keeps any state for it.
    allowRequest: (req, callback) => {
      // CORS does not cover WebSocket upgrades: a browser page from another origin is refused here.
      // Requests without an Origin header (server-side clients, same-origin polling) pass.
      const origin = req.headers.origin;
      if (!(anyOrigin || !origin || allowed.has(origin) || isSameHost(origin, req.headers.host))) {
        options.onRefused?.('origin');
        return callback(null, false);
      }
      // Every namespace (citizens' /chat, staff's /console) and every transport counts. Refused:
      // 403 (long polling) or 400 (WebSocket upgrade); socket.io clients retry with their backoff.
      const ip = requestClientAddress(req);
      if (!handshakes.take(ip)) {
        options.onRefused?.('rate_limited');
        return callback(tooManyConnections(handshakes.retryAfter(ip)), false);
      }
      callback(null, true);
    },
    // A question is at most a few kilobytes; anything much larger is not a citizen typing.
    maxHttpBufferSize: 64 * 1024,
    serveClient: false,
  });
}

function isSameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
