import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's top-level folder (where package.json is), wherever the process was started. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');

/** A relative knowledge-base folder is taken from the project root, not the current directory. */
export function resolveFromRoot(dir: string): string {
  return path.isAbsolute(dir) ? dir : path.join(PROJECT_ROOT, dir);
}
