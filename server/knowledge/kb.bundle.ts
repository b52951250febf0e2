import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DataSource } from 'typeorm';
import { linkUnlinkedCitations, upsertDocuments, validateDocuments } from './documents.js';
import { formatRowError, importSituationsInTransaction, type ImportReport } from './kb.import.service.js';
import { parseKbFile, type ParsedFile } from './kb.parse.js';

/**
 * The bundled knowledge base (top-level knowledge-base/): fields.json, legal-documents/*.jsonl
 * and situations/*.jsonl, all in the interchange format.
 */

const fieldsFileSchema = z.array(
  z.object({
    slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    name: z.string().min(1).max(200),
    description: z.string().max(1000).default(''),
    order: z.number().int(),
  }),
);

export type BundledField = z.infer<typeof fieldsFileSchema>[number];

export interface KnowledgeBundle {
  fields: BundledField[];
  documents: ParsedFile;
  situations: ParsedFile;
}

/** Reads every file of the bundle; rows keep their file name for error messages. */
export async function readBundle(dir: string): Promise<KnowledgeBundle> {
  const fields = fieldsFileSchema.parse(JSON.parse(readFileSync(path.join(dir, 'fields.json'), 'utf8')));
  return {
    fields,
    documents: await readJsonlFolder(path.join(dir, 'legal-documents')),
    situations: await readJsonlFolder(path.join(dir, 'situations')),
  };
}

async function readJsonlFolder(dir: string): Promise<ParsedFile> {
  const merged: ParsedFile = { rows: [], errors: [] };
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  } catch {
    return merged;
  }
  for (const file of files) {
    const parsed = await parseKbFile(readFileSync(path.join(dir, file)), 'jsonl');
    const name = path.join(path.basename(dir), file);
    merged.rows.push(...parsed.rows.map((r) => ({ ...r, file: name })));
    merged.errors.push(...parsed.errors.map((e) => ({ ...e, file: name })));
  }
  return merged;
}

/** Thrown when the bundled files themselves are invalid: a bug in the repository, not user input. */
export class BundleError extends Error {}

export interface SeedResult {
  seeded: boolean;
  report?: ImportReport;
  documents?: { created: number; updated: number };
}

const SEED_LOCK = 72_417_002;

/**
 * Imports the bundle when the database holds no situation at all, in one transaction under an
 * advisory lock (two instances starting together seed once). A database that has situations is
 * left alone.
 */
export async function seedIfEmpty(dataSource: DataSource, bundleDir: string): Promise<SeedResult> {
  const bundle = await readBundle(bundleDir);
  return dataSource.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(${SEED_LOCK})`);
    const [{ n }] = await manager.query('SELECT count(*) AS n FROM situations');
    if (n > 0) return { seeded: false };

    await manager.query(
      `INSERT INTO legal_fields (slug, name, description, display_order)
       SELECT r.slug, r.name, r.description, r.order
         FROM jsonb_to_recordset($1::jsonb) AS r(slug text, name text, description text, "order" int)
       ON CONFLICT (slug) DO NOTHING`,
      [JSON.stringify(bundle.fields)],
    );
    const { documents, errors } = validateDocuments(bundle.documents);
    if (errors.length > 0) throw new BundleError(`Bundled legal documents are invalid:\n${errors.map(formatRowError).join('\n')}`);
    const documentCounts = await upsertDocuments(manager, documents);
    try {
      const report = await importSituationsInTransaction(manager, bundle.situations, { actor: 'seed', source: 'knowledge-base' });
      await linkUnlinkedCitations(manager);
      return { seeded: true, report, documents: documentCounts };
    } catch (error) {
      const rowErrors = (error as { errors?: Parameters<typeof formatRowError>[0][] }).errors;
      if (rowErrors) throw new BundleError(`Bundled situations are invalid:\n${rowErrors.map(formatRowError).join('\n')}`);
      throw error;
    }
  });
}
