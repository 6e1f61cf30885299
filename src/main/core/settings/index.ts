export { SettingsService } from './settings-service';
export { MemorySecretStore, type SecretStore } from './secret-store';
