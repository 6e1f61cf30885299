/** A calling window open every day, all day (the 09:00-21:00 rule overridden): tests dial at any hour. */
export const ANY_TIME_WINDOW = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  start: '00:00',
  end: '23:59',
  timeZone: 'Asia/Kolkata',
  override: true,
} as const;
