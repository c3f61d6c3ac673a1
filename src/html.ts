// `chaintrail/html`: the self-contained HTML report (graphology and sigma inlined; sigma is an optional package).
// Re-exports only.
export { reportToHtml, DEFAULT_EXPLORERS, ExplorerSchema, type Explorer, type HtmlReportOptions } from './report/html.js';
