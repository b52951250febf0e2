export { securityHeaders, contentSecurityPolicy, inlineStyleHashes, serializeCsp } from './security.headers.js';
export { publicRateLimits, perIpLimit, type PublicRateLimitOptions } from './security.rate-limits.js';
export { withoutNul } from './security.input.js';
export { metricsAccess, isLoopback } from './security.metrics.js';
