import { Router, type Request, type Response } from 'express';
import type { DataSource } from 'typeorm';
import { AppError } from '../errors.js';
import { requireStaff, staffErrorPage } from '../staff/index.js';
import { toCsv } from './analytics.csv.js';
import { presentDashboard } from './analytics.presenter.js';
import { parseRange, vietnamDay } from './analytics.range.js';
import { createAnalyticsRepository } from './analytics.repository.js';
import { createAnalyticsService } from './analytics.service.js';
import { isTableName, reportTables, TABLE_SECTIONS } from './analytics.tables.js';
import { renderPage, setPrivateHeaders, type LayoutData } from './analytics.views.js';
import { auditPage, parseAuditQuery, presentAuditPage } from './audit-viewer.js';

export interface AnalyticsRoutesDeps {
  dataSource: DataSource;
  /** The current time, for the default range (tests move it). */
  now?: () => Date;
}

const layoutData = (req: Request, title: string, current: LayoutData['current']): LayoutData => ({
  title,
  current,
  staffName: req.staff!.name || req.staff!.email,
  csrfToken: req.staffSession!.csrfToken,
});

const unknownTable = () => new AppError('table_not_found', 404, 'Không có bảng số liệu này.');

/**
 * The admins' dashboard and audit-log viewer (admin role only; `loadStaff` runs on /admin first):
 *
 * - `GET /admin/analytics?from=&to=`: the dashboard page; `GET /admin/analytics.json`: the same report as JSON
 * - `GET /admin/analytics/<table>.csv?from=&to=`: one table as CSV (UTF-8 with BOM, RFC 4180)
 * - `GET /admin/audit?actor=&action=&entity_type=&entity_id=&from=&to=&page=`: the audit log;
 *   `GET /admin/audit.json`: the same page as JSON
 */
export function analyticsRoutes({ dataSource, now = () => new Date() }: AnalyticsRoutesDeps): Router {
  const repo = createAnalyticsRepository(dataSource);
  const service = createAnalyticsService({ repo });
  const router = Router();
  const adminOnly = requireStaff('admin');

  const report = async (req: Request, only?: Parameters<typeof service.report>[1]) => {
    const range = parseRange(req.query, now());
    return { range, report: await service.report(range, only) };
  };

  router.get('/admin/analytics', adminOnly, async (req, res) => {
    const { range, report: data } = await report(req);
    renderPage(res, 'dashboard', layoutData(req, 'Thống kê', 'analytics'), presentDashboard(data, range, vietnamDay(now())));
  });

  router.get('/admin/analytics.json', adminOnly, async (req, res) => {
    const { report: data } = await report(req);
    setPrivateHeaders(res);
    res.json(data);
  });

  router.get('/admin/analytics/:file', adminOnly, async (req: Request<{ file: string }>, res: Response) => {
    const name = /^([a-z-]+)\.csv$/.exec(req.params.file)?.[1];
    if (!name || !isTableName(name)) throw unknownTable();
    const { range, report: data } = await report(req, [TABLE_SECTIONS[name]]);
    const csv = toCsv(reportTables(data)[name]);
    setPrivateHeaders(res);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="hoi-luat-${name}-${range.from}-${range.to}.csv"`);
    res.send(csv);
  });

  router.get('/admin/audit', adminOnly, async (req, res) => {
    const query = parseAuditQuery(req.query);
    const [page, suggestions] = await Promise.all([auditPage(dataSource, query), repo.auditSuggestions()]);
    renderPage(res, 'audit', layoutData(req, 'Nhật ký thao tác', 'audit'), presentAuditPage(query, page, suggestions));
  });

  router.get('/admin/audit.json', adminOnly, async (req, res) => {
    const query = parseAuditQuery(req.query);
    const page = await auditPage(dataSource, query);
    setPrivateHeaders(res);
    res.json({ page: query.page, hasNext: page.hasNext, entries: page.entries });
  });

  router.use(['/admin/analytics', '/admin/analytics.json', '/admin/audit', '/admin/audit.json'], staffErrorPage);
  return router;
}
