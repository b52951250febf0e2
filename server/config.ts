import { z } from 'zod';

/** Parses "true"/"false"/"1"/"0" the way people write them in .env files. */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  KB_DIR: z.string().min(1).default('./knowledge-base'),
  SEED_ON_EMPTY: booleanFromEnv.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  INSTANCE_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore (at most 64)').optional(),
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .refine((origins) => origins.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), 'must be * or a comma-separated list of origins like https://portal.example.gov.vn'),
  DICTIONARY_PATH: z.string().min(1).default('./knowledge-base/dictionary.json'),
  MATCH_ANSWER_THRESHOLD: z.coerce.number().min(0).max(1).optional(),
  MATCH_ANSWER_MARGIN: z.coerce.number().min(0).max(1).optional(),
  MATCH_CLARIFY_THRESHOLD: z.coerce.number().min(0).max(1).optional(),
  MATCH_CLARIFY_BAND: z.coerce.number().min(0).max(1).optional(),
  CHAT_CONVERSATION_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  CHAT_MAX_MESSAGE_LENGTH: z.coerce.number().int().min(50).max(5000).default(1000),
  CHAT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(12),
  CHAT_MESSAGES_PER_MINUTE_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(60),
  CHAT_CONVERSATIONS_PER_HOUR_PER_IP: z.coerce.number().int().min(1).max(10_000).default(30),
  PUBLIC_REQUESTS_PER_MINUTE_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(120),
  SOCKET_CONNECTIONS_PER_MINUTE_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(300),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,512}$/, 'at least 16 visible ASCII characters without spaces (e.g. the output of openssl rand -hex 32)')
    .optional(),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  OFFICE_HOURS: z
    .string()
    .default('1-5 07:30-11:30,13:30-17:00')
    .refine((v) => /^[0-6](-[0-6])?(,[0-6](-[0-6])?)* \d{2}:\d{2}-\d{2}:\d{2}(,\d{2}:\d{2}-\d{2}:\d{2})*$/.test(v), 'must look like "1-5 07:30-11:30,13:30-17:00" (days 0=Sunday..6, Vietnam time)'),
  AUTO_ASSIGN: booleanFromEnv.default(false),
  CONSULTANT_GRACE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  QUEUE_WAIT_WARN_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  QUEUE_WAIT_ALERT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('Hỏi Luật <no-reply@localhost>'),
  SESSION_TTL_HOURS: z.coerce.number().min(0.25).max(24 * 30).default(12),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOGIN_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(20),
  WITHHOLD_UNREVIEWED: booleanFromEnv.default(true),
  ADMIN_IMPORT_MAX_MB: z.coerce.number().min(0.1).max(200).default(20),
  ADMIN_IMPORT_TTL_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(60),
});

/** Every variable the service reads (the schema's keys), for the .env.example check. */
export const CONFIG_KEYS = Object.keys(configSchema.shape);

/** Typed configuration of the whole service, parsed once at start. */
export type Config = z.infer<typeof configSchema>;

/** Raised when the environment holds a bad value; lists every problem at once. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the configuration from an environment map (process.env in production).
 * Empty strings count as unset so that `FOO=` in a .env file falls back to the default.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}
