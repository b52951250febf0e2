import { AppError } from '../errors.js';

/** The one message for every failed login: it never says whether the email exists. */
export const INVALID_CREDENTIALS_MESSAGE = 'Email hoặc mật khẩu không đúng.';

export const staffErrors = {
  unauthenticated: () => new AppError('unauthenticated', 401, 'Vui lòng đăng nhập để tiếp tục.'),
  forbidden: () => new AppError('forbidden', 403, 'Bạn không có quyền thực hiện thao tác này.'),
  passwordChangeRequired: () => new AppError('password_change_required', 403, 'Bạn cần đổi mật khẩu trước khi tiếp tục.'),
  csrf: () =>
    new AppError('csrf_failed', 403, 'Phiên làm việc không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại.'),
  invalidCredentials: () => new AppError('invalid_credentials', 401, INVALID_CREDENTIALS_MESSAGE),
  tooManyAttempts: (seconds: number) =>
    new AppError(
      'too_many_attempts',
      429,
      `Bạn đã thử đăng nhập quá nhiều lần. Vui lòng thử lại sau khoảng ${Math.max(1, Math.ceil(seconds / 60))} phút.`,
      { retryAfter: seconds },
    ),
};
