import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export { startCluster, CHANNELS, type Cluster } from './cluster.js';
export { createMetrics, timeMatcher, type Metrics } from './metrics.js';
export { logDomainEvents, requestLog } from './request-log.js';
export { watchSocketCommands, UNAVAILABLE, type SocketCommands } from './socket-ops.js';

/**
 * A name for this run of this instance, unique even when two apps share a process (tests) or a
 * restarted instance keeps its configured name: presence rows are keyed by it.
 */
export function newInstanceId(name?: string): string {
  return `${name ?? hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
}
