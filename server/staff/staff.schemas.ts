import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from './password.js';
import { STAFF_ROLES } from './staff.types.js';

/** An email as typed: trimmed and lower-cased before it is checked or stored. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email quá dài.')
  .pipe(z.email('Email không hợp lệ.'));

export const roleSchema = z.enum(STAFF_ROLES as [string, ...string[]], 'Vai trò phải là consultant hoặc admin.');

export const displayNameSchema = z.string().trim().min(1, 'Tên hiển thị không được để trống.').max(120, 'Tên hiển thị quá dài.');

/** The login form: anything malformed is simply a failed login, with the usual generic message. */
export const loginFormSchema = z.object({
  email: z.string().max(254),
  password: z.string().max(MAX_PASSWORD_LENGTH),
  _csrf: z.string().max(200).optional(),
  next: z.string().max(500).optional(),
});

/** The change-password form. */
export const passwordFormSchema = z.object({
  current: z.string().max(MAX_PASSWORD_LENGTH),
  password: z.string().max(MAX_PASSWORD_LENGTH * 4),
  confirm: z.string().max(MAX_PASSWORD_LENGTH * 4),
});

export const staffIdSchema = z.uuid();
