import { pino, type DestinationStream, type Logger } from 'pino';
import { logPrivacyOptions } from './privacy/log-redaction.js';

export type { Logger };

/**
 * Structured JSON logger. Message text and contact details of citizens are never logged: the
 * privacy options redact those keys and strip driver errors of their parameters (docs/privacy.md).
 * `destination` is for tests that read what was logged (stdout otherwise).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'hoi-luat' }, ...logPrivacyOptions };
  return destination ? pino(options, destination) : pino(options);
}
