import { stdSerializers } from 'pino';

/**
 * Keys whose values are what citizens wrote or who they are: message text, questions, feedback
 * comments, contact details. Redacted wherever they appear at the top of a log line or one level
 * down (`{ message: { body } }`), so that a careless `logger.info({ message })` still leaks nothing.
 */
const PERSONAL_KEYS = [
  'text',
  'body',
  'question',
  'comment',
  'email',
  'phone',
  'contact',
  'contactName',
  'contactPhone',
  'contactEmail',
  'contact_name',
  'contact_phone',
  'contact_email',
  'to',
  'toAddress',
  'to_address',
  'token',
];

/** pino `redact` paths for the keys above, and request bodies, at the top level and one level deep. */
export const REDACT_PATHS = [...PERSONAL_KEYS, ...PERSONAL_KEYS.map((key) => `*.${key}`), 'req.body', 'payload', '*.payload'];

/**
 * Error properties safe to log. Driver errors carry more: TypeORM's QueryFailedError keeps the
 * statement's `parameters` (a citizen's question, an email address) and PostgreSQL's `detail`
 * repeats the failing row ("Key (…)=(…)", "Failing row contains (…)"); those are dropped.
 */
const SAFE_ERROR_KEYS = ['type', 'message', 'stack', 'code', 'status', 'statusCode', 'constraint', 'table', 'column', 'schema', 'severity', 'routine', 'errno', 'syscall', 'event'];

/** The `err` serializer: pino's standard one, keeping only the safe properties (and the cause, likewise). */
export function safeErrorSerializer(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const full = stdSerializers.err(error) as unknown as Record<string, unknown>;
  const safe: Record<string, unknown> = {};
  for (const key of SAFE_ERROR_KEYS) if (full[key] !== undefined) safe[key] = full[key];
  if (typeof safe.message === 'string' && safe.message.length > 500) safe.message = `${safe.message.slice(0, 500)}…`;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) safe.cause = safeErrorSerializer(cause);
  return safe;
}

/** The pino options that keep personal data out of the logs (server/logger.ts applies them). */
export const logPrivacyOptions = {
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  serializers: { err: safeErrorSerializer },
};
