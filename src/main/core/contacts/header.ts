import { normalisePhone, type PhoneRegion } from './phone';

/** Finding the header row, guessing which column is which, and naming the rest as variables. */

const squash = (h: string): string => h.toLowerCase().replace(/[^a-z0-9]/g, '');

const PHONE_EXACT = new Set([
  'mobile',
  'mobileno',
  'mobilenumber',
  'mobilenum',
  'mob',
  'mobno',
  'phone',
  'phoneno',
  'phonenumber',
  'phonenum',
  'ph',
  'phno',
  'contact',
  'contactno',
  'contactnumber',
  'cell',
  'cellno',
  'cellphone',
  'cellnumber',
  'msisdn',
  'telephone',
  'tel',
  'telno',
  'whatsapp',
  'whatsappno',
  'whatsappnumber',
  'customermobile',
  'customerphone',
  'customercontact',
  'customermobileno',
  'customermobilenumber',
  'primaryphone',
  'primarymobile',
  'registeredmobile',
  'registeredmobileno',
  'registeredmobilenumber',
  'landline',
  'number',
  'phonenumbers',
  'mobilenos',
]);
const PHONE_WORDS = /mobile|phone|contactn|cell|msisdn|whatsapp|tel(no|ephone)?$/;
const SECONDARY = /alt|alternate|secondary|other|2$|office|landline|fax/;

const NAME_EXACT = new Set([
  'name',
  'customername',
  'fullname',
  'customer',
  'clientname',
  'client',
  'borrowername',
  'borrower',
  'contactname',
  'contactperson',
  'accountname',
  'applicantname',
  'membername',
  'custname',
  'cname',
  'leadname',
  'patientname',
  'studentname',
]);

function phoneScore(header: string): number {
  const h = squash(header);
  if (h === '') return 0;
  const secondary = SECONDARY.test(h) ? -1 : 0;
  if (PHONE_EXACT.has(h)) return 3 + secondary;
  if (PHONE_WORDS.test(h) && !h.includes('name')) return 2 + secondary;
  return 0;
}

function nameScore(header: string): number {
  const h = squash(header);
  if (NAME_EXACT.has(h)) return 3;
  if (h.endsWith('name') && !/user|file|company|branch|bank|father|mother|spouse|agent/.test(h)) return 2;
  return 0;
}

const bestBy = (headers: readonly string[], score: (h: string) => number): number | null => {
  let best: number | null = null;
  let bestScore = 0;
  headers.forEach((h, i) => {
    const s = score(h);
    if (s > bestScore) {
      best = i;
      bestScore = s;
    }
  });
  return best;
};

const isBlank = (cells: readonly string[]): boolean => cells.every((c) => c.trim() === '');

/**
 * Index (into `rows`) of the header row, or null when the file has none (its first row already holds
 * a phone number). Title rows above a header ("Customer list, March") are skipped.
 */
export function detectHeaderRow(rows: readonly (readonly string[])[], region: PhoneRegion): number | null {
  const candidates = rows
    .map((cells, i) => ({ cells, i }))
    .filter((r) => !isBlank(r.cells))
    .slice(0, 20);
  const withPhoneHeader = candidates.find((r) => r.cells.some((c) => phoneScore(c) >= 2));
  if (withPhoneHeader) return withPhoneHeader.i;
  const first = candidates[0];
  if (!first) return null;
  if (first.cells.some((c) => /\d{5}/.test(c) && normalisePhone(c, region).ok)) return null;
  return first.i;
}

/** Guesses phone and name columns from header names, then (for phone) from the sample's content. */
export function guessColumns(
  headers: readonly string[],
  sample: readonly (readonly string[])[],
  region: PhoneRegion,
): { phone: number | null; name: number | null } {
  let phone = bestBy(headers, phoneScore);
  if (phone === null && sample.length > 0) {
    let bestHits = 0;
    headers.forEach((_, col) => {
      const hits = sample.filter((r) => normalisePhone(r[col] ?? '', region).ok).length;
      if (hits > bestHits && hits >= sample.length / 2) {
        phone = col;
        bestHits = hits;
      }
    });
  }
  const name = bestBy(
    headers.map((h, i) => (i === phone ? '' : h)),
    nameScore,
  );
  return { phone, name };
}

const RESERVED = new Set(['phone', 'name']);

/** A header as a template variable name: "Loan ID" → loan_id, "1st EMI" → _1st_emi. */
export function variableKey(header: string, column: number, taken: Set<string>): string {
  let key = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  if (key === '') key = `column_${column + 1}`;
  if (/^\d/.test(key)) key = `_${key}`;
  let unique = key;
  for (let n = 2; taken.has(unique) || RESERVED.has(unique); n++) unique = `${key}_${n}`;
  taken.add(unique);
  return unique;
}
