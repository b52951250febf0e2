import type { z } from 'zod';
import { AppError, fromDatabaseError } from '../errors.js';
import type { Logger } from '../logger.js';
import { withoutNul } from '../security/security.input.js';

export type Ack<T> = (response: { data: T } | { error: { code: string; message: string } }) => void;

export const invalidPayload = () => new AppError('invalid_payload', 400, 'Dữ liệu gửi lên không hợp lệ. Vui lòng tải lại trang và thử lại.');

/**
 * Wraps a socket command: parses the payload with the schema, runs the handler, and answers the
 * ack with `{ data }` or `{ error: { code, message } }`. A command sent without an ack is
 * ignored (nothing could tell the client what happened); unexpected errors are logged, never shown.
 */
export function withAck<S extends z.ZodType, T>(
  logger: Logger,
  event: string,
  schema: S,
  handler: (input: z.output<S>) => Promise<T>,
) {
  return async (...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') return;
    const payload = args.length > 1 ? args[0] : undefined;
    const reply = ack as Ack<T>;
    // NUL characters cannot be stored in PostgreSQL text: dropped before anything else looks.
    const parsed = schema.safeParse(withoutNul(payload ?? {}));
    if (!parsed.success) {
      reply({ error: { code: 'invalid_payload', message: invalidPayload().message } });
      return;
    }
    try {
      reply({ data: await handler(parsed.data) });
    } catch (error) {
      const appError = error instanceof AppError ? error : fromDatabaseError(error);
      if (appError.status >= 500) logger.error({ err: error, event }, 'socket command failed');
      reply({ error: { code: appError.code, message: appError.message } });
    }
  };
}
