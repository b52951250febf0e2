import Handlebars from 'handlebars';

/**
 * Server-rendered SVG charts: no script, so they work under the staff pages' strict CSP and
 * print well. Each chart is an image with a title and a description for screen readers (the
 * page also shows the numbers in a table); every bar carries its own tooltip. Colours come from
 * the page stylesheet through classes. All text is escaped here: callers pass plain strings.
 */

const esc = (text: string | number) => Handlebars.escapeExpression(String(text));

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { top: 12, right: 12, bottom: 36, left: 44 };

/** A round upper bound for an axis: 1, 2 or 5 × a power of ten. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** `2026-11-28` → `28/11`. */
const shortDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;

const frame = (id: string, title: string, desc: string, body: string, height = HEIGHT) =>
  `<svg class="chart" id="${esc(id)}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-desc" preserveAspectRatio="xMidYMid meet">` +
  `<title id="${esc(id)}-title">${esc(title)}</title><desc id="${esc(id)}-desc">${esc(desc)}</desc>${body}</svg>`;

/** Day labels under the bars, thinned out so they never overlap. */
function dayAxis(days: string[], x: (i: number) => number, band: number): string {
  const every = Math.max(1, Math.ceil(days.length / 15));
  const y = HEIGHT - PAD.bottom + 16;
  return days
    .map((day, i) => (i % every === 0 ? `<text class="axis" x="${(x(i) + band / 2).toFixed(1)}" y="${y}" text-anchor="middle">${esc(shortDay(day))}</text>` : ''))
    .join('');
}

function valueAxis(max: number, format: (v: number) => string): string {
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  return [0, 0.5, 1]
    .map((f) => {
      const y = PAD.top + plotHeight * (1 - f);
      return (
        `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/>` +
        `<text class="axis" x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${esc(format(max * f))}</text>`
      );
    })
    .join('');
}

/** Vertical bars, one per day (questions per day). */
export function dailyBarChart(options: { id: string; title: string; desc: string; days: string[]; values: number[]; unit: string }): string {
  const { days, values } = options;
  const max = niceMax(Math.max(0, ...values));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const band = plotWidth / Math.max(1, days.length);
  const x = (i: number) => PAD.left + i * band;
  const bars = values
    .map((v, i) => {
      const h = (v / max) * plotHeight;
      return (
        `<rect class="bar" x="${(x(i) + band * 0.1).toFixed(1)}" y="${(PAD.top + plotHeight - h).toFixed(1)}" width="${(band * 0.8).toFixed(1)}" height="${h.toFixed(1)}">` +
        `<title>${esc(`${shortDay(days[i]!)}: ${v.toLocaleString('vi-VN')} ${options.unit}`)}</title></rect>`
      );
    })
    .join('');
  return frame(options.id, options.title, options.desc, valueAxis(max, (v) => Math.round(v).toLocaleString('vi-VN')) + bars + dayAxis(days, x, band));
}

/** One stacked series of a 100 % bar chart. */
export interface ShareSeries {
  name: string;
  /** CSS class that gives the colour. */
  className: string;
  /** Shares 0..1 per day, null for a day without data. */
  values: (number | null)[];
}

/** 100 % stacked bars per day (answer / clarify / escalate rates), with a legend. */
export function dailyShareChart(options: { id: string; title: string; desc: string; days: string[]; series: ShareSeries[] }): string {
  const { days, series } = options;
  const legendHeight = 24;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const band = plotWidth / Math.max(1, days.length);
  const x = (i: number) => PAD.left + i * band;
  const bars = days
    .map((day, i) => {
      let base = 0;
      return series
        .map((s) => {
          const share = s.values[i];
          if (share == null || share <= 0) return '';
          const h = share * plotHeight;
          const y = PAD.top + plotHeight - (base + share) * plotHeight;
          base += share;
          return (
            `<rect class="${esc(s.className)}" x="${(x(i) + band * 0.1).toFixed(1)}" y="${y.toFixed(1)}" width="${(band * 0.8).toFixed(1)}" height="${h.toFixed(1)}">` +
            `<title>${esc(`${shortDay(day)}, ${s.name}: ${(share * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} %`)}</title></rect>`
          );
        })
        .join('');
    })
    .join('');
  const legend = series
    .map((s, i) => {
      const lx = PAD.left + i * 200;
      const ly = HEIGHT + 6;
      return `<rect class="${esc(s.className)}" x="${lx}" y="${ly}" width="12" height="12"/><text class="legend" x="${lx + 18}" y="${ly + 11}">${esc(s.name)}</text>`;
    })
    .join('');
  const body = valueAxis(1, (v) => `${Math.round(v * 100)} %`) + bars + dayAxis(days, x, band) + legend;
  return frame(options.id, options.title, options.desc, body, HEIGHT + legendHeight);
}

/** Horizontal bars with a label each (questions per field). */
export function horizontalBarChart(options: { id: string; title: string; desc: string; items: { label: string; value: number }[]; unit: string }): string {
  const items = options.items;
  const row = 22;
  const labelWidth = 260;
  const height = Math.max(row, items.length * row) + 8;
  const max = niceMax(Math.max(0, ...items.map((i) => i.value)));
  const plotWidth = WIDTH - labelWidth - 70;
  const bars = items
    .map((item, i) => {
      const y = 4 + i * row;
      const w = (item.value / max) * plotWidth;
      const label = item.label.length > 40 ? `${item.label.slice(0, 39)}…` : item.label;
      return (
        `<text class="axis" x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${esc(label)}</text>` +
        `<rect class="bar" x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 6}"><title>${esc(`${item.label}: ${item.value.toLocaleString('vi-VN')} ${options.unit}`)}</title></rect>` +
        `<text class="value" x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 15}">${esc(item.value.toLocaleString('vi-VN'))}</text>`
      );
    })
    .join('');
  return frame(options.id, options.title, options.desc, bars, height);
}
