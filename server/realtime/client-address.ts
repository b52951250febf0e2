import type { IncomingMessage } from 'node:http';
import type { Socket } from 'socket.io';
import { isLoopback } from '../security/security.metrics.js';

/**
 * The client address behind a connection: the first X-Forwarded-For hop when the peer is the
 * reverse proxy on loopback (the same rule as express's `trust proxy: loopback`), else the peer.
 */
export function clientAddressOf(peer: string | undefined, forwarded: string | string[] | undefined): string {
  const direct = peer ?? 'unknown';
  if (isLoopback(direct) && typeof forwarded === 'string' && forwarded.trim()) return forwarded.split(',')[0]!.trim();
  return direct;
}

/** The client address of a socket.io connection (its handshake request). */
export function clientAddress(socket: Socket): string {
  return clientAddressOf(socket.handshake.address, socket.handshake.headers['x-forwarded-for']);
}

/** The client address of a raw HTTP request (an Engine.IO handshake, before any socket exists). */
export function requestClientAddress(req: IncomingMessage): string {
  return clientAddressOf(req.socket.remoteAddress, req.headers['x-forwarded-for']);
}
