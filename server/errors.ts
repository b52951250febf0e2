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

/** Maps a database driver error to an AppError in one place; anything unknown stays a 500. */
export function fromDatabaseError(error: unknown): AppError {
  if (error instanceof AppError) return error;
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
