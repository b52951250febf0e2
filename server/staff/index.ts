export { createStaffModule, type StaffModule, type StaffModuleDeps } from './staff.module.js';
export { requireCsrf, requireSignedIn, requireStaff, homeOf, wantsHtml } from './staff.middleware.js';
export { parseStaffForm, staffErrorPage } from './staff.routes.js';
export { createStaffRepository, type StaffRepository } from './staff.repository.js';
export { createStaffService, hashSessionToken, type StaffService } from './staff.service.js';
export { hashPassword, verifyPassword, generatePassword, MIN_PASSWORD_LENGTH } from './password.js';
export { SESSION_COOKIE } from './cookies.js';
export { presentAccount } from './staff.presenter.js';
export type { StaffAccount, StaffPrincipal, StaffRole, StaffSessionInfo } from './staff.types.js';
