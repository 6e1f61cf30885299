/** A numbered, forward-only schema change. Never edit a released migration: add the next number. */
export interface Migration {
  version: number;
  name: string;
  up: string;
}
