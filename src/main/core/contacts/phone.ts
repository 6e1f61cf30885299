import { getCountryCallingCode, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/min';

/** The outcome of reading one phone cell: an E.164 number, or a reason a person understands. */
export type PhoneResult =
  { ok: true; e164: string; recovered?: 'excel-scientific' | 'excel-float' } | { ok: false; reason: string };

export type PhoneRegion = CountryCode;

const REGION_NAMES: Partial<Record<CountryCode, string>> = { IN: 'Indian' };
// Indian national numbers (mobile, or landline with its STD code) are 10 digits; other regions
// get libphonenumber's length verdict without a digit count promise.
const NATIONAL_LENGTH: Partial<Record<CountryCode, number>> = { IN: 10 };

// Invisible characters spreadsheets and CRMs leave around numbers.
const INVISIBLE = /[\u00a0\u2007\u202f\u200b-\u200d\u2060\ufeff]/g;
const SCIENTIFIC = /^\+?(\d+)(?:[.,](\d*))?[eE]\+?(\d+)$/;
const EXCEL_FLOAT = /^(\+?\d+)\.0+$/;
const EXCEL_ERROR = /^#(N\/A|VALUE!|REF!|NAME\?|DIV\/0!|NUM!|NULL!|SPILL!|CALC!)$/i;
const ALLOWED = /^\+?[\d\s.\-()/]+$/;
// A minus (or the Unicode minus sign) right before the first digit: how a negative number is written.
const NEGATIVE = /^[-\u2212]\s*\d/;

const fail = (reason: string): PhoneResult => ({ ok: false, reason });

/**
 * Recovers the digits of a number Excel displayed in scientific notation, only when the mantissa
 * still holds every digit (9.19876543210E+11); 9.19877E+11 lost digits and cannot be guessed.
 */
function fromScientific(m: RegExpExecArray): { digits: string } | { reason: string } {
  const intPart = (m[1] ?? '').replace(/^0+/, '');
  const frac = m[2] ?? '';
  const exp = Number(m[3]);
  if (frac.length > exp) return { reason: 'not a whole number (Excel scientific notation)' };
  if (frac.length < exp) {
    const kept = (intPart + frac).length;
    return {
      reason: `Excel scientific notation lost digits (only ${kept} of ${kept + exp - frac.length} digits kept)`,
    };
  }
  return { digits: intPart + frac };
}

function lengthReason(nationalDigits: number, region: CountryCode): string {
  const who = REGION_NAMES[region] ?? region;
  const expected = NATIONAL_LENGTH[region];
  if (expected !== undefined && nationalDigits < expected)
    return `${nationalDigits} digits: too short for an ${who} mobile`;
  if (expected !== undefined && nationalDigits > expected)
    return `${nationalDigits} digits: too long for an ${who} number`;
  return expected !== undefined ? `not a valid ${who} number` : `not a valid number for ${who}`;
}

/** Strips what spreadsheets add around a number: apostrophes, ="…" wrappers, invisible spaces. */
function unwrap(raw: string): string {
  let s = raw.replace(INVISIBLE, ' ').trim();
  const excelText = /^="(.*)"$/.exec(s);
  if (excelText) s = (excelText[1] ?? '').trim();
  s = s.replace(/^['\u2018\u2019`]+/, '').trim();
  return s;
}

/**
 * Reads one phone cell as typed by people and mangled by Excel, and returns E.164 or why not.
 * `region` is the default country for numbers written without a country code.
 */
export function normalisePhone(raw: string, region: PhoneRegion = 'IN'): PhoneResult {
  const fast = region === 'IN' ? fastIndianMobile(raw) : undefined;
  return fast !== undefined ? { ok: true, e164: fast } : normalisePhoneFull(raw, region);
}

/**
 * The fast path for the shape most rows of an Indian list have: a 10-digit mobile starting 6–9,
 * optionally after `+91`, `91` or `0`, with spaces or dashes between digits (`9876543210`,
 * `+91 98765-43210`, `09876543210`). libphonenumber takes ~7 µs a cell, which was most of a CSV
 * import's time; this takes ~0.2 µs. It only ever accepts: anything else returns undefined and goes
 * through the full path, which also writes every rejection reason. What it accepts it maps exactly as
 * the full path does (test/unit/contacts/phone-fast-path.test.ts compares the two over many generated
 * cells): such a cell passes every check of the full path, whose answer then depends only on the
 * digits and the leading `+`, and IN's metadata (libphonenumber-js/min) accepts every 10-digit
 * national number starting 2–9.
 */
export function fastIndianMobile(raw: string): string | undefined {
  const n = raw.length;
  if (n < 10 || n > 24) return undefined;
  const plus = raw.charCodeAt(0) === 43; // '+'
  let count = 0;
  let separators = false;
  for (let i = plus ? 1 : 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) count++;
    else if (c === 32 || (c === 45 && count > 0))
      separators = true; // ' ', '-' (a '-' before any digit is a minus sign: the full path's case)
    else return undefined;
  }
  if (count < 10 || count > 12) return undefined;
  const digits = separators ? raw.replace(/[^\d]/g, '') : plus ? raw.slice(1) : raw;
  const lead = (at: number) => {
    const c = digits.charCodeAt(at);
    return c >= 54 && c <= 57; // 6–9
  };
  const has91 = count === 12 && digits.startsWith('91') && lead(2);
  if (plus) return has91 ? `+${digits}` : undefined;
  if (count === 10 && lead(0)) return `+91${digits}`;
  if (count === 11 && digits.charCodeAt(0) === 48 && lead(1)) return `+91${digits.slice(1)}`;
  return has91 ? `+${digits}` : undefined;
}

/** The full path: every shape people and Excel produce, and a reason for every rejection. */
export function normalisePhoneFull(raw: string, region: PhoneRegion = 'IN'): PhoneResult {
  let s = unwrap(raw);
  if (s === '') return fail('empty phone');
  if (EXCEL_ERROR.test(s)) return fail(`Excel error value ${s.toUpperCase()}`);
  if (s.startsWith('=')) return fail('a formula, not a phone number');
  if (NEGATIVE.test(s)) return fail('a negative number: not a phone number');
  let recovered: 'excel-scientific' | 'excel-float' | undefined;
  const sci = SCIENTIFIC.exec(s);
  if (sci) {
    const r = fromScientific(sci);
    if ('reason' in r) return fail(r.reason);
    s = (s.startsWith('+') ? '+' : '') + r.digits;
    recovered = 'excel-scientific';
  }
  const float = EXCEL_FLOAT.exec(s);
  if (float) {
    s = float[1] ?? '';
    recovered = 'excel-float';
  }
  if (/[a-z]/i.test(s)) return fail('contains letters: not a phone number');
  const groups = s.split(/[/,;|]/).filter((g) => g.replace(/\D/g, '').length >= 7);
  if (groups.length > 1) return fail('more than one number in the cell: put each in its own row');
  if (!ALLOWED.test(s)) return fail('contains characters that are not part of a phone number');
  const digits = s.replace(/\D/g, '');
  if (digits === '') return fail('no digits in the phone');
  if (/^0+$/.test(digits)) return fail('all zeros: not a phone number');
  const plus = s.startsWith('+');
  let national = digits.length;
  try {
    const parsed = parsePhoneNumberWithError(plus ? `+${digits}` : digits, region);
    national = parsed.nationalNumber.length;
    if (parsed.isValid())
      return recovered ? { ok: true, e164: parsed.number, recovered } : { ok: true, e164: parsed.number };
    if (parsed.countryCallingCode !== getCountryCallingCode(region))
      return fail(`not a valid number for country code +${parsed.countryCallingCode}`);
  } catch (err) {
    const code = err instanceof Error ? err.message : '';
    if (code === 'INVALID_COUNTRY') return fail('unknown country code');
    if (code === 'TOO_SHORT') return fail(`${digits.length} digits: too short for a phone number`);
    if (code !== 'TOO_LONG' && code !== 'NOT_A_NUMBER') throw err;
  }
  return fail(lengthReason(national, region));
}

/**
 * Reads a phone cell whose spreadsheet value is a number, not text. Its displayed text may round a
 * fraction (9876543216.5 shown as 9876543217) or hide the sign (format `0;0`), so the value decides:
 * a phone number is a whole, non-negative number.
 */
export function normalisePhoneCell(
  text: string,
  numeric: number | undefined,
  region: PhoneRegion = 'IN',
): PhoneResult {
  if (numeric !== undefined) {
    if (numeric < 0) return fail(`the cell holds ${numeric}, a negative number: not a phone number`);
    if (!Number.isInteger(numeric))
      return fail(`the cell holds ${numeric}, not a whole number: not a phone number`);
  }
  return normalisePhone(text, region);
}
