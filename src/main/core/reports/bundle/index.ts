/** The audit bundle: a signed zip an auditor can check offline (verify.mjs inside it). */
export { bundleWriter, type BundleWriterDeps } from './bundle-writer';
export { bundleSigner, SigningKeyError, type BundleSigner } from './signing-key';
export {
  findBundleVerifier,
  readBundleAuditRows,
  verifyBundleFile,
  VERIFIER_FILE,
  type BundleAuditRow,
  type BundleVerifyResult,
} from './verifier';
export { BUNDLE_FORMAT, MANIFEST_FILE, SIGNATURE_FILE } from './bundle-zip';
