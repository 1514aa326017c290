/**
 * The first download's budget: the JavaScript the page loads before anything
 * is used stays within 150 KB gzipped. The web server of these tests serves the
 * production build in dist/, so this measures exactly what ships.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';

const dist = join(import.meta.dirname, '..', 'dist');

test('the initial JavaScript is at most 150 KB gzipped', async ({ page }) => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+\.js)"/g)].map(
    (m) => m[1]!,
  );
  expect(scripts.length).toBeGreaterThan(0);
  let bytes = 0;
  for (const s of scripts) bytes += gzipSync(readFileSync(join(dist, s.replace(/^\//, '')))).length;
  // The page these files make works: the app's heading shows.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'TCP Playground' })).toBeVisible();
  expect(bytes / 1024).toBeLessThanOrEqual(150);
});
