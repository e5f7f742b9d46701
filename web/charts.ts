// Small server-rendered SVG charts: no script, readable on a tablet, printable.
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Bar {
  label: string;
  value: number;
  /** Highlighted bars (below target, a bad score) are drawn in the warning colour. */
  warn?: boolean;
}

export function barChart(bars: Bar[], title: string, width = 420, height = 180): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = width / Math.max(1, bars.length);
  const plot = height - 36;
  const parts = bars.map((b, i) => {
    const h = Math.round((b.value / max) * plot);
    const x = Math.round(i * slot + slot * 0.15);
    const w = Math.max(2, Math.round(slot * 0.7));
    const y = 16 + plot - h;
    return (
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" class="${b.warn ? 'bar warn' : 'bar'}"><title>${escape(b.label)}: ${b.value}</title></rect>` +
      `<text x="${x + w / 2}" y="${y - 3}" text-anchor="middle" class="val">${b.value}</text>` +
      `<text x="${x + w / 2}" y="${height - 6}" text-anchor="middle" class="lbl">${escape(b.label)}</text>`
    );
  });
  return `<svg class="chart" role="img" aria-label="${escape(title)}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMidYMid meet">${parts.join('')}</svg>`;
}

/** A ratio as a filled bar with the target marked: green at or above it, amber below. */
export function ratioGauge(value: number | null, target: number, title: string, width = 420): string {
  const v = value ?? 0;
  const fill = Math.round(Math.min(1, v) * (width - 2));
  const tx = Math.round(target * (width - 2));
  const cls = value === null ? 'gauge empty' : v >= target ? 'gauge ok' : 'gauge warn';
  return (
    `<svg class="chart" role="img" aria-label="${escape(title)}" viewBox="0 0 ${width} 34" width="100%">` +
    `<rect x="1" y="6" width="${width - 2}" height="18" class="track"/>` +
    `<rect x="1" y="6" width="${fill}" height="18" class="${cls}"/>` +
    `<line x1="${tx}" x2="${tx}" y1="2" y2="30" class="target"/>` +
    `</svg>`
  );
}
