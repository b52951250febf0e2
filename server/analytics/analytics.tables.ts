import type { AnalyticsReport, ReportSection } from './analytics.service.js';

/**
 * The dashboard's tables, defined once: the page renders them (numbers formatted for Vietnamese
 * readers) and the CSV export writes them (plain numbers). A presenter over the report.
 */

export type CellFormat = 'text' | 'int' | 'percent' | 'minutes' | 'day' | 'datetime';

export interface Column {
  key: string;
  label: string;
  format: CellFormat;
  /** Long text (a question): the page gives it room. */
  wide?: boolean;
}

export interface Table {
  /** URL name: `/admin/analytics/<name>.csv`. */
  name: TableName;
  title: string;
  columns: Column[];
  /** Records; each column reads its `key`. */
  rows: readonly object[];
}

export const TABLE_NAMES = ['questions', 'outcomes', 'to-write', 'helpful', 'clarify-sets', 'clarify-options', 'queue', 'resolutions', 'fields'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** The report section each table is made from: a CSV export loads only that. */
export const TABLE_SECTIONS: Record<TableName, ReportSection> = {
  questions: 'questions',
  outcomes: 'outcomes',
  'to-write': 'toWrite',
  helpful: 'helpful',
  'clarify-sets': 'clarify',
  'clarify-options': 'clarify',
  queue: 'queue',
  resolutions: 'resolutions',
  fields: 'fields',
};

export function isTableName(name: string): name is TableName {
  return (TABLE_NAMES as readonly string[]).includes(name);
}

const col = (key: string, label: string, format: CellFormat = 'text'): Column => ({ key, label, format });
const wide = (key: string, label: string): Column => ({ key, label, format: 'text', wide: true });

export const RESOLUTION_LABELS: Record<string, string> = {
  answered: 'Đã trả lời',
  referred: 'Hướng dẫn đến cơ quan khác',
  not_legal: 'Không phải câu hỏi pháp luật',
  cancelled: 'Người dân hủy yêu cầu',
  queued: 'Đang chờ nhận',
  assigned: 'Đang xử lý',
  closed: 'Đã kết thúc',
};

const MODE_LABELS = { live: 'Trực tuyến', offline: 'Để lại (ngoài giờ / không ai trực)', all: 'Tất cả' } as const;

/** The label of the "unknown field" row. */
export const UNKNOWN_FIELD = 'Chưa xác định (chuyển chuyên viên hoặc chưa chọn)';

/** Every table of a report, by name. */
export function reportTables(report: AnalyticsReport): Record<TableName, Table> {
  return {
    questions: {
      name: 'questions',
      title: 'Số câu hỏi theo ngày',
      columns: [col('day', 'Ngày', 'day'), col('questions', 'Số câu hỏi', 'int')],
      rows: report.questionsPerDay,
    },
    outcomes: {
      name: 'outcomes',
      title: 'Kết quả trả lời tự động theo ngày',
      columns: [
        col('day', 'Ngày', 'day'),
        col('legal', 'Câu hỏi pháp luật', 'int'),
        col('answer', 'Trả lời', 'int'),
        col('clarify', 'Hỏi lại', 'int'),
        col('escalate', 'Chuyển chuyên viên', 'int'),
        col('answerRate', 'Tỷ lệ trả lời (%)', 'percent'),
        col('clarifyRate', 'Tỷ lệ hỏi lại (%)', 'percent'),
        col('escalateRate', 'Tỷ lệ chuyển (%)', 'percent'),
        col('smallTalk', 'Trò chuyện xã giao', 'int'),
      ],
      rows: report.outcomesPerDay,
    },
    'to-write': {
      name: 'to-write',
      title: 'Câu hỏi cần bổ sung tình huống',
      columns: [
        wide('representative', 'Câu hỏi tiêu biểu'),
        col('count', 'Số lần', 'int'),
        col('escalated', 'Trợ lý chuyển chuyên viên', 'int'),
        col('consultantRequested', 'Người dân yêu cầu chuyên viên', 'int'),
        col('unhelpful', 'Đánh giá không hữu ích', 'int'),
        col('variants', 'Số cách hỏi', 'int'),
        wide('examples', 'Cách hỏi khác'),
        col('lastAskedAt', 'Lần gần nhất', 'datetime'),
      ],
      rows: report.toWrite.clusters.map((c) => ({ ...c, examples: c.examples.join(' | ') })),
    },
    helpful: {
      name: 'helpful',
      title: 'Mức độ hữu ích theo tình huống',
      columns: [
        col('code', 'Mã tình huống'),
        wide('question', 'Câu hỏi'),
        col('fieldName', 'Lĩnh vực'),
        col('answers', 'Lượt trả lời', 'int'),
        col('ratings', 'Lượt đánh giá', 'int'),
        col('helpful', 'Hữu ích', 'int'),
        col('unhelpful', 'Không hữu ích', 'int'),
        col('helpfulRate', 'Tỷ lệ hữu ích (%)', 'percent'),
      ],
      rows: report.helpful,
    },
    'clarify-sets': {
      name: 'clarify-sets',
      title: 'Hỏi lại: các lựa chọn đưa ra cùng nhau và lựa chọn của người dân',
      columns: [wide('offered', 'Các lựa chọn đưa ra'), col('times', 'Số lần hỏi lại', 'int'), col('picks', 'Đã chọn'), col('noPick', 'Không chọn', 'int')],
      rows: report.clarify.sets.map((s) => ({
        offered: s.offered.map((o) => (o.question ? `${o.code} (${o.question})` : o.code)).join('; '),
        times: s.times,
        picks: s.picks.map((p) => `${p.code}: ${p.count}`).join('; '),
        noPick: s.noPick,
      })),
    },
    'clarify-options': {
      name: 'clarify-options',
      title: 'Hỏi lại: từng tình huống được đưa ra và được chọn',
      columns: [
        col('code', 'Mã tình huống'),
        wide('question', 'Câu hỏi'),
        col('fieldName', 'Lĩnh vực'),
        col('offered', 'Số lần được đưa ra', 'int'),
        col('picked', 'Số lần được chọn', 'int'),
        col('pickRate', 'Tỷ lệ được chọn (%)', 'percent'),
      ],
      rows: report.clarify.options,
    },
    queue: {
      name: 'queue',
      title: 'Thời gian chờ và xử lý yêu cầu tư vấn (phút)',
      columns: [
        col('mode', 'Hình thức'),
        col('tickets', 'Số yêu cầu', 'int'),
        col('assigned', 'Đã được nhận', 'int'),
        col('waitMedian', 'Chờ nhận: trung vị (phút)', 'minutes'),
        col('waitP90', 'Chờ nhận: P90 (phút)', 'minutes'),
        col('closed', 'Đã kết thúc', 'int'),
        col('handlingMedian', 'Xử lý: trung vị (phút)', 'minutes'),
        col('handlingP90', 'Xử lý: P90 (phút)', 'minutes'),
      ],
      rows: report.queue.map((q) => ({ ...q, mode: MODE_LABELS[q.mode] })),
    },
    resolutions: {
      name: 'resolutions',
      title: 'Kết quả các yêu cầu tư vấn',
      columns: [col('outcome', 'Kết quả'), col('code', 'Mã'), col('count', 'Số yêu cầu', 'int')],
      rows: report.resolutions.map((r) => ({ outcome: RESOLUTION_LABELS[r.outcome] ?? r.outcome, code: r.outcome, count: r.count })),
    },
    fields: {
      name: 'fields',
      title: 'Câu hỏi theo lĩnh vực',
      columns: [col('name', 'Lĩnh vực'), col('slug', 'Mã lĩnh vực'), col('count', 'Số câu hỏi', 'int'), col('share', 'Tỷ lệ (%)', 'percent')],
      rows: report.fields.map((f) => ({ ...f, name: f.name ?? UNKNOWN_FIELD, slug: f.slug ?? '' })),
    },
  };
}
