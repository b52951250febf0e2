/**
 * Analytics for admins: the dashboard of questions, bot outcomes, situations to write, ratings,
 * clarify picks, queue times and fields (with CSV export), and the audit-log viewer.
 * See docs/analytics.md.
 */
export { analyticsRoutes, type AnalyticsRoutesDeps } from './analytics.routes.js';
export { createAnalyticsRepository, type AnalyticsRepository } from './analytics.repository.js';
export { createAnalyticsService, type AnalyticsReport, type AnalyticsService } from './analytics.service.js';
export { parseRange, makeRange, vietnamDay, type DateRange } from './analytics.range.js';
export { clusterQuestions, type QuestionCluster, type QuestionItem } from './question-clusters.js';
export { toCsv } from './analytics.csv.js';
