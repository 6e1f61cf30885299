/**
 * Pieces of the self-contained HTML reports (the QA run report, the export's HTML and PDF): one
 * escaping rule and one base style, so a fix to either reaches every report.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text made safe for element content and quoted attribute values. Values come from customers'
 * spreadsheets, callers and LLMs: every one goes through here.
 */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/**
 * No scripts, no outside requests: styles inline, images and audio only from data: URIs or files
 * beside the report (`media-src 'self'` for a report served over HTTP, `file:` opened from disk).
 */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src data: file: 'self'";

export const REPORT_BASE_CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1f24}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
.passed{color:#116329}.failed{color:#a40e26}.no_verdict,.pending{color:#7d4e00}h2{margin-top:2rem}code{font-size:12px}`;
