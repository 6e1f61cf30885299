import { describe, expect, it } from 'vitest';
import { formatCount, formatDateTime, formatTime } from '../../../src/renderer/src/format';

// Built from local parts: the helper writes the computer's own time zone.
const evening = new Date(2026, 10, 26, 19, 5, 9);

describe('the renderer formats dates, times and counts one way (en-IN)', () => {
  it('writes a date and time day first, with a 12-hour clock', () => {
    expect(formatDateTime(evening)).toBe('26/11/2026, 7:05:09 pm');
    expect(formatDateTime(evening.toISOString())).toBe('26/11/2026, 7:05:09 pm');
    expect(formatDateTime(evening.getTime())).toBe('26/11/2026, 7:05:09 pm');
    expect(formatDateTime(new Date(2026, 0, 2, 0, 0, 0))).toBe('2/1/2026, 12:00:00 am');
  });

  it('writes a time alone', () => {
    expect(formatTime(evening.toISOString())).toBe('7:05:09 pm');
  });

  it("says '—' for no time or one that does not parse", () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
    expect(formatTime('not a date')).toBe('—');
  });

  it('groups counts the Indian way', () => {
    expect(formatCount(1234567)).toBe('12,34,567');
    expect(formatCount(0)).toBe('0');
  });
});
