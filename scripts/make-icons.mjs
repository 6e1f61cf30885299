// Renders resources/icon.svg to the PNG sizes electron-builder needs, with Debian's Chromium.
// Run by hand after changing the SVG (`node scripts/make-icons.mjs`); the PNGs are committed.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..');
const svg = fs.readFileSync(path.join(root, 'resources', 'icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{width:${size}px;height:${size}px;display:block}</style>${svg}`,
    );
    const out =
      size === 1024
        ? path.join(root, 'resources', 'icon.png')
        : path.join(root, 'resources', 'icons', `${size}x${size}.png`);
    await page.screenshot({ path: out, omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log('icons written to resources/');
