import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Config } from '../config.js';

/** The socket.io server: origin allow-list shared with HTTP, small payloads. */
export function createSocketServer(http: HttpServer, config: Config): Server {
  const anyOrigin = config.CORS_ORIGINS.includes('*');
  const allowed = new Set(config.CORS_ORIGINS);
  return new Server(http, {
    cors: { origin: anyOrigin ? true : config.CORS_ORIGINS, credentials: false },
    // CORS does not cover WebSocket upgrades: a browser page from another origin is refused here.
    // Requests without an Origin header (server-side clients, same-origin polling) pass.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, anyOrigin || !origin || allowed.has(origin) || isSameHost(origin, req.headers.host));
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
