import {
  DEFAULT_SETTINGS,
  SECRET_NAMES,
  SETTINGS_SECTIONS,
  SettingsSchema,
  type SecretName,
  type Settings,
  type SettingsSection,
  type SettingsView,
} from '../../../shared/settings';
import type { Logger } from '../logging';
import type { AuditScope, SettingsRepository } from '../store';
import type { SecretStore } from './secret-store';

const sectionSchema = <S extends SettingsSection>(section: S) => SettingsSchema.shape[section];

/** Settings in SQLite (one JSON row per section) and secrets with the host's secret store. */
export class SettingsService {
  constructor(
    private readonly repo: SettingsRepository,
    private readonly secrets: SecretStore,
    private readonly log: Logger,
  ) {}

  get(): Settings {
    const stored = this.repo.all();
    const out = structuredClone(DEFAULT_SETTINGS);
    for (const section of SETTINGS_SECTIONS) {
      const raw = stored.get(section);
      if (raw === undefined) continue;
      const parsed = this.parseSection(section, raw);
      if (parsed !== undefined) Object.assign(out, { [section]: parsed });
    }
    return out;
  }

  private parseSection(section: SettingsSection, raw: string): unknown {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      this.log.error('stored settings section is not JSON; showing defaults, row kept as is', {
        section,
        err,
      });
      return undefined;
    }
    // Sections stored by an older version may lack newer fields: defaults fill them in.
    const merged = { ...DEFAULT_SETTINGS[section], ...(json as object) };
    const result = sectionSchema(section).safeParse(merged);
    if (!result.success) {
      this.log.error('stored settings section fails validation; showing defaults, row kept as is', {
        section,
        issues: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
      return undefined;
    }
    return result.data;
  }

  /** Stores a section, committed with the action's audit row. */
  update<S extends SettingsSection>(section: S, values: Settings[S], audit: AuditScope): SettingsView {
    audit.commit(() => this.repo.set(section, JSON.stringify(values)));
    return this.view();
  }

  setSecret(name: SecretName, value: string | null): SettingsView {
    if (value === null) this.secrets.delete(name);
    else this.secrets.set(name, value);
    return this.view();
  }

  /** For core services that need a secret (telephony, speech). Never sent to a renderer. */
  secret(name: SecretName): string | undefined {
    return this.secrets.get(name);
  }

  view(): SettingsView {
    const secrets = Object.fromEntries(SECRET_NAMES.map((n) => [n, this.secrets.has(n)])) as Record<
      SecretName,
      boolean
    >;
    return { settings: this.get(), secrets };
  }
}
