import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../src/index.ts';
import { expectedCharts, smallRun } from './small-report.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// On a developer's machine a missing browser skips the test; in CI (CI=true) it is a failure, so a
// run that forgot to install Chromium cannot pass green.
const required = process.env.CI === 'true' || process.env.CI === '1';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('the HTML report in headless Chromium', () => {
  it.skipIf(!available && !required)(
    `draws every chart, logs no error, fetches nothing, and leaves a screenshot${available ? '' : ` (skipped: ${CHROMIUM} is absent; apt-get install -y chromium)`}`,
    async () => {
      if (!available)
        expect.fail(`${CHROMIUM} is absent, and CI must run the browser test: apt-get install -y chromium`);
      const result = await smallRun();
      const artifacts = process.env.UNFAZED_ARTIFACTS ?? mkdtempSync(join(tmpdir(), 'unfazed-artifacts-'));
      mkdirSync(artifacts, { recursive: true });
      const reportPath = join(artifacts, 'lab-report.html');
      writeFileSync(reportPath, renderReport(result));
      // A fresh profile each run (Playwright takes it as launchPersistentContext's user data dir).
      const profile = mkdtempSync(join(tmpdir(), 'unfazed-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
        viewport: { width: 1200, height: 900 },
      });
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        const fetched: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) fetched.push(r.url());
        });
        await page.goto(`file://${reportPath}`, { waitUntil: 'load' });

        const charts = await page.$$eval('figure.chart', (figures) =>
          figures.map((f) => {
            const marks = [...f.querySelectorAll('svg .mark')] as SVGGraphicsElement[];
            const drawn = marks.filter((m) => {
              const box = m.getBBox();
              return box.width > 0 || box.height > 0;
            });
            const paths = [...f.querySelectorAll('svg path.mark')] as SVGPathElement[];
            const rect = f.getBoundingClientRect();
            return {
              id: f.id,
              drawn: drawn.length,
              pathLength: paths.reduce((n, p) => n + p.getTotalLength(), 0),
              visible: rect.width > 100 && rect.height > 40,
            };
          }),
        );
        expect(charts.length).toBe(expectedCharts(result));
        for (const chart of charts) {
          expect(chart.drawn, chart.id).toBeGreaterThan(0);
          expect(chart.visible, chart.id).toBe(true);
        }
        expect(charts.filter((c) => c.pathLength > 0).length).toBeGreaterThan(charts.length * 0.8);
        const rows = await page.$$eval('table.figures tbody tr', (trs) => trs.length);
        expect(rows).toBe(result.scenarios.reduce((n, s) => n + s.results.length, 0));
        expect(errors).toEqual([]);
        expect(fetched).toEqual([]);

        const shot = join(artifacts, 'lab-report.png');
        await page.screenshot({ path: shot, fullPage: true });
        expect(statSync(shot).size).toBeGreaterThan(20_000);
        console.log(`report and screenshot kept in ${artifacts}`);
      } finally {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
