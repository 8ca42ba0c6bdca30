/** The report's whole stylesheet, inlined into the page. */
export const REPORT_CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222; }
body { margin: 0 auto; max-width: 1180px; padding: 16px 24px 48px; background: #fafafa; }
h1 { margin: 8px 0 4px; font-size: 26px; }
h2 { margin: 36px 0 6px; font-size: 20px; border-top: 2px solid #ddd; padding-top: 18px; }
h3 { margin: 14px 0 2px; font-size: 13px; font-weight: 600; color: #444; }
.meta { color: #666; font-size: 12px; }
.description { max-width: 860px; line-height: 1.45; }
nav { margin: 10px 0; font-size: 13px; }
nav a { color: #1565c0; }
dl.clients { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; font-size: 13px; }
dl.clients dt { font-weight: 600; }
dl.clients dd { margin: 0; }
table.figures { border-collapse: collapse; font-size: 13px; margin: 10px 0; background: #fff; }
table.figures th, table.figures td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; }
table.figures th:first-child, table.figures td:first-child, table.figures td:last-child { text-align: left; }
.row .cells { display: flex; flex-wrap: wrap; gap: 8px; }
figure.chart { margin: 0; width: fit-content; background: #fff; border: 1px solid #e3e3e3; border-radius: 4px; padding: 4px; }
figure.chart figcaption { font-size: 11px; color: #555; margin: 0 0 2px 4px; }
.no-chart { width: 270px; font-size: 11px; color: #888; border: 1px dashed #ddd; border-radius: 4px; padding: 8px; box-sizing: border-box; }
.legend { font-size: 11px; color: #555; margin: 2px 0 4px; }
.legend span { margin-right: 12px; white-space: nowrap; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
svg { display: block; }
`;
