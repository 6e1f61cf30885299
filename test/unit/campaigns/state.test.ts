import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_ACTIONS,
  CAMPAIGN_STATES,
  CampaignCreateSchema,
  CallingWindowSchema,
  type CampaignState,
} from '../../../src/shared/campaigns';
import { canTransition, IllegalTransitionError, nextState } from '../../../src/main/core/campaigns';

/** The campaign state machine as a pure function, and the settings' schema rules. */

describe('campaign transitions', () => {
  it('allows exactly the documented moves', () => {
    const allowed: Record<string, CampaignState> = {};
    for (const from of CAMPAIGN_STATES)
      for (const action of CAMPAIGN_ACTIONS)
        if (canTransition(from, action)) allowed[`${from}.${action}`] = nextState(from, action);
    expect(allowed).toEqual({
      'draft.schedule': 'scheduled',
      'draft.start': 'running',
      'draft.cancel': 'canceled',
      'scheduled.start': 'running',
      'scheduled.cancel': 'canceled',
      'running.pause': 'paused',
      'running.complete': 'completed',
      'running.cancel': 'canceled',
      'paused.resume': 'running',
      'paused.complete': 'completed',
      'paused.cancel': 'canceled',
    });
  });

  it('an illegal move is a typed error naming the state and the action', () => {
    const err = (() => {
      try {
        nextState('completed', 'resume');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(IllegalTransitionError);
    expect(err).toMatchObject({ from: 'completed', action: 'resume', code: 'illegal_transition' });
    expect((err as Error).message).toBe(
      'A completed campaign cannot resume (it is completed: that is final)',
    );
    expect(() => nextState('draft', 'pause')).toThrow(
      'A draft campaign cannot pause (only a running campaign pauses)',
    );
  });

  it('over any sequence of actions: final states stay final, and a campaign never returns to draft', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CAMPAIGN_ACTIONS), { maxLength: 30 }), (actions) => {
        let state: CampaignState = 'draft';
        for (const action of actions) {
          const before = state;
          if (!canTransition(state, action)) {
            expect(() => nextState(state, action)).toThrow(IllegalTransitionError);
            continue;
          }
          state = nextState(state, action);
          expect(state).not.toBe('draft');
          expect(before === 'completed' || before === 'canceled').toBe(false);
          if (state === 'paused') expect(before).toBe('running');
        }
      }),
    );
  });
});

describe('campaign settings schema', () => {
  const base = { name: 'March', listId: 1, bot: 'demo' };

  it('defaults to every day 09:00–21:00 Asia/Kolkata, linear retries of busy/no-answer/failed, call once', () => {
    const c = CampaignCreateSchema.parse(base);
    expect(c.window).toEqual({
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '09:00',
      end: '21:00',
      timeZone: 'Asia/Kolkata',
      override: false,
    });
    expect(c.retry).toEqual({
      maxAttempts: 3,
      on: ['busy', 'no_answer', 'failed'],
      intervalMinutes: 30,
      backoff: 'linear',
    });
    expect(c).toMatchObject({ mode: 'stream', duplicates: 'once', frequencyCapPerDay: 3 });
  });

  it('refuses a window past 21:00 or before 09:00 unless the override is set', () => {
    const window = { days: ['mon'], start: '08:00', end: '21:30', timeZone: 'Asia/Kolkata' };
    const refused = CallingWindowSchema.safeParse(window);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({
      path: ['override'],
      message: 'Calls outside 09:00–21:00 need the window override (it is audited)',
    });
    expect(CallingWindowSchema.parse({ ...window, override: true })).toMatchObject({
      start: '08:00',
      override: true,
    });
    expect(
      CallingWindowSchema.safeParse({ ...window, start: '10:00', end: '09:30', override: true }).success,
    ).toBe(false);
    expect(
      CallingWindowSchema.safeParse({ ...window, start: '10:00', end: '20:00', timeZone: 'Mars/Base' })
        .success,
    ).toBe(false);
  });

  it('refuses an end before the start', () => {
    const r = CampaignCreateSchema.safeParse({
      ...base,
      schedule: { startAt: '2026-03-02T10:00:00+05:30', endAt: '2026-03-02T09:00:00+05:30' },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['schedule', 'endAt']);
  });
});
