// The API reference page (/api/docs) against /api/openapi.json, with its try-it form.

import { join } from 'node:path';

export default function docsTests(ctx) {
  const { test, base, SHOTS, DESKTOP, assert, eq, api, newPage, closePage } = ctx;

  test(170, 'API docs: every route of /api/openapi.json with parameters, enums and responses; try-it; English', async () => {
    const spec = await api('/api/openapi.json');
    const ops = Object.entries(spec.paths).flatMap(([p, item]) => Object.keys(item).map((m) => [p, m, item[m]]));
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/api/docs`);
    await page.waitForFunction(() => document.getElementById('docs').dataset.ready === 'ok');
    eq(await page.locator('section.op').count(), ops.length, 'one section per operation');
    for (const [p, m, op] of ops) {
      const sec = page.locator(`section.op[data-path="${p}"][data-method="${m}"]`);
      eq(await sec.locator('tr[data-param]').count(), (op.parameters || []).length, `${m} ${p} parameters`);
      eq(await sec.locator('.responses > div').count(), Object.keys(op.responses || {}).length, `${m} ${p} responses`);
    }
    const heat = page.locator('section.op[data-path="/api/v1/heat"]');
    assert((await heat.locator('tr[data-param="group"]').textContent()).includes('admin'), 'enum values shown');
    const region = page.locator('section.op[data-path="/api/v1/regions/{code}"]');
    await region.locator('details.try-it summary').click();
    eq(await region.locator('a.try-link').getAttribute('href'), '/api/v1/regions/320300', 'try-it link');
    await region.locator('form.try button[type=submit]').click();
    await region.locator('pre.try-body').waitFor();
    assert((await region.locator('pre.try-body').textContent()).includes('徐州市'), 'try-it shows the answer');
    await page.screenshot({ path: join(SHOTS, 'docs-1280.png') });
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en' && document.querySelector('#docs h1').textContent === 'API reference');
    await page.fill('#docs-filter', 'markers');
    eq(await page.locator('section.op:visible').count(), ops.filter(([p, m, o]) => `${m} ${p} ${o.summary || ''} ${o.description || ''} ${(o.parameters || []).map((x) => x.name).join(' ')}`.toLowerCase().includes('markers')).length, 'filter');
    await page.click('#lang');
    await closePage(page);
  });
}
