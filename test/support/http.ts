import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logger.js';

/** Starts the whole app on an ephemeral port of 127.0.0.1 and returns its base URL. */
export async function startTestApp(db: Database, env: Record<string, string> = {}): Promise<{ app: App; baseUrl: string }> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const app = await createApp({ config, db, logger: createLogger("silent") });
  await new Promise<void>((resolve) => app.http.listen(0, '127.0.0.1', resolve));
  const { port } = app.http.address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}
