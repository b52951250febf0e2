import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, fromDatabaseError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Unknown routes answer like every other error. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new AppError('route_not_found', 404, 'Không tìm thấy địa chỉ yêu cầu.'));
};

/**
 * The one place errors become responses: `{ error: { code, message } }`. Body-parser errors keep
 * their status (400 malformed JSON, 413 too large); anything unexpected is logged and hidden.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let appError: AppError;
    const status = (error as { status?: number; type?: string }).status;
    const type = (error as { type?: string }).type;
    if (error instanceof AppError) appError = error;
    else if (type === 'entity.parse.failed') appError = new AppError('invalid_json', 400, 'Dữ liệu gửi lên không phải JSON hợp lệ.');
    else if (type === 'entity.too.large') appError = new AppError('payload_too_large', 413, 'Dữ liệu gửi lên quá lớn.');
    else if (status && status >= 400 && status < 500) appError = new AppError('bad_request', status, 'Yêu cầu không hợp lệ.');
    else appError = fromDatabaseError(error);
    if (appError.status >= 500) {
      logger.error({ err: error, method: req.method, path: req.path, reqId: req.headers['x-request-id'] }, 'request failed');
    }
    if (res.headersSent) return;
    res.status(appError.status).json({ error: { code: appError.code, message: appError.message, ...(appError.details ? { details: appError.details } : {}) } });
  };
}
