import type { CostReport } from '../report.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';

export type ReportFormat = 'json' | 'markdown' | 'html';

export const REPORT_FILES: Record<ReportFormat, { file: string; contentType: string; render(r: CostReport): string }> = {
  json: { file: 'cost-report.json', contentType: 'application/json', render: renderJson },
  markdown: { file: 'cost-report.md', contentType: 'text/markdown; charset=utf-8', render: renderMarkdown },
  html: { file: 'cost-report.html', contentType: 'text/html; charset=utf-8', render: renderHtml },
};
