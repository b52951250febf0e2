/**
 * An error the service means to show: a stable code for programs, an HTTP status, and a message
 * a person can read (Vietnamese where a citizen or an admin sees it).
 */
export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly status: number,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown, code = 'bad_request') =>
  new AppError(code, 400, message, details);
export const notFound = (message = 'Không tìm thấy nội dung yêu cầu.', code = 'not_found') =>
  new AppError(code, 404, message);
export const conflict = (message: string, code = 'conflict') => new AppError(code, 409, message);
export const unavailable = (message = 'Dịch vụ tạm thời gián đoạn, vui lòng thử lại sau ít phút.', code = 'unavailable') =>
  new AppError(code, 503, message);

/** PostgreSQL SQLSTATE codes we turn into AppErrors (same on node-postgres and PGlite). */
const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';
const PG_CHECK_VIOLATION = '23514';
/** A NUL or otherwise unencodable character reached a text value. */
const PG_CHARACTER_NOT_IN_REPERTOIRE = '22021';
const PG_STRING_DATA_RIGHT_TRUNCATION = '22001';
const PG_SERIALIZATION_FAILURE = '40001';
const PG_DEADLOCK = '40P01';

/**
 * SQLSTATEs of a server that is going away or not back yet: 57P01 admin_shutdown (a fast
 * shutdown or restart), 57P02 crash_shutdown, 57P03 cannot_connect_now ("starting up", "shutting
 * down"). Class 08 (connection exception) is matched as a whole.
 */
const PG_SERVER_AWAY = new Set(['57P01', '57P02', '57P03']);
/** Socket errors of node-postgres while the server is down or restarting. */
const SOCKET_LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** node-postgres and pg-pool raise these without a code when a connection dies or cannot be had. */
const LOST_MESSAGES = /^(Connection terminated|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect)/;

/**
 * TypeORM releases a query runner whose connection failed; a transaction still running on it then
 * throws one of these instead of the driver's error.
 */
const RUNNER_RELEASED = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);

/** What a command answers while the database cannot be reached: clients send it again (same clientId). */
export const databaseUnavailable = () =>
  unavailable('Hệ thống đang tạm thời gián đoạn. Vui lòng thử lại sau ít giây.');

/**
 * True when the error says the database connection is lost or cannot be opened (the server
 * restarts, or the network to it drops), not that the statement was wrong. TypeORM's
 * QueryFailedError copies the driver's code and keeps the driver error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const candidate of [error, (error as { driverError?: unknown } | null)?.driverError]) {
    if (!candidate || typeof candidate !== 'object') continue;
    const { code, message, name } = candidate as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof name === 'string' && RUNNER_RELEASED.has(name)) return true;
    if (typeof code === 'string' && (code.startsWith('08') || PG_SERVER_AWAY.has(code) || SOCKET_LOST.has(code))) return true;
    if (typeof message === 'string' && LOST_MESSAGES.test(message)) return true;
  }
  return false;
}

/** Maps a database driver error to an AppError in one place; anything unknown stays a 500. */
export function fromDatabaseError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case PG_UNIQUE_VIOLATION:
      return conflict('Dữ liệu này đã tồn tại.', 'duplicate');
    case PG_FOREIGN_KEY_VIOLATION:
      return badRequest('Dữ liệu tham chiếu không tồn tại.', undefined, 'invalid_reference');
    case PG_CHECK_VIOLATION:
    case PG_CHARACTER_NOT_IN_REPERTOIRE:
    case PG_STRING_DATA_RIGHT_TRUNCATION:
      return badRequest('Dữ liệu không hợp lệ.', undefined, 'invalid_value');
    case PG_SERIALIZATION_FAILURE:
    case PG_DEADLOCK:
      return new AppError('retry', 503, 'Hệ thống đang bận, vui lòng thử lại.');
    default:
      return new AppError('internal', 500, 'Đã có lỗi xảy ra, vui lòng thử lại sau.');
  }
}
