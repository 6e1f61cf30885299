import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script with no type declarations
import { builtModuleAbi, electronAbi, electronBinary } from '../../../scripts/native-abi.mjs';
import { makeTempDir } from '../../helpers/temp-dir';

const root = path.resolve(__dirname, '../../..');
const abiOf = builtModuleAbi as (file: string) => number | null;

// `npm start` once cached a better-sqlite3 built against Node's headers as the Electron copy, and
// Electron then failed at start. The helper now reads a built addon's ABI before using or caching it.
describe('native module ABI checks (npm start helper)', () => {
  it("reads the ABI of the Node build of better-sqlite3 as this Node's", () => {
    const nodeBuild = path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(abiOf(nodeBuild)).toBe(Number(process.versions.modules));
  });

  it("knows Electron's ABI, which differs from Node's: a Node build is never taken for Electron's", () => {
    const wanted = (electronAbi as (root: string) => number)(root);
    expect(Number.isInteger(wanted)).toBe(true);
    expect(wanted).not.toBe(Number(process.versions.modules));
  });

  it('says null for a file that is not an addon', () => {
    const { dir, cleanup } = makeTempDir();
    const file = path.join(dir, 'fake.node');
    fs.writeFileSync(file, 'not an addon');
    expect(abiOf(file)).toBeNull();
    cleanup();
  });

  it('tells whether the Electron binary is installed, without downloading it', () => {
    const { dir, cleanup } = makeTempDir();
    const pkg = path.join(dir, 'node_modules/electron');
    fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"electron","version":"45.0.0"}');
    const probe = electronBinary as (root: string) => { present: boolean };
    expect(probe(dir).present).toBe(false); // the download never wrote path.txt
    fs.writeFileSync(path.join(pkg, 'path.txt'), 'electron');
    expect(probe(dir).present).toBe(false); // path.txt, but no binary
    fs.writeFileSync(path.join(pkg, 'dist/electron'), '');
    expect(probe(dir).present).toBe(true);
    cleanup();
  });
});
