export { recordAudit, listAudit, type AuditEntry, type AuditFilter } from './audit.repository.js';
