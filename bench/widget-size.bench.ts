/**
 * Size of the embeddable widget as served (/widget.js), minified and gzipped, with and without
 * the socket.io client it bundles. Run: npm run bench:widget
 */
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../server/paths.js';

for (const external of [[], ['socket.io-client']]) {
  const result = await build({
    entryPoints: [path.join(PROJECT_ROOT, 'widget/src/main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    external,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const label = external.length ? 'widget alone (socket.io client excluded)' : 'widget.js as served (with the socket.io client)';
  console.log(`${label.padEnd(48)} ${(code.length / 1024).toFixed(1).padStart(6)} KB minified, ${(gzipSync(code, { level: 9 }).length / 1024).toFixed(1).padStart(5)} KB gzipped`);
}
console.log('Reproduce: npm run bench:widget');
