import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('configuration', () => {
  it('when nothing is set, then the embedded database and documented defaults are used', () => {
    const config = loadConfig({});
    expect(config).to.include({ PORT: 3000, HOST: '0.0.0.0', DATA_DIR: './data', LOG_LEVEL: 'info', SEED_ON_EMPTY: true });
    expect(config.DATABASE_URL).to.equal(undefined);
  });

  it('when a variable is empty, then it falls back to its default', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: ' ' });
    expect(config.PORT).to.equal(3000);
    expect(config.DATABASE_URL).to.equal(undefined);
  });

  it('when several values are bad, then every problem is listed at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', SEED_ON_EMPTY: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(problems).to.have.members(['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SEED_ON_EMPTY']);
  });
});

describe('.env.example', () => {
  it('lists every variable the configuration schema reads, and nothing else', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { CONFIG_KEYS } = await import('../../server/config.js');
    const { PROJECT_ROOT } = await import('../../server/paths.js');
    const listed = readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => line.split('=')[0]);
    expect([...listed].sort()).to.deep.equal([...CONFIG_KEYS].sort());
  });
});
