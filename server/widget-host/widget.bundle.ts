import { createHash } from 'node:crypto';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../paths.js';

/** The built widget, kept in memory and served as /widget.js. */
export interface WidgetBundle {
  code: Buffer;
  gzipped: Buffer;
  etag: string;
}

/**
 * Bundles widget/src/main.ts (with the socket.io client) into one minified IIFE. Takes a few
 * tens of milliseconds, so it runs at start instead of shipping a build artefact.
 */
export async function buildWidget(options: { external?: string[] } = {}): Promise<WidgetBundle> {
  const result = await build({
    external: options.external ?? [],
    entryPoints: [path.join(PROJECT_ROOT, 'widget/src/main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = Buffer.from(result.outputFiles[0]!.contents);
  return {
    code,
    gzipped: gzipSync(code, { level: 9 }),
    etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 16)}"`,
  };
}
