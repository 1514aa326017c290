/**
 * The page object the end-to-end specs use: find things by role and
 * accessible name, as a person (or a screen reader) would, and move virtual
 * time through the app's typed test hook (window.tcpPlayground) — never by
 * sleeping on the wall clock.
 */
import { expect, test as base, type Locator, type Page, type TestInfo } from '@playwright/test';

export type Side = 'client' | 'server';

export class Playground {
  constructor(
    readonly page: Page,
    readonly names: { client: string; server: string } = { client: 'Client', server: 'Server' },
  ) {}

  async open(locale: 'en' | 'zh' = 'en'): Promise<void> {
    await this.page.addInitScript((l) => localStorage.setItem('tcp-playground.lang', l), locale);
    await this.page.goto('/');
    await expect(this.page.getByRole('main')).toBeVisible();
  }

  region(side: Side): Locator {
    return this.page.getByRole('region', { name: this.names[side], exact: true });
  }

  button(side: Side, name: string): Locator {
    return this.region(side).getByRole('button', { name, exact: true });
  }

  async press(side: Side, name: string): Promise<void> {
    await this.button(side, name).click();
  }

  /** The endpoint's state as the app's session has it (the panels show the same text). */
  async state(side: Side): Promise<string> {
    return this.page.evaluate(
      (s) => window.tcpPlayground!.session.connOf(s)?.state ?? 'CLOSED',
      side,
    );
  }

  /** Every state the side went through, from the trace, up to the cursor. */
  async statesSeen(side: Side): Promise<string[]> {
    return this.page.evaluate((s) => {
      const session = window.tcpPlayground!.session;
      return session.world.trace.records
        .filter((r) => r.kind === 'state' && r.side === s && r.t <= session.cursor)
        .map((r) => (r.kind === 'state' ? r.to : ''));
    }, side);
  }

  /** Move virtual time to `ms` (running the simulation forward when needed), and wait for the page to show it. */
  async seek(ms: number): Promise<void> {
    await this.page.evaluate((t) => {
      const s = window.tcpPlayground!.session;
      s.pause();
      s.seek(t);
    }, ms);
  }

  async cursor(): Promise<number> {
    return this.page.evaluate(() => window.tcpPlayground!.session.cursor);
  }

  /** Timeline segments, by accessible name. */
  segment(name: string | RegExp): Locator {
    return this.page.getByRole('button', { name });
  }

  async shot(testInfo: TestInfo, name: string): Promise<void> {
    const path = testInfo.outputPath(`${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  }
}

export const test = base.extend<{ app: Playground }>({
  app: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => {
      // Object URLs (downloads, the PNG export) stay on the page; anything else must be local.
      const u = r.url();
      if (!u.startsWith('http://localhost') && !u.startsWith('blob:http://localhost'))
        problems.push(`request to another host: ${u}`);
    });
    await use(new Playground(page));
    expect(problems).toEqual([]);
  },
});

export { expect };
