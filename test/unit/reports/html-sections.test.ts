import { describe, expect, it } from 'vitest';
import { callsTableRow } from '../../../src/main/core/reports/html/sections';
import type { ExportCallRow } from '../../../src/shared/reports';

const call: ExportCallRow = {
  attemptId: 'a1',
  callSid: 'sid1',
  contactName: 'राम कुमार',
  number: '+919800000005',
  listId: '2',
  listName: 'Clinic',
  campaignId: 'c1',
  campaignName: 'Reminders',
  attemptNo: 1,
  operator: 'root',
  createdAt: '2026-11-26T10:05:26.485Z',
  answeredAt: '2026-11-26T10:05:27.515Z',
  endedAt: '2026-11-26T10:05:31.534Z',
  state: 'completed',
  carrierStatus: null,
  durationSec: 4,
  price: 0.5,
  answeredBy: 'human',
  disposition: 'callback',
  transfer: 'none',
  flags: ['completed_under_5s'],
  latency: { p50: 362.48143100000743, p95: 908.3401670000021 },
  recordings: [],
};

/** The calls table of the HTML report (and so the PDF), read by people. */
describe('HTML report calls table', () => {
  it('shows latencies in whole milliseconds, the exact value kept in data-value', () => {
    const html = callsTableRow(1, call);
    expect(html).toContain(
      '<td data-col="Latency P50 (ms)" data-value="362.48143100000743">362</td><td data-col="Latency P95 (ms)" data-value="908.3401670000021">908</td>',
    );
    expect(html).not.toMatch(/>\d+\.\d{3,}</);
    // Whole numbers and text as they are.
    expect(html).toContain('<td data-col="Duration (s)">4</td>');
    expect(html).toContain('<td data-col="Contact">राम कुमार</td>');
  });
});
