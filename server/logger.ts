import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logger. Message text and contact details of citizens are never logged. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'hoi-luat' } });
}
