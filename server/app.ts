import { createServer, type Server as HttpServer } from 'node:http';
import cors from 'cors';
import express from 'express';
import type { Server as SocketServer } from 'socket.io';
import { analyticsRoutes } from './analytics/index.js';
import { createAdminModule } from './admin/index.js';
import { createChatRepository, createChatService } from './chat/index.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { pendingMigrations } from './db/migrator.js';
import { buildConsoleScript, consoleRoutes } from './console/console.routes.js';
import { createConsultationRepository } from './consultation/consultation.repository.js';
import { createConsultationService, type ConsultationService } from './consultation/consultation.service.js';
import { createMailer } from './consultation/mailer.js';
import { ticketRoutes } from './consultation/ticket.routes.js';
import { parseOfficeHours } from './consultation/office-hours.js';
import { Presence } from './consultation/presence.js';
import { EventBus } from './events.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import { createKnowledgeRepository, importSituations, knowledgeRoutes } from './knowledge/index.js';
import type { Logger } from './logger.js';
import { askRoutes } from './matching/ask.routes.js';
import { createMatchingService, type MatchingService } from './matching/matching.service.js';
import { createPrivacyService, privacyRoutes, scheduleRetention, type PrivacyService } from './privacy/index.js';
import { createMetrics, logDomainEvents, newInstanceId, requestLog, startCluster, timeMatcher, watchSocketCommands, type Cluster, type Metrics } from './ops/index.js';
import { MIGRATIONS_DIR, resolveFromRoot } from './paths.js';
import { registerChatNamespace } from './realtime/chat.socket.js';
import { registerConsoleNamespace } from './realtime/console.socket.js';
import { createSocketServer } from './realtime/socket-server.js';
import { publicRateLimits, securityHeaders } from './security/index.js';
import { createStaffModule, type StaffModule } from './staff/index.js';
import { buildWidget } from './widget-host/widget.bundle.js';
import { widgetRoutes } from './widget-host/widget.routes.js';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
}

export interface App {
  http: HttpServer;
  io: SocketServer;
  express: express.Express;
  events: EventBus;
  matching: MatchingService;
  /** Staff accounts and sessions: `staff.authenticateStaffSocket` for staff namespaces. */
  staff: StaffModule;
  consultation: ConsultationService;
  /** Erasure and export of citizens' data; `privacy.runRetention()` runs the retention job now (tests call it). */
  privacy: PrivacyService;
  /** Several instances on one PostgreSQL: this one's id, shared-state health, dictionary reloads. */
  cluster: Cluster;
  metrics: Metrics;
  /**
   * Graceful stop, before `close`: stop accepting connections, tell socket clients to reconnect
   * elsewhere, finish the commands in flight (at most `timeoutMs`), then drop the connections.
   */
  drain(timeoutMs?: number): Promise<void>;
  /** Runs the background work now (requeue after grace periods, send email); tests call it. */
  sweep(): Promise<void>;
  /** Disconnects sockets and stops the HTTP server (the database is the caller's to close). */
  close(): Promise<void>;
}

/**
 * Wires every part of the service: builds the matcher from the database and the widget bundle,
 * then routes and socket namespaces. Nothing listens until the caller calls `http.listen`.
 */
export async function createApp({ config, db, logger }: AppDeps): Promise<App> {
  // Several instances write to one log store: every line says which one wrote it.
  const instanceId = newInstanceId(config.INSTANCE_NAME);
  logger = logger.child({ instance: instanceId });
  const events = new EventBus();
  const knowledge = createKnowledgeRepository(db.dataSource, { withholdUnreviewed: config.WITHHOLD_UNREVIEWED });
  const matching = await createMatchingService({
    knowledge,
    dictionaryPath: resolveFromRoot(config.DICTIONARY_PATH),
    thresholds: {
      ...(config.MATCH_ANSWER_THRESHOLD !== undefined ? { answer: config.MATCH_ANSWER_THRESHOLD } : {}),
      ...(config.MATCH_ANSWER_MARGIN !== undefined ? { margin: config.MATCH_ANSWER_MARGIN } : {}),
      ...(config.MATCH_CLARIFY_THRESHOLD !== undefined ? { clarify: config.MATCH_CLARIFY_THRESHOLD } : {}),
      ...(config.MATCH_CLARIFY_BAND !== undefined ? { clarifyBand: config.MATCH_CLARIFY_BAND } : {}),
    },
    logger,
  });
  const [widget, consoleScript] = await Promise.all([buildWidget(), buildConsoleScript()]);
  const chatRepo = createChatRepository(db.dataSource);
  const presence = new Presence();
  const consultationRepo = createConsultationRepository(db.dataSource);
  const consultation = createConsultationService({
    repo: consultationRepo,
    chat: chatRepo,
    knowledge,
    matching,
    events,
    presence,
    officeHours: parseOfficeHours(config.OFFICE_HOURS),
    graceSeconds: config.CONSULTANT_GRACE_SECONDS,
    waitWarnMinutes: config.QUEUE_WAIT_WARN_MINUTES,
    waitAlertMinutes: config.QUEUE_WAIT_ALERT_MINUTES,
    importDraft: async (record, actor) => {
      const report = await importSituations(db.dataSource, { rows: [{ line: 1, values: record }], errors: [] }, { actor, source: 'consultation' });
      if (report.ok) await matching.refresh(report.changedCodes);
      return report;
    },
  });
  const mailer = createMailer({ repo: consultationRepo, smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, logger });
  const chat = createChatService({
    repo: chatRepo,
    knowledge,
    matcher: matching,
    events,
    maxMessageLength: config.CHAT_MAX_MESSAGE_LENGTH,
    conversationTtlDays: config.CHAT_CONVERSATION_TTL_DAYS,
    messagesPerMinute: config.CHAT_MESSAGES_PER_MINUTE,
  });

  const staff = createStaffModule({ dataSource: db.dataSource, config, logger });
  const privacy = createPrivacyService({
    dataSource: db.dataSource,
    events,
    findEscalation: (id) => consultationRepo.findById(id),
    retentionDays: config.RETENTION_DAYS,
    logger,
  });
  const metrics = createMetrics({ db, events, matching, io: () => io });
  timeMatcher(matching, metrics);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLog(logger, metrics));
  app.use(securityHeaders());
  app.use(
    healthRoutes({
      database: async () => {
        await db.dataSource.query('SELECT 1');
        return null;
      },
      migrations: async () => {
        const pending = await pendingMigrations(db.dataSource, MIGRATIONS_DIR);
        return pending.length ? `${pending.length} pending` : null;
      },
      matcher: async () => {
        if (matching.size > 0) return null;
        const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM situations WHERE status = 'published'`);
        return row.n > 0 ? `index empty while ${row.n} situations are published` : null;
      },
      cluster: async () => cluster.problem(),
      shutdown: async () => (commands.draining ? 'draining' : null),
    }, () => ({ instance: instanceId, situations: matching.size, cluster: cluster.mode })),
  );
  app.use(metrics.router({ token: config.METRICS_TOKEN, perMinute: config.PUBLIC_REQUESTS_PER_MINUTE_PER_IP }));
  app.use(publicRateLimits({ perMinute: config.PUBLIC_REQUESTS_PER_MINUTE_PER_IP }));
  app.use(widgetRoutes(widget));
  app.use(ticketRoutes(consultation));
  // Staff sessions are read only where staff work: never on the public API or the widget.
  app.use(['/staff', '/admin', '/console'], staff.loadStaff);
  app.use(staff.router);
  app.use(consoleRoutes(consoleScript));
  app.use(
    createAdminModule({
      dataSource: db.dataSource,
      knowledge,
      matching,
      config,
      dictionaryPath: resolveFromRoot(config.DICTIONARY_PATH),
      announceDictionaryChange: () => cluster.dictionaryChanged(),
      logger,
    }).router,
  );
  app.use(privacyRoutes(privacy));
  app.use(analyticsRoutes({ dataSource: db.dataSource }));
  app.use('/api', cors({ origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS, maxAge: 600 }));
  app.use('/api', express.json({ limit: '16kb' }));
  app.use('/api/v1', knowledgeRoutes(knowledge));
  app.use('/api/v1', askRoutes(matching, knowledge));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  const http = createServer(app);
  const io = createSocketServer(http, config, { onRefused: (reason) => metrics.countRefusedHandshake(reason) });
  registerChatNamespace(io.of('/chat'), { chat, consultation, privacy, events, config, logger });
  registerConsoleNamespace(io.of('/console'), {
    authenticate: staff.authenticateStaffSocket,
    consultation,
    presence,
    matching,
    knowledge,
    events,
    logger,
    autoAssign: config.AUTO_ASSIGN,
  });
  const commands = watchSocketCommands(io, { namespaces: ['/chat', '/console'], logger, metrics });
  logDomainEvents(events, logger);
  const cluster = await startCluster({
    databaseUrl: config.DATABASE_URL,
    db,
    io,
    matching,
    presence,
    consultantWentOffline: (staffId) => consultation.consultantWentOffline(staffId),
    graceSeconds: config.CONSULTANT_GRACE_SECONDS,
    instanceId,
    logger,
  });

  // Background work of this instance: requeue tickets of consultants gone past the grace
  // period, and send the email outbox. Each step is safe to run on several instances at once.
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      await cluster.sweep();
      await consultation.releaseExpired();
      await mailer.flush();
    } catch (error) {
      logger.warn({ err: error }, 'background sweep failed; will retry');
    } finally {
      sweeping = false;
    }
  };
  const sweeper = setInterval(() => void sweep(), 5_000);
  sweeper.unref();
  // Erases conversations idle past RETENTION_DAYS (hourly; one instance at a time).
  const retention = scheduleRetention({ run: () => privacy.runRetention(), logger });

  return {
    http,
    io,
    express: app,
    events,
    matching,
    staff,
    consultation,
    privacy,
    cluster,
    metrics,
    sweep,
    drain: async (timeoutMs = config.SHUTDOWN_TIMEOUT_MS / 2) => {
      // Stop accepting first, so that reconnecting clients land on another instance.
      const stopped = new Promise<void>((resolve) => (http.listening ? http.close(() => resolve()) : resolve()));
      const { closed, unfinished } = await commands.drain(timeoutMs);
      logger.info({ closed, unfinished }, 'sockets drained: clients reconnect to another instance');
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 1000).unref())]);
    },
    close: async () => {
      clearInterval(sweeper);
      await retention.stop();
      while (sweeping) await new Promise((r) => setTimeout(r, 10));
      mailer.close();
      io.disconnectSockets(true);
      await cluster.close();
      await new Promise<void>((resolve) => {
        if (!http.listening) {
          http.closeAllConnections();
          return resolve();
        }
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
