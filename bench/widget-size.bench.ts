/**
 * Size of the embeddable widget as served (/widget.js), minified and gzipped, with and without
 * the socket.io client it bundles. Run: npm run bench:widget
 */
import { buildWidget } from '../server/widget-host/widget.bundle.js';

for (const external of [[], ['socket.io-client']]) {
  const { code, gzipped } = await buildWidget({ external });
  const label = external.length ? 'widget alone (socket.io client excluded)' : 'widget.js as served (with the socket.io client)';
  console.log(`${label.padEnd(48)} ${(code.length / 1024).toFixed(1).padStart(6)} KB minified, ${(gzipped.length / 1024).toFixed(1).padStart(5)} KB gzipped`);
}
console.log('Reproduce: npm run bench:widget');
