import type { RequestHandler, Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createLoginThrottle } from './login.throttle.js';
import { createLoadStaff, sessionCookies } from './staff.middleware.js';
import { createStaffRepository } from './staff.repository.js';
import { staffRoutes } from './staff.routes.js';
import { createStaffService, type StaffService } from './staff.service.js';
import { createSocketAuthenticator } from './staff.socket.js';
import type { StaffPrincipal } from './staff.types.js';

export interface StaffModuleDeps {
  dataSource: DataSource;
  config: Pick<Config, 'SESSION_TTL_HOURS' | 'COOKIE_SECURE' | 'LOGIN_ATTEMPTS_PER_ACCOUNT' | 'LOGIN_ATTEMPTS_PER_IP'>;
  logger: Logger;
  /** The clock for session expiry (tests move it). */
  now?: () => Date;
}

/** What createApp wires and other modules use. */
export interface StaffModule {
  service: StaffService;
  /** Cookie → `req.staff` / `req.staffSession`, or nothing. Mount on staff paths only. */
  loadStaff: RequestHandler;
  /** Login, logout, change password, /staff/me, POST /admin/staff/:id/reset-password. */
  router: Router;
  /** Handshake authentication for staff socket.io namespaces. */
  authenticateStaffSocket(cookieHeader: string | undefined): Promise<StaffPrincipal | null>;
}

/** Builds the staff accounts module over a data source. */
export function createStaffModule({ dataSource, config, logger, now }: StaffModuleDeps): StaffModule {
  const service = createStaffService({
    repo: createStaffRepository(dataSource),
    sessionTtlMs: config.SESSION_TTL_HOURS * 3_600_000,
    ...(now ? { now } : {}),
  });
  const cookies = sessionCookies(config);
  const throttle = createLoginThrottle(config, now ? () => now().getTime() : undefined);
  return {
    service,
    loadStaff: createLoadStaff(service, cookies),
    router: staffRoutes({ service, cookies, throttle, logger }),
    authenticateStaffSocket: createSocketAuthenticator(service),
  };
}
