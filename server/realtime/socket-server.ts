import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Config } from '../config.js';

/** The socket.io server: origin allow-list shared with HTTP, small payloads. */
export function createSocketServer(http: HttpServer, config: Config): Server {
  return new Server(http, {
    cors: { origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS, credentials: false },
    // A question is at most a few kilobytes; anything much larger is not a citizen typing.
    maxHttpBufferSize: 64 * 1024,
    serveClient: false,
  });
}
