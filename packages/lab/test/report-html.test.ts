import { describe, expect, it } from 'vitest';
import { renderReport, reportJson } from '../src/index.ts';
import { expectedCharts, smallRun } from './small-report.ts';

describe('the HTML report', () => {
  it('is one self-contained file: inline CSS, inline SVG, nothing to fetch', async () => {
    const result = await smallRun();
    const html = renderReport(result);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    for (const external of ['<script', '<link', ' src=', 'url(', '@import', 'https://'])
      expect(html).not.toContain(external);
    // The only address is the SVG namespace, which is a name, not a download.
    expect(html.match(/http:\/\/[^"]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);

    const figures = html.match(/<figure class="chart"[\s\S]*?<\/figure>/g) ?? [];
    expect(figures.length).toBe(expectedCharts(result));
    for (const f of figures) expect(f).toMatch(/<svg [^>]*>[\s\S]*class="mark"/);
    const ids = figures.map((f) => /id="([^"]+)"/.exec(f)?.[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('chart-storm-unfazed-breaker');
    expect(ids).toContain('chart-outage-openai-sdk-latency');
    expect(html).toContain('data-chart="limiter" data-scenario="storm" data-client="unfazed"');
    // A client without events gets a note, not an empty chart.
    expect(html).toMatch(/class="no-chart" data-chart="breaker" data-client="openai-sdk"/);

    const json = JSON.parse(reportJson(result));
    expect(json.scenarios).toHaveLength(2);
    expect(json.scenarios[0].results[0].summary.calls).toBeGreaterThan(10);
  });
});
