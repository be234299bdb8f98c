// Failures: unknown chains and routes, a failing or aborted API request; every case shows a message, never a blank page.

import { join } from 'node:path';

export default function errorsTests(ctx) {
  const { test, base, SHOTS, assert, eq, newPage, ready, closePage } = ctx;

  test(230, 'errors: failed or refused fetches show a message, never a blank page', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/chain/nope`);
    eq(await ready(page, 'chain'), 'error', 'unknown chain');
    assert(await page.locator('#view [role=alert]').isVisible(), 'message for an unknown chain');
    await page.route('**/api/v1/stats', (r) => r.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"boom","message":"server exploded"}}' }));
    await page.goto(`${base}/#/overview`);
    await page.reload();
    eq(await ready(page, 'overview'), 'error', 'overview with a failing API');
    assert((await page.textContent('.error')).includes('server exploded'), 'the server message is shown');
    await page.screenshot({ path: join(SHOTS, 'error-overview-390.png'), fullPage: true });
    await page.unroute('**/api/v1/stats');
    await page.click('.error button');
    await page.waitForFunction(() => ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq(await page.locator('.card').count(), 10, 'retry after the API recovers');
    await page.route('**/api/v1/heat*', (r) => r.abort());
    await page.goto(`${base}/#/map`);
    await ready(page, 'map');
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'error');
    assert(await page.locator('#map-status .error').isVisible(), 'message when the heat request fails');
    await page.goto(`${base}/#/nowhere`);
    eq(await ready(page, 'nowhere'), 'error', 'unknown route');
    await closePage(page, { allowProblems: true });
  });
}
