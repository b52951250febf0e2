import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { ZodError } from 'zod';
import { recordAudit } from '../audit/index.js';
import { AppError, conflict } from '../errors.js';
import type { Logger } from '../logger.js';
import { parseDictionary, type Dictionary, type DictionaryEntry } from '../matching/index.js';
import type { Actor } from './curation.service.js';

/**
 * The matching dictionary file (knowledge-base/dictionary.json) edited from the console. Every
 * save validates the whole dictionary with the matcher's own parser, writes a temporary file
 * and renames it over the old one (a reader never sees half a file), then reloads the running
 * matcher. An edit made against an older copy (another admin saved meanwhile) is refused.
 * The file is per instance: see docs/admin.md.
 */

export interface DictionaryServiceDeps {
  path: string;
  dataSource: DataSource;
  matching: { reloadDictionary(): void };
  /** Tells the other instances to read the file again (cluster.dictionaryChanged); optional. */
  announce?: () => Promise<void>;
  logger: Logger;
}

/** The dictionary as read, and a tag of its exact bytes for stale-edit checks. */
export interface DictionaryCopy {
  dictionary: Dictionary;
  text: string;
  etag: string;
}

export const dictionaryErrors = {
  changed: () => conflict('Từ điển vừa được người khác sửa. Vui lòng mở lại trang rồi sửa tiếp.', 'dictionary_changed'),
  entryNotFound: () => new AppError('entry_not_found', 404, 'Không tìm thấy mục này trong từ điển.'),
  invalid: (errors: { field: string; message: string }[]) =>
    new AppError('invalid_dictionary', 400, 'Từ điển không hợp lệ, chưa lưu: ' + errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '), { errors }),
};

const etagOf = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);

/** "entries[3].terms[0]" from a zod path. */
function pathText(parts: PropertyKey[]): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** Validates with the matcher's parser; every problem is listed. */
export function validateDictionary(input: unknown): Dictionary {
  try {
    return parseDictionary(input);
  } catch (error) {
    if (error instanceof ZodError) throw dictionaryErrors.invalid(error.issues.map((i) => ({ field: pathText(i.path), message: i.message })));
    throw error;
  }
}

export function createDictionaryService(deps: DictionaryServiceDeps) {
  let queue: Promise<unknown> = Promise.resolve();
  /** One save at a time in this process: read, check, write, reload. */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  /** The file's text and tag, valid or not (the raw editor can repair a broken file). */
  async function readText(): Promise<{ text: string; etag: string }> {
    const text = await readFile(deps.path, 'utf8');
    return { text, etag: etagOf(text) };
  }

  async function read(): Promise<DictionaryCopy> {
    const { text } = await readText();
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw dictionaryErrors.invalid([{ field: '', message: `Tệp từ điển không phải JSON hợp lệ: ${(error as Error).message}` }]);
    }
    return { dictionary: validateDictionary(raw), text, etag: etagOf(text) };
  }

  async function writeAtomically(text: string): Promise<void> {
    const temp = path.join(path.dirname(deps.path), `.${path.basename(deps.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
      await rename(temp, deps.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  /** Validates `next`, saves it, reloads the matcher, audits. */
  async function save(actor: Actor, action: string, entityId: string, next: unknown, before?: unknown, after?: unknown) {
    const valid = validateDictionary(next);
    const text = JSON.stringify(valid, null, 1) + '\n';
    await writeAtomically(text);
    deps.matching.reloadDictionary();
    await deps.announce?.().catch((err: unknown) => deps.logger.warn({ err }, 'could not tell other instances to reload the dictionary'));
    await recordAudit(deps.dataSource, { actorId: actor.id, actorEmail: actor.email, action, entityType: 'dictionary', entityId, before, after }).catch((err: unknown) =>
      deps.logger.error({ err }, 'audit of a dictionary change failed'),
    );
    return { etag: etagOf(text), dictionary: valid };
  }

  /** Applies `change` to the current copy (which the admin saw at `etag`) and saves it. */
  function update(actor: Actor, etag: string, action: string, entityId: string, change: (current: Dictionary) => { next: unknown; before?: unknown; after?: unknown }) {
    return exclusive(async () => {
      const current = await read();
      if (etag !== current.etag) throw dictionaryErrors.changed();
      const { next, before, after } = change(structuredClone(current.dictionary));
      return save(actor, action, entityId, next, before, after);
    });
  }

  return {
    read,
    readText,

    /** Adds an entry at the end; returns its index. */
    async addEntry(actor: Actor, etag: string, entry: unknown): Promise<{ index: number; etag: string }> {
      let index = -1;
      const saved = await update(actor, etag, 'dictionary.add', 'dictionary.json', (d) => {
        index = d.entries.length;
        return { next: { ...d, entries: [...d.entries, entry] }, after: entry };
      });
      return { index, etag: saved.etag };
    },

    async replaceEntry(actor: Actor, etag: string, index: number, entry: unknown): Promise<{ etag: string }> {
      return update(actor, etag, 'dictionary.update', `entries[${index}]`, (d) => {
        const before = d.entries[index];
        if (!before) throw dictionaryErrors.entryNotFound();
        const entries = [...d.entries];
        entries[index] = entry as DictionaryEntry;
        return { next: { ...d, entries }, before, after: entry };
      });
    },

    async removeEntry(actor: Actor, etag: string, index: number): Promise<{ etag: string }> {
      return update(actor, etag, 'dictionary.delete', `entries[${index}]`, (d) => {
        const before = d.entries[index];
        if (!before) throw dictionaryErrors.entryNotFound();
        return { next: { ...d, entries: d.entries.filter((_, i) => i !== index) }, before };
      });
    },

    /** Replaces the whole file with the given JSON text (the raw editor). */
    async replaceAll(actor: Actor, etag: string, text: string): Promise<{ etag: string }> {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw dictionaryErrors.invalid([{ field: '', message: `JSON không hợp lệ: ${(error as Error).message}` }]);
      }
      return exclusive(async () => {
        const current = await readText();
        if (etag !== current.etag) throw dictionaryErrors.changed();
        const count = (d: unknown) => (Array.isArray((d as Dictionary | null)?.entries) ? (d as Dictionary).entries.length : null);
        let before: unknown = null;
        try {
          before = { entries: count(JSON.parse(current.text)) };
        } catch {
          before = { entries: null };
        }
        return save(actor, 'dictionary.replace', 'dictionary.json', parsed, before, { entries: count(parsed) });
      });
    },
  };
}

export type DictionaryService = ReturnType<typeof createDictionaryService>;
