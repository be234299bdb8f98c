// Languages: the switch between Chinese and English, kept across a reload, and the two string tables having the same keys.

import { join } from 'node:path';

export default function i18nTests(ctx) {
  const { test, base, stats, SHOTS, eq, newPage, ready, closePage } = ctx;

  test(30, 'language: the switch turns the UI to English, survives a reload, and back', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/overview`);
    await ready(page, 'overview');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en' && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    eq((await page.locator('#nav a[data-route="overview"]').textContent()).trim(), 'Overview', 'nav in English');
    eq((await page.locator('.card').count()), 10, 'cards after the switch');
    const cm = stats.tiers.flatMap((t) => t.clusters)[0];
    if (cm.name_en) eq((await page.locator(`.card[data-cluster="${cm.id}"] h3`).textContent()).trim(), cm.name_en, 'English cluster name');
    if (stats.demo_data) eq((await page.locator('.demo').textContent()).trim(), 'Demo data', 'demo mark in English');
    await page.screenshot({ path: join(SHOTS, 'overview-en-390.png'), fullPage: true });
    await page.reload();
    await ready(page, 'overview');
    eq(await page.getAttribute('html', 'lang'), 'en', 'language kept after reload');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    eq((await page.locator('#nav a[data-route="overview"]').textContent()).trim(), '概览', 'back to Chinese');
    await closePage(page);
  });

  test(80, 'strings: every UI string exists in Chinese and English', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/overview`);
    await ready(page, 'overview');
    const keys = await page.evaluate(async () => {
      const m = await import('/i18n.js');
      return { zh: [...m.STRING_KEYS].sort(), en: [...m.STRING_KEYS_EN].sort() };
    });
    eq(keys.en, keys.zh, 'the same keys in both languages');
    await closePage(page);
  });
}
