import { exportCountsText, type ExportCounts } from '../../../../shared/reports';

/** README.txt of a bundle: what is in it and how to check it, for an auditor without CallDeck. */
export function bundleReadme(o: {
  title: string;
  generatedAt: string;
  fingerprint: string;
  counts: ExportCounts;
}): string {
  return `CallDeck audit bundle
=====================

${o.title}
Made ${o.generatedAt}.
Holds ${exportCountsText(o.counts)}: the rows CallDeck counts for every format of this export
(manifest.json's "counts").
Signed with the CallDeck install's key ${o.fingerprint}

CHECK IT (Node.js 18 or newer, nothing to install):

  node verify.mjs THIS-FILE.zip --key ${o.fingerprint}

It exits 0 when everything holds; 1 naming what does not: a changed, missing or extra file,
a bad signature, a broken link in the audit-log slice, rows deleted from its end; 2 when the file
cannot be checked at all (not a zip, unreadable) or the command is wrong. \`calldeck audit
verify-bundle\` exits the same way. Use a copy of
verify.mjs you trust (e.g. the one from the first bundle you received, or CallDeck's own
\`calldeck audit verify-bundle FILE.zip\`); this bundle's copy is itself listed in the manifest.

WHY YOU CAN TRUST IT
- manifest.json lists every file with its size and SHA-256; manifest.sig is an Ed25519 signature
  of manifest.json by the install's signing key, whose public key and fingerprint are in the
  manifest. Someone who rewrites the manifest cannot sign it with that key: compare the fingerprint
  with the one CallDeck showed when the bundle was exported, or with the export's row in the
  install's audit log (audit/rows.jsonl holds it too).
- audit/rows.jsonl is the install's hash-chained audit log from the first row about this export's
  campaigns and lists to the newest row: rows about them in full, others as their hashes only
  ("withheld"), so every link can be followed up to the chain's anchored head (audit/head.json).
  Each row's hash is keyed (HMAC) with a key that never leaves the install, so rows cannot be
  forged offline; \`calldeck audit verify\` on the install checks those keys.

WHAT IS INSIDE
  report/                the report (the same rows as CallDeck's XLSX/CSV/HTML exports)
  calls.jsonl            one line per call: number, campaign, list, Do-Not-Call version, files
  recordings/            each call's recordings, copied byte for byte (Exotel's links expire);
                         a QA run's caller and bot audio in recordings/qa/, listed in qa_runs.jsonl
  transcripts/           one transcript per call: [media time] speaker: words
  audit/rows.jsonl       the audit-log slice;  audit/head.json: the anchored head at export
  provenance/lists.json  where each contact list came from: file name, size, SHA-256, who, when
  provenance/dnc.json    the Do-Not-Call register's versions and the exported numbers' changes
  provenance/campaigns.json  each campaign's settings, every move on it (audit rows cited), and
                         the contacts it did not dial with why (Do-Not-Call, missing variables, …)
  manifest.json, manifest.sig, README.txt, verify.mjs
`;
}
