import { expect, test } from '@playwright/test';

test('home page shows the app heading', async ({ page }, testInfo) => {
  const problems: string[] = [];
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  await page.goto('/');

  await expect(page).toHaveTitle('TCP Playground');
  await expect(page.getByRole('heading', { level: 1, name: 'TCP Playground' })).toBeVisible();

  const screenshotPath = testInfo.outputPath('home.png');
  await page.screenshot({ path: screenshotPath, fullPage: true });
  await testInfo.attach('home', { path: screenshotPath, contentType: 'image/png' });

  expect(problems).toEqual([]);
});
