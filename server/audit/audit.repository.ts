import type { DataSource, EntityManager } from 'typeorm';

/** One staff action, as recorded. */
export interface AuditEntry {
  actorId: string | null;
  actorEmail: string;
  /** What was done: "situation.update", "document.repeal", "staff.reset_password", … */
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Records a staff action. Pass the transaction's manager so that the record is written (or
 * rolled back) together with the change it describes.
 */
export async function recordAudit(db: EntityManager | DataSource, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (actor_id, actor_email, action, entity_type, entity_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
    [
      entry.actorId,
      entry.actorEmail,
      entry.action,
      entry.entityType,
      entry.entityId,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
    ],
  );
}

export interface AuditFilter {
  actorEmail?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

/** Reads the log newest first with optional filters. */
export async function listAudit(db: EntityManager | DataSource, filter: AuditFilter = {}) {
  return db.query(
    `SELECT id, actor_id AS "actorId", actor_email AS "actorEmail", action, entity_type AS "entityType",
            entity_id AS "entityId", before, after, created_at AS "createdAt"
       FROM audit_log
      WHERE ($1::text IS NULL OR actor_email = $1)
        AND ($2::text IS NULL OR action = $2)
        AND ($3::text IS NULL OR entity_type = $3)
        AND ($4::text IS NULL OR entity_id = $4)
        AND ($5::timestamptz IS NULL OR created_at >= $5)
        AND ($6::timestamptz IS NULL OR created_at < $6)
      ORDER BY id DESC
      LIMIT $7 OFFSET $8`,
    [
      filter.actorEmail ?? null,
      filter.action ?? null,
      filter.entityType ?? null,
      filter.entityId ?? null,
      filter.from ?? null,
      filter.to ?? null,
      Math.min(filter.limit ?? 100, 1000),
      filter.offset ?? 0,
    ],
  );
}
