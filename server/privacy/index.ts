export { createPrivacyService, normaliseTicketCode, privacyErrors, RETENTION_LOCK_KEY, type PrivacyService, type PrivacyActor, type RetentionReport } from './privacy.service.js';
export { privacyRoutes } from './privacy.routes.js';
export { scheduleRetention } from './retention.job.js';
export { logPrivacyOptions, safeErrorSerializer, REDACT_PATHS } from './log-redaction.js';
export type { ErasureCounts } from './privacy.repository.js';
import './privacy.events.js';
