import { describe, expect, it } from 'vitest';
import { CampaignCreateSchema } from '../../../src/shared/campaigns';
import {
  draftErrors,
  newDraft,
  parseRows,
  skipReasonLabel,
  toCreateRequest,
} from '../../../src/renderer/src/campaigns/campaign-draft';

const valid = { ...newDraft('demo', 10), name: 'July', listId: 3 };

describe('the campaign form draft', () => {
  it('becomes a create request the core schema accepts, with the legal window by default', () => {
    expect(draftErrors(valid)).toEqual({});
    const req = CampaignCreateSchema.parse(toCreateRequest(valid));
    expect(req.window).toMatchObject({
      start: '09:00',
      end: '21:00',
      timeZone: 'Asia/Kolkata',
      override: false,
    });
    expect(req.schedule).toEqual({});
    expect(req).not.toHaveProperty('contactIds');
  });

  it('names the field of each schema error as it is typed', () => {
    expect(draftErrors({ ...valid, name: ' ' })).toHaveProperty('name');
    expect(draftErrors({ ...valid, listId: null })).toEqual({ listId: 'Pick a contact list' });
    expect(draftErrors({ ...valid, windowEnd: '22:00' }).override).toMatch(/override/);
    expect(draftErrors({ ...valid, windowEnd: '22:00', override: true })).toEqual({});
    expect(draftErrors({ ...valid, windowStart: '9am' })).toHaveProperty('windowStart');
    expect(draftErrors({ ...valid, windowStart: '18:00', windowEnd: '10:00' })).toHaveProperty('windowEnd');
    expect(draftErrors({ ...valid, days: [] })).toHaveProperty('days');
    expect(draftErrors({ ...valid, timeZone: 'Mars/Base' })).toHaveProperty('timeZone');
    expect(draftErrors({ ...valid, maxConcurrent: Number.NaN })).toHaveProperty('maxConcurrent');
    expect(draftErrors({ ...valid, maxAttempts: 0 })).toHaveProperty('maxAttempts');
    expect(draftErrors({ ...valid, startAt: '2030-01-02T10:00', endAt: '2030-01-01T10:00' })).toHaveProperty(
      'endAt',
    );
  });

  it('sends selected contacts and the schedule as instants', () => {
    const req = toCreateRequest({ ...valid, contactIds: [4, 5], startAt: '2030-01-01T10:00' });
    expect(req.contactIds).toEqual([4, 5]);
    expect(req.schedule?.startAt).toBe(new Date('2030-01-01T10:00').toISOString());
  });

  it('reads row numbers and ranges', () => {
    expect([...(parseRows('2-4, 9') ?? [])]).toEqual([2, 3, 4, 9]);
    expect(parseRows('  ')).toBeNull();
    expect(parseRows('4-2')).toBeNull();
    expect(parseRows('a, 3')).toBeNull();
  });
});

describe("a queued contact's skip reason", () => {
  // Seen in the queue: "missing variables: appointment day, appointment_time" (only the first _ went).
  it('keeps the variable names a sentence lists, and reads a code with spaces', () => {
    expect(skipReasonLabel('missing variables: appointment_day, appointment_time')).toBe(
      'missing variables: appointment_day, appointment_time',
    );
    expect(skipReasonLabel('after_end')).toBe('after end');
    expect(skipReasonLabel('dnc')).toBe('dnc');
  });
});
