/** The composition root: builds the core from one config, for every host and CLI command. */
export { createCore, type Core, type CoreConfig } from './create-core';
export { DATA_TOOL, FULL_APP, VOICEBOT_TOOL, type CoreProfile } from './profile';
export { verifyAuditChain, compareBundleWithChain, NoDatabaseError } from './verify-audit';
export { readAuditPage } from './read-audit';
export { restoreCopy, type RestoreCopyResult } from './restore-copy';
