// QA statistics: pass rates with intervals, flakiness, and comparisons of runs and suites.
export * from './pass-rates';
export * from './word-diff';
export * from './compare';
export * from './runs';
