import type { DataSource } from 'typeorm';
import type { KbFileFormat } from '../knowledge/index.js';

/**
 * Import files kept between the dry run and the commit (table import_uploads), for the admin
 * who uploaded them only, until they expire. Stored in the database so that the commit may
 * reach another instance than the dry run.
 */

export interface ImportUploadOptions {
  replace: boolean;
  createFields: boolean;
}

export interface ImportUpload {
  id: string;
  fileName: string;
  format: KbFileFormat;
  bytes: Buffer;
  options: ImportUploadOptions;
  expiresAt: string;
}

export function createUploadStore(dataSource: DataSource, settings: { ttlMinutes: number; now?: () => Date }) {
  const now = () => settings.now?.() ?? new Date();
  return {
    /** Keeps a file for `ttlMinutes`; expired uploads of everyone are purged on the way. */
    async save(input: { staffId: string; fileName: string; format: KbFileFormat; bytes: Buffer; options: ImportUploadOptions }): Promise<ImportUpload> {
      await dataSource.query('DELETE FROM import_uploads WHERE expires_at < $1', [now()]);
      const expiresAt = new Date(now().getTime() + settings.ttlMinutes * 60_000);
      // Sent as base64 text and decoded by the database: the same on node-postgres and PGlite.
      const [row] = await dataSource.query(
        `INSERT INTO import_uploads (staff_id, file_name, format, content, options, expires_at)
         VALUES ($1, $2, $3, decode($4, 'base64'), $5::jsonb, $6) RETURNING id`,
        [input.staffId, input.fileName, input.format, input.bytes.toString('base64'), JSON.stringify(input.options), expiresAt],
      );
      return { id: row.id, fileName: input.fileName, format: input.format, bytes: input.bytes, options: input.options, expiresAt: expiresAt.toISOString() };
    },

    /** The upload, when it belongs to this admin and has not expired. */
    async find(id: string, staffId: string): Promise<ImportUpload | null> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
      const [row] = await dataSource.query(
        `SELECT id, file_name AS "fileName", format, encode(content, 'base64') AS content, options, expires_at AS "expiresAt"
           FROM import_uploads WHERE id = $1 AND staff_id = $2 AND expires_at >= $3`,
        [id, staffId, now()],
      );
      if (!row) return null;
      return {
        id: row.id,
        fileName: row.fileName,
        format: row.format,
        bytes: Buffer.from(String(row.content).replace(/\s+/g, ''), 'base64'),
        options: row.options,
        expiresAt: new Date(row.expiresAt).toISOString(),
      };
    },

    async remove(id: string): Promise<void> {
      await dataSource.query('DELETE FROM import_uploads WHERE id = $1', [id]);
    },
  };
}

export type UploadStore = ReturnType<typeof createUploadStore>;
