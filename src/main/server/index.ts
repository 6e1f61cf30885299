export {
  startServer,
  currentActor,
  SECRETS_FILE,
  type ServeOptions,
  type RunningServer,
} from './host-server';
export { buildProgram, main } from './program';
export { FileSecretStore, SecretFileError } from './file-secret-store';
export { createBridgeServer } from './bridge-server';
export { CONTENT_SECURITY_POLICY } from './static-files';
