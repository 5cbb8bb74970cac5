import { jsonText } from '../tool-output/escape.js';
import type { DriftReport } from './drift-report.js';

/**
 * Version of the JSON layout below; raised when a field is renamed or removed, so a
 * pipeline reading the file can refuse a layout it does not know.
 */
export const JSON_REPORT_VERSION = 1;

/** The report as pretty-printed JSON, for pipelines and dashboards. */
export function renderJsonReport(report: DriftReport): string {
  return `${jsonText(JSON.stringify({ reportVersion: JSON_REPORT_VERSION, ...report }, null, 2))}\n`;
}
