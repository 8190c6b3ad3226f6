/**
 * The HTML report, statically (self-contained, escaped) and in a real browser: Debian's chromium
 * headless through playwright-core, with every network request refused, checks that the three
 * charts and the SKU table are drawn (non-zero boxes), and saves a screenshot to test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../../../shared/domain/cost/render/html.ts';
import { renderMarkdown } from '../../../../../shared/domain/cost/render/markdown.ts';
import { sampleReport } from './sample-report.ts';

const report = sampleReport();
const html = renderHtml(report);
export const SCREENSHOT = resolve('test-artifacts/cost-report.png');

describe('HTML report, static', () => {
  it('references nothing outside the page: no script, no stylesheet link, no font, no image URL', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/@import|@font-face|url\(/i);
    expect(html).not.toMatch(/(src|href)=/i);
    expect(html.match(/<svg /g)).toHaveLength(3);
  });

  it('escapes what it shows', () => {
    const hostile = { ...report, byWorkspace: [{ workspace: '<img src=x onerror=alert(1)>', cost: 1 }] };
    expect(renderHtml(hostile)).not.toContain('<img');
    expect(renderMarkdown({ ...report, byComponent: [{ component: 'a|b', cost: 1 }] })).toContain('a\\|b');
  });
});

function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: .ci/run installs Debian\'s chromium (apt-get install -y chromium)');
  }
}

describe('HTML report, rendered headless in chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 60_000);
  afterAll(async () => { await browser?.close(); });

  it('draws the three charts and the top-SKU table, with no network, and saves a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    const requests: string[] = [];
    await page.route('**/*', (route) => { requests.push(route.request().url()); return route.abort(); });
    await page.setContent(html, { waitUntil: 'load' });
    for (const id of ['chart-daily', 'chart-workspaces', 'chart-month']) {
      const box = await page.locator(`svg#${id}`).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(50);
    }
    // Every bar is drawn with an area: one per component per day with a cost, one per workspace.
    const bars = await page.locator('svg#chart-daily rect.bar').evaluateAll((els) => els.map((el) => (el as SVGGraphicsElement).getBBox()).map((b) => b.width * b.height));
    const expected = report.byDay.reduce((a, d) => a + Object.values(d.byComponent).filter((v) => v > 0).length, 0);
    expect(bars).toHaveLength(expected);
    expect(bars.every((area) => area > 0)).toBe(true);
    expect(await page.locator('svg#chart-workspaces rect.bar').count()).toBe(report.byWorkspace.length);
    for (const line of ['#mtd-line', '#forecast-line', '#budget-line']) {
      const b = await page.locator(`svg#chart-month ${line}`).evaluate((el) => { const r = (el as SVGGraphicsElement).getBBox(); return r.width + r.height; });
      expect(b, line).toBeGreaterThan(0);
    }
    expect(await page.locator('#top-skus tbody tr').count()).toBe(Math.min(10, report.lines.length));
    expect(requests).toEqual([]);
    mkdirSync(resolve('test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  }, 60_000);
});

describe('JSON report', () => {
  it('has the fields the issue names, and they add up', async () => {
    const { renderJson } = await import('../../../../../shared/domain/cost/render/json.ts');
    const json = JSON.parse(renderJson(report));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['currency', 'period', 'total', 'byComponent', 'byWorkspace', 'forecast', 'budget', 'lines']));
    expect(Object.keys(json.period)).toEqual(expect.arrayContaining(['start', 'end']));
    expect(Object.keys(json.forecast)).toContain('monthEnd');
    expect(Object.keys(json.budget)).toEqual(expect.arrayContaining(['amount', 'spent']));
    for (const line of json.lines) expect(Object.keys(line)).toEqual(expect.arrayContaining(['sku', 'service', 'description', 'usage', 'unit', 'unitPrice', 'cost']));
    const n = (xs: Array<{ cost: number }>) => Math.round(xs.reduce((a, x) => a + x.cost * 1e9, 0));
    expect(n(json.lines)).toBe(Math.round(json.total * 1e9));
    expect(n(json.byComponent)).toBe(Math.round(json.total * 1e9));
    expect(n(json.byWorkspace)).toBe(Math.round(json.total * 1e9));
  });
});
