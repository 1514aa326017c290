/**
 * Exercise mode, as a learner uses it: hide seq, ack and flags, fill them in
 * segment by segment for a handshake, check, read the explanation, and get a
 * score. The views do not give the answers away meanwhile.
 */
import { expect, test } from './fixtures';

test('an exercise on a handshake: fill in, check, explanation, score', async ({ app }, info) => {
  const page = app.page;
  await app.open();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(1000);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  await page.getByRole('button', { name: 'Exercise', exact: true }).click();
  const ex = page.locator('section.ex');
  await expect(ex.getByRole('checkbox', { name: 'seq' })).toBeChecked();
  await expect(ex.getByRole('checkbox', { name: 'window' })).not.toBeChecked();
  await ex.getByRole('button', { name: 'Start exercise' }).click();
  await expect(ex).toContainText('1 of 3');
  await expect(ex).toContainText('The client sends a segment');
  // The SYN: it carries no ACK, so only seq and flags are asked.
  await expect(ex.getByLabel('ack')).toHaveCount(0);
  // The timeline shows the fields asked as "?", on this segment and the ones after it.
  await expect(app.segment(/^client to server \[\?\] seq \? ack \?/)).toHaveCount(1);
  await expect(app.segment(/^client to server \[S\]/)).toHaveCount(0);
  // Its header stays hidden while it is asked.
  await page.evaluate(() => window.tcpPlayground!.session.select(0));
  await expect(page.getByText(/part of the exercise/)).toBeVisible();
  await ex.getByLabel('seq').fill('0');
  await ex.getByLabel('flags').fill('S');
  await ex.getByRole('button', { name: 'Check' }).click();
  await expect(ex.getByText('✓ right')).toHaveCount(2);
  await expect(ex.locator('.ex-explain')).toContainText('SYN');
  // Checked, the SYN shows its fields again.
  await expect(app.segment(/^client to server \[S\] seq 0\b/)).toHaveCount(1);
  await ex.getByRole('button', { name: 'Next segment' }).click();
  // The SYN,ACK, now on the timeline, with its fields hidden: one wrong answer.
  await expect(app.segment(/^server to client \[\?\] seq \?/)).toHaveCount(1);
  await expect(ex).toContainText('2 of 3');
  await expect(ex).toContainText('The server sends a segment');
  await ex.getByLabel('seq').fill('0');
  await ex.getByLabel('ack').fill('1');
  await ex.getByLabel('flags').fill('S');
  await ex.getByRole('button', { name: 'Check' }).click();
  await expect(ex.getByText('✗ the model: SA')).toBeVisible();
  await ex.getByRole('button', { name: 'Next segment' }).click();
  // The ACK.
  await ex.getByLabel('seq').fill('1');
  await ex.getByLabel('ack').fill('1');
  await ex.getByLabel('flags').fill('.');
  await ex.getByRole('button', { name: 'Check' }).click();
  await ex.getByRole('button', { name: 'See the score' }).click();
  await expect(ex.getByRole('status')).toHaveText('Score: 7 of 8 fields right.');
  // The exercise over, nothing is hidden.
  await expect(app.segment(/\?/)).toHaveCount(0);
  await app.shot(info, 'exercise-score');
});
