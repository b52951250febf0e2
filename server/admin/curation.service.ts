import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/index.js';
import { curation, registry, type DocumentChange, type SituationChange } from '../knowledge/index.js';
import type { DocumentRecord } from '../knowledge/documents.js';
import type { SituationStatus } from '../knowledge/kb.format.js';
import type { Logger } from '../logger.js';
import type { MatchingService } from '../matching/matching.service.js';
import type { StaffPrincipal } from '../staff/index.js';
import { todayInVietnam } from './admin.presenter.js';

export interface CurationServiceDeps {
  dataSource: DataSource;
  matching: Pick<MatchingService, 'refresh'>;
  /** Drops cached citizen views of situations (a registry edit changes how their citations read). */
  invalidate?: (codes: string[]) => void;
  logger: Logger;
  /** The current time (tests move it). */
  now?: () => Date;
}

/** Who acts, as the audit log and revisions record them. */
export type Actor = Pick<StaffPrincipal, 'id' | 'email'>;

/**
 * The admins' changes to the live knowledge base. Each one runs in a transaction with its audit
 * entry (and its revision), then reaches the running matcher at once (`matching.refresh`).
 */
export function createCurationService(deps: CurationServiceDeps) {
  const { dataSource, matching, logger } = deps;
  const today = () => todayInVietnam(deps.now?.() ?? new Date());

  /** Tells the matcher after commit; a failure is logged (the change itself is stored). */
  async function refresh(codes: string[]): Promise<void> {
    if (codes.length === 0) return;
    try {
      await matching.refresh(codes);
    } catch (error) {
      logger.error({ err: error, codes: codes.length }, 'matcher refresh failed after a knowledge-base change');
    }
  }

  async function situationChange(
    actor: Actor,
    action: string,
    run: (manager: EntityManager) => Promise<SituationChange>,
  ): Promise<SituationChange> {
    const change = await dataSource.transaction(async (manager) => {
      const result = await run(manager);
      if (result.changed || result.reviewCleared) {
        await recordAudit(manager, {
          actorId: actor.id,
          actorEmail: actor.email,
          action,
          entityType: 'situation',
          entityId: result.code,
          before: result.before ?? undefined,
          after: { ...result.after, version: result.version, ...(result.reviewCleared ? { needs_review: false } : {}) },
        });
      }
      return result;
    });
    await refresh(change.codes);
    return change;
  }

  const meta = (actor: Actor, source = 'admin') => ({ actor: actor.email, source });

  return {
    /** A new situation from interchange-format values (validated like an imported row). */
    async createSituation(actor: Actor, values: Record<string, unknown>): Promise<SituationChange> {
      return situationChange(actor, 'situation.create', async (manager) => {
        const input = await curation.validateSituationInput(manager, values);
        return curation.createSituation(manager, input, meta(actor));
      });
    },

    /** Saves an edit; stale `expectedVersion` is a 409 and changes nothing. */
    async updateSituation(
      actor: Actor,
      code: string,
      values: Record<string, unknown>,
      options: { expectedVersion?: number; markReviewed?: boolean } = {},
    ): Promise<SituationChange> {
      return situationChange(actor, options.markReviewed ? 'situation.review' : 'situation.update', async (manager) => {
        const input = await curation.validateSituationInput(manager, values);
        const record = options.markReviewed ? { ...input.record, reviewed_at: today() } : input.record;
        return curation.updateSituation(manager, code, { ...input, record, ...options }, meta(actor, options.markReviewed ? 'admin: Đã rà soát' : 'admin'));
      });
    },

    async setStatus(actor: Actor, code: string, status: SituationStatus, expectedVersion?: number): Promise<SituationChange> {
      return situationChange(actor, `situation.${status === 'published' ? 'publish' : status === 'archived' ? 'archive' : 'unpublish'}`, (manager) =>
        curation.changeSituationStatus(manager, code, status, { ...meta(actor), expectedVersion }),
      );
    },

    /** "Đã rà soát": reviewed today, the review flag cleared, answered again. */
    async markReviewed(actor: Actor, code: string): Promise<SituationChange> {
      return situationChange(actor, 'situation.review', (manager) => curation.markSituationReviewed(manager, code, today(), meta(actor, 'admin: Đã rà soát')));
    },

    async restore(actor: Actor, code: string, version: number, expectedVersion?: number): Promise<SituationChange> {
      return situationChange(actor, 'situation.restore', (manager) =>
        curation.restoreRevision(manager, code, version, { ...meta(actor, `admin: khôi phục phiên bản ${version}`), expectedVersion }),
      );
    },

    /**
     * Creates (id null) or edits a registry document. When it stops being in force as cited,
     * every situation citing it is flagged for review (and withheld, with WITHHOLD_UNREVIEWED).
     */
    async saveDocument(actor: Actor, id: string | null, record: DocumentRecord): Promise<DocumentChange> {
      const change = await dataSource.transaction(async (manager) => {
        const result = await registry.saveDocument(manager, id, record);
        await recordAudit(manager, {
          actorId: actor.id,
          actorEmail: actor.email,
          action: id ? (result.flaggedCodes.length ? `document.${result.after.status === 'repealed' ? 'repeal' : 'amend'}` : 'document.update') : 'document.create',
          entityType: 'document',
          entityId: result.after.number,
          before: result.before ?? undefined,
          after: { ...result.after, flagged_situations: result.flaggedCodes },
        });
        return result;
      });
      await refresh(change.flaggedCodes);
      // Every situation citing the document shows its new title, status and note at once.
      deps.invalidate?.((await registry.listSituationsCiting(dataSource, change.id)).map((s) => s.code));
      return change;
    },
  };
}

export type CurationService = ReturnType<typeof createCurationService>;
