import { dailyBarChart, dailyShareChart, horizontalBarChart } from './analytics.charts.js';
import { vietnamDateTime } from './analytics.csv.js';
import { addDays, type DateRange } from './analytics.range.js';
import type { AnalyticsReport, Rate } from './analytics.service.js';
import { reportTables, UNKNOWN_FIELD, type CellFormat, type Table, type TableName } from './analytics.tables.js';

/** Rows of a table shown on the page; the CSV has them all. */
export const PAGE_ROWS = 100;

const int = (n: number) => n.toLocaleString('vi-VN');
const percent = (r: Rate) => (r == null ? '–' : `${(r * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} %`);
/** `2026-11-28` → `28/11/2026`. */
export const vietnameseDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** A cell as the page shows it: Vietnamese number formats, a dash for "no data". */
export function htmlCell(value: unknown, format: CellFormat): { text: string; numeric: boolean } {
  const numeric = format === 'int' || format === 'percent' || format === 'minutes';
  if (value === null || value === undefined || value === '') return { text: '–', numeric };
  switch (format) {
    case 'int':
      return { text: int(Number(value)), numeric };
    case 'percent':
      return { text: percent(Number(value)), numeric };
    case 'minutes':
      return { text: Number(value).toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 }), numeric };
    case 'day':
      return { text: vietnameseDay(String(value)), numeric };
    case 'datetime': {
      const text = vietnamDateTime(value instanceof Date ? value : new Date(String(value)));
      return { text: `${vietnameseDay(text.slice(0, 10))} ${text.slice(11)}`, numeric };
    }
    default:
      return { text: String(value), numeric };
  }
}

/** `?from=&to=` of a range, for links. */
export const rangeQuery = (range: { from: string; to: string }) => `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;

function presentTable(table: Table, range: DateRange) {
  const shown = table.rows.slice(0, PAGE_ROWS);
  return {
    title: table.title,
    note: table.rows.length > PAGE_ROWS ? `${int(PAGE_ROWS)} dòng đầu trên ${int(table.rows.length)}; tải CSV để xem đủ` : '',
    csvUrl: `/admin/analytics/${table.name}.csv?${rangeQuery(range)}`,
    headers: table.columns.map((c) => ({ label: c.label, numeric: c.format === 'int' || c.format === 'percent' || c.format === 'minutes', wide: Boolean(c.wide) })),
    rows: shown.map((row) => table.columns.map((c) => ({ ...htmlCell((row as Record<string, unknown>)[c.key], c.format), wide: Boolean(c.wide) }))),
  };
}

/** What the dashboard template receives. */
export function presentDashboard(report: AnalyticsReport, range: DateRange, today: string) {
  const tables = reportTables(report);
  const t = (name: TableName) => presentTable(tables[name], range);
  const { totals } = report;
  const tickets = report.resolutions.reduce((n, r) => n + r.count, 0);
  const days = range.days;
  const quick = (n: number, label: string) => ({ label, url: `/admin/analytics?${rangeQuery({ from: addDays(today, -(n - 1)), to: today })}` });

  return {
    range: { from: range.from, to: range.to, fromLabel: vietnameseDay(range.from), toLabel: vietnameseDay(range.to), days: days.length },
    quickRanges: [quick(7, '7 ngày qua'), quick(30, '30 ngày qua'), quick(90, '90 ngày qua'), quick(365, '12 tháng qua')],
    cards: [
      { label: 'câu hỏi của người dân', value: int(totals.questions) },
      { label: 'trả lời ngay', value: percent(totals.answerRate) },
      { label: 'hỏi lại để làm rõ', value: percent(totals.clarifyRate) },
      { label: 'chuyển chuyên viên', value: percent(totals.escalateRate) },
      { label: 'lượt chào hỏi, cảm ơn', value: int(totals.smallTalk) },
      { label: 'yêu cầu tư vấn', value: int(tickets) },
    ],
    charts: {
      questions: dailyBarChart({
        id: 'chart-questions',
        title: 'Số câu hỏi theo ngày',
        desc: `Tổng ${int(totals.questions)} câu hỏi từ ${vietnameseDay(range.from)} đến ${vietnameseDay(range.to)}; nhiều nhất ${int(Math.max(0, ...report.questionsPerDay.map((d) => d.questions)))} câu một ngày. Số liệu từng ngày ở bảng bên dưới.`,
        days,
        values: report.questionsPerDay.map((d) => d.questions),
        unit: 'câu hỏi',
      }),
      outcomes: dailyShareChart({
        id: 'chart-outcomes',
        title: 'Tỷ lệ trả lời, hỏi lại và chuyển chuyên viên theo ngày',
        desc: `Trên ${int(totals.legal)} câu hỏi pháp luật: trả lời ${percent(totals.answerRate)}, hỏi lại ${percent(totals.clarifyRate)}, chuyển chuyên viên ${percent(totals.escalateRate)}. Số liệu từng ngày ở bảng bên dưới.`,
        days,
        series: [
          { name: 'Trả lời', className: 'answer', values: report.outcomesPerDay.map((d) => d.answerRate) },
          { name: 'Hỏi lại', className: 'clarify', values: report.outcomesPerDay.map((d) => d.clarifyRate) },
          { name: 'Chuyển chuyên viên', className: 'escalate', values: report.outcomesPerDay.map((d) => d.escalateRate) },
        ],
      }),
      fields: horizontalBarChart({
        id: 'chart-fields',
        title: 'Câu hỏi theo lĩnh vực',
        desc: report.fields.length
          ? `Nhiều nhất: ${report.fields[0]!.name ?? UNKNOWN_FIELD} (${int(report.fields[0]!.count)} câu hỏi). Số liệu ở bảng bên dưới.`
          : 'Không có dữ liệu.',
        items: report.fields.slice(0, 20).map((f) => ({ label: f.name ?? UNKNOWN_FIELD, value: f.count })),
        unit: 'câu hỏi',
      }),
    },
    tables: {
      questions: t('questions'),
      outcomes: t('outcomes'),
      toWrite: t('to-write'),
      helpful: t('helpful'),
      clarifySets: t('clarify-sets'),
      clarifyOptions: t('clarify-options'),
      queue: t('queue'),
      resolutions: t('resolutions'),
      fields: t('fields'),
    },
    toWrite: { truncated: report.toWrite.truncated, questions: int(report.toWrite.questions) },
    clarifySummary: report.clarify.asked
      ? `Trợ lý hỏi lại ${int(report.clarify.asked)} lần; người dân chọn một tình huống ${int(report.clarify.picked)} lần (${percent(report.clarify.pickRate)}).`
      : 'Trợ lý không hỏi lại lần nào trong khoảng thời gian này.',
  };
}
