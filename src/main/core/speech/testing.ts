// Speech fakes for tests and benchmarks: deterministic stand-ins for each role. Product code never
// imports this entry point (the layering lint rule refuses it).
export * from './fakes';
