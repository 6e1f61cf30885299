import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

// Packaging cannot run here (it downloads Electron): check the fuses the packager will flip, by
// name against app-builder-lib's own schema, so a misspelt key cannot be silently ignored.

const require = createRequire(import.meta.url);
const root = path.resolve(__dirname, '../../..');

describe('Electron fuses in electron-builder.yml', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, and locks the app to its checked asar', () => {
    const config = YAML.parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as {
      electronFuses?: Record<string, unknown>;
      asar?: boolean;
    };
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
    const schema = JSON.parse(
      fs.readFileSync(
        path.join(path.dirname(require.resolve('app-builder-lib/package.json')), 'scheme.json'),
        'utf8',
      ),
    ) as { definitions: { FuseOptionsV1: { properties: Record<string, { type: string }> } } };
    const known = schema.definitions.FuseOptionsV1.properties;
    for (const key of Object.keys(config.electronFuses ?? {})) expect(known[key]?.type, key).toBe('boolean');
  });

  it('nothing in the app starts its own binary as Node (RunAsNode is off)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(entry.name) && fs.readFileSync(file, 'utf8').includes('ELECTRON_RUN_AS_NODE'))
          offenders.push(path.relative(root, file));
      }
    };
    walk(path.join(root, 'src'));
    expect(offenders).toEqual([]);
  });
});
