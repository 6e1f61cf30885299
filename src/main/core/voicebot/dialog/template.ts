// {{variable}} and {{slot.name}} placeholders in prompts. Deliberately tiny: no logic in templates.

const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}/g;
const anyBraces = /\{\{|\}\}/;

/** Names used by a template, in order of first use ("name", "slot.day"). */
export function templateNames(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(placeholder)) names.add(m[1] ?? '');
  return [...names];
}

/** A problem with the template's syntax (stray braces), or undefined when it is well formed. */
export function templateSyntaxError(template: string): string | undefined {
  const stripped = template.replace(placeholder, '');
  return anyBraces.test(stripped) ? 'has a malformed {{placeholder}}' : undefined;
}

export interface RenderResult {
  text: string;
  /** Placeholders that had no value (rendered as nothing). */
  missing: string[];
}

/** Fills placeholders from `lookup`; a missing value renders as nothing and is reported. */
export function renderTemplate(template: string, lookup: (name: string) => string | undefined): RenderResult {
  const missing: string[] = [];
  const text = template.replace(placeholder, (_all, name: string) => {
    const value = lookup(name);
    if (value === undefined || value.trim() === '') {
      missing.push(name);
      return '';
    }
    return value;
  });
  // Removing a value can leave doubled spaces or a space before punctuation.
  const tidy = missing.length
    ? text
        .replace(/[ \t]{2,}/g, ' ')
        .replace(/ ([,.?!;:])/g, '$1')
        .trim()
    : text;
  return { text: tidy, missing };
}
