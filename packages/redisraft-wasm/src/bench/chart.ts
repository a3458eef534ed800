// The results as a self-contained SVG: one group of horizontal bars per
// test x pipeline, one bar (ops/s) per setup, each group on its own scale.
import { ratio, type Row } from './report.js';

const COLORS = ['#1f77b4', '#4a9fdc', '#9ecae1', '#d62728', '#ff7f0e', '#fdae6b', '#2ca02c', '#9467bd'];
const WIDTH = 980, LABEL_W = 330, BAR_X = 340, BAR_W = 470, BAR_H = 18, GAP = 6, GROUP_GAP = 22;

export function renderChart(rows: readonly Row[], subtitle: readonly string[]): string {
  const setups = [...new Set(rows.map((r) => r.setup))];
  const groups = [...new Set(rows.map((r) => `${r.test}\u0000${r.pipeline}`))].map((k) => {
    const [test, pipeline] = k.split('\u0000') as [string, string];
    return { title: `${test.toUpperCase()}, pipeline ${pipeline}`, rows: rows.filter((r) => r.test === test && String(r.pipeline) === pipeline) };
  });
  const out: string[] = [];
  let y = 40 + 18 * subtitle.length;
  for (const g of groups) {
    out.push(`<text x="10" y="${y + 14}" class="group">${esc(g.title)}</text>`);
    y += 24;
    const max = Math.max(1, ...g.rows.map((r) => r.opsPerSec));
    for (const r of g.rows) {
      const w = Math.max(1, Math.round((r.opsPerSec / max) * BAR_W));
      const q = ratio(r, rows);
      const value = `${Math.round(r.opsPerSec).toLocaleString('en-US')} ops/s${q === undefined ? '' : ` (${q.toFixed(2)}x)`}`;
      const color = COLORS[setups.indexOf(r.setup) % COLORS.length]!;
      out.push(
        `<text x="${LABEL_W}" y="${y + 13}" text-anchor="end">${esc(r.setup)}</text>`,
        `<rect x="${BAR_X}" y="${y}" width="${w}" height="${BAR_H}" rx="2" fill="${color}"><title>${esc(`${r.setup}, ${g.title}: ${value}, p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, p99.9 ${r.p999.toFixed(3)} ms`)}</title></rect>`,
        `<text x="${BAR_X + w + 6}" y="${y + 13}" class="value">${esc(value)}</text>`,
      );
      y += BAR_H + GAP;
    }
    y += GROUP_GAP;
  }
  const height = y + 10;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>redisraft-wasm bench: ops/s per setup</title>`,
    `<style>.group{font-weight:bold;font-size:13px}.value{fill:#333}.sub{fill:#555}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="26" font-size="16" font-weight="bold">redisraft-wasm bench: ops/s per setup (higher is better)</text>`,
    ...subtitle.map((line, i) => `<text x="10" y="${46 + 18 * i}" class="sub">${esc(line)}</text>`),
    ...out,
    `</svg>`,
    '',
  ].join('\n');
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
