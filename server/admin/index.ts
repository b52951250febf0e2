export { createAdminModule, type AdminModule, type AdminModuleDeps } from './admin.routes.js';
export { renderAdmin, sendAdminLayout, setAdminHeaders, NAV as ADMIN_NAV, type AdminSection, type LayoutOptions } from './admin.views.js';
export { createCurationService, type CurationService, type Actor } from './curation.service.js';
