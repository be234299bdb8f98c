// The map (#/map): heat cells and their legend against /api/v1/heat, filters in the address, markers, layers,
// scopes and what a click opens.

import { join } from 'node:path';

export default function mapTests(ctx) {
  const { test, base, tax, SHOTS, MOBILE, DESKTOP, assert, eq, digits, api, newPage, ready, closePage, viewAttr } = ctx;

  // The legend's classes must partition the API's values, and the layer must be coloured by the same breaks.
  async function checkHeat(page, query) {
    const geo = await api(`/api/v1/heat?${query}&format=geojson`);
    eq(Number(await page.evaluate(() => document.getElementById('view').dataset.cells)), geo.features.length, 'cells drawn = cells returned');
    const classes = await page.$$eval('#legend li.class', (els) => els.map((e) => ({ ...e.dataset })));
    if (!geo.features.length) {
      eq(classes.length, 0, 'no classes without cells');
      return { geo, classes };
    }
    assert(classes.length >= 1 && classes.length <= 5, `1–5 legend classes, got ${classes.length}`);
    const values = geo.features.map((f) => f.properties.value);
    let total = 0;
    for (const c of classes) {
      const lo = Number(c.lo);
      const next = c.next === '' ? Infinity : Number(c.next);
      const n = values.filter((v) => v >= lo && v < next).length;
      eq(Number(c.cells), n, `legend class ${c.lo}–${c.next || c.max} count`);
      total += n;
    }
    eq(total, values.length, 'classes cover every value');
    eq(Math.min(...values), Number(classes[0].lo), 'first class starts at the minimum');
    eq(Math.max(...values), Number(classes[0].max), 'last class ends at the maximum');
    const mapState = await page.evaluate(() => document.getElementById('view').dataset.map);
    if (mapState === 'ready') {
      const drawn = await page.evaluate(() => {
        const m = window.__chainscopeMap;
        return { fill: m.getPaintProperty('heat-fill', 'fill-color'), n: m.getSource('heat').serialize().data.features?.length };
      });
      if (classes.length > 1) {
        const breaks = drawn.fill.slice(3).filter((_, i) => i % 2 === 0);
        eq(breaks, classes.slice(1).map((c) => Number(c.lo)), 'layer breaks = legend breaks');
        const colours = [drawn.fill[2], ...drawn.fill.slice(3).filter((_, i) => i % 2 === 1)];
        eq(colours, classes.map((c) => c.color), 'layer colours = legend colours');
      }
    }
    return { geo, classes };
  }

  test(40, 'map: heat cells, legend classes matching the values, filter in the URL, cell click', async () => {
    const page = await newPage(DESKTOP);
    await page.goto(`${base}/#/map`);
    eq(await ready(page, 'map'), 'ok', 'map ready');
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'ok');
    await page.waitForFunction(() => document.getElementById('view').dataset.map, null, { timeout: 20000 }).catch(() => {});
    const mapState = await page.evaluate(() => document.getElementById('view').dataset.map);
    assert(mapState === 'ready', `MapLibre drew the map (state ${mapState})`);
    await checkHeat(page, 'group=h3&res=7&weight=count&region=320300');
    await page.waitForFunction(() => window.__chainscopeMap && window.__chainscopeMap.loaded(), null, { timeout: 20000 });
    await page.screenshot({ path: join(SHOTS, 'map-all-1280.png') });

    // Filter: one cluster, local enterprises only.
    const cluster = tax.clusters[0].id;
    await page.selectOption('#f-cluster', cluster);
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'ok');
    await page.selectOption('#f-local', 'true');
    await page.waitForFunction((c) => location.hash.includes(`cluster=${c}`) && location.hash.includes('local=true') && document.getElementById('view').dataset.heat === 'ok', cluster);
    const { geo } = await checkHeat(page, `group=h3&res=7&weight=count&region=320300&cluster=${cluster}&local=true`);
    assert(geo.features.length > 0, 'the filtered map is not empty');
    const summary = await page.textContent('#map-status');
    const total = geo.features.reduce((s, f) => s + f.properties.count, 0);
    assert(summary.replace(/,/g, '').includes(String(total)), `status shows ${total} enterprises: ${summary}`);

    // Clicking the hottest cell on the map shows its count and lists its records (markers off: they sit on top).
    await page.uncheck('#layer-markers');
    const top = [...geo.features].sort((a, b) => b.properties.value - a.properties.value)[0];
    await page.waitForFunction(() => window.__chainscopeMap.loaded(), null, { timeout: 20000 });
    const px = await page.evaluate((f) => {
      const m = window.__chainscopeMap;
      const ring = f.geometry.coordinates[0].slice(0, -1);
      const c = ring.reduce((a, p) => [a[0] + p[0] / ring.length, a[1] + p[1] / ring.length], [0, 0]);
      m.jumpTo({ center: c, zoom: 10 });
      return new Promise((ok) => m.once('idle', () => {
        const p = m.project(c);
        const r = m.getCanvas().getBoundingClientRect();
        ok({ x: r.left + p.x, y: r.top + p.y });
      }));
    }, top);
    await page.mouse.click(px.x, px.y);
    await page.waitForSelector('.maplibregl-popup', { timeout: 5000 });
    eq(digits(await page.textContent('#cell-count')), top.properties.count, 'clicked cell count');
    assert((await page.textContent('.maplibregl-popup')).includes(String(top.properties.count)), 'popup shows the count');
    await page.waitForSelector('#cell-records[data-total]');
    const cellPage = await api(`/api/v1/enterprises?cluster=${cluster}&local=true&region=320300&cell=${top.id}&limit=20`);
    eq(Number(await page.getAttribute('#cell-records', 'data-total')), top.properties.count, 'the cell panel counts the records of the cell');
    eq(cellPage.total, top.properties.count, 'API: records in the cell = the cell count');
    eq(await page.$$eval('#cell-records li a', (as) => as.map((a) => a.getAttribute('href'))), cellPage.items.map((e) => `#/enterprise/${e.id}`), 'the panel links each record to its profile');
    await page.screenshot({ path: join(SHOTS, 'map-filtered-click-1280.png') });

    // The URL restores the filters.
    const hash = await page.evaluate(() => location.hash);
    await page.goto(`${base}/${hash}`);
    await page.reload();
    await ready(page, 'map');
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'ok');
    eq(await page.inputValue('#f-cluster'), cluster, 'cluster restored from the URL');
    eq(await page.inputValue('#f-local'), 'true', 'local restored from the URL');
    await checkHeat(page, `group=h3&res=7&weight=count&region=320300&cluster=${cluster}&local=true`);

    // Weight and resolution change the classes, not the agreement.
    await page.selectOption('#f-weight', 'employees');
    await page.waitForFunction(() => location.hash.includes('weight=employees') && document.getElementById('view').dataset.heat === 'ok');
    await page.selectOption('#f-res', '6');
    await page.waitForFunction(() => location.hash.includes('res=6') && document.getElementById('view').dataset.heat === 'ok');
    await checkHeat(page, `group=h3&res=6&weight=employees&region=320300&cluster=${cluster}&local=true`);

    // A wider area: all of China, coarser cells, no cluster.
    await page.click('#f-reset');
    await page.waitForFunction(() => !location.hash.includes('cluster=') && document.getElementById('view').dataset.heat === 'ok');
    await page.selectOption('#f-region', 'CN');
    await page.waitForFunction(() => location.hash.includes('region=CN') && document.getElementById('view').dataset.heat === 'ok');
    await page.selectOption('#f-res', '5');
    await page.waitForFunction(() => location.hash.includes('res=5') && document.getElementById('view').dataset.heat === 'ok');
    await checkHeat(page, 'group=h3&res=5&weight=count&region=CN');
    await page.waitForFunction(() => window.__chainscopeMap.loaded(), null, { timeout: 20000 });
    await page.screenshot({ path: join(SHOTS, 'map-china-1280.png') });
    await closePage(page);
  });

  test(50, 'map at 390 px: legend and top cells readable, English', async () => {
    const page = await newPage(MOBILE);
    await page.goto(`${base}/#/overview`);
    await ready(page, 'overview');
    await page.click('#lang');
    await page.goto(`${base}/#/map?tier=${tax.tiers[0].id}`);
    await page.reload();
    await ready(page, 'map');
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'ok');
    await checkHeat(page, `group=h3&res=7&weight=count&region=320300&tier=${tax.tiers[0].id}`);
    eq((await page.locator('#legend h2').textContent()).startsWith('Legend'), true, 'legend in English');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow})`);
    await page.waitForFunction(() => window.__chainscopeMap && window.__chainscopeMap.loaded(), null, { timeout: 20000 });
    await page.screenshot({ path: join(SHOTS, 'map-en-390.png'), fullPage: true });
    await closePage(page);
  });

  test(150, 'map: scopes, layers (parks, carriers, hubs), markers drawn = API markers, clicks open records and profiles', async () => {
    const [parks, hubs] = await Promise.all([api('/api/v1/parks'), api('/api/v1/hubs')]);
    const nParks = parks.items.filter((p) => p.kind === 'park').length;
    const nCarriers = parks.items.filter((p) => p.kind !== 'park' && p.has_space).length;
    const nHubs = hubs.items.filter((x) => x.lat !== null && x.lon !== null).length;
    const page = await newPage({ width: 1024, height: 720 });
    await page.goto(`${base}/#/map?at=12/34.265/117.19`);
    eq(await ready(page, 'map'), 'ok', 'map ready');
    await page.waitForFunction(() => document.getElementById('view').dataset.markersState === 'ok', null, { timeout: 20000 });
    eq(Number(await viewAttr(page, 'places')), nParks + nCarriers + nHubs, 'park, carrier and hub symbols');
    // Markers: what is drawn is what the API returned for this view.
    const q = await viewAttr(page, 'markersQuery');
    const m = await api(`/api/v1/markers?${q}`);
    assert(m.markers.length > 0, 'markers in view');
    eq(Number(await viewAttr(page, 'markers')), m.markers.length, 'markers drawn = markers returned');
    const feats = await page.evaluate(() => window.__chainscopeMap.getSource('markers').serialize().data.features.map((f) => ({ ...f.properties, c: f.geometry.coordinates })));
    eq(feats.map((f) => f.cell).sort(), m.markers.map((x) => x.cell).sort(), 'one circle per returned cell');
    eq(feats.reduce((s, f) => s + f.count, 0), m.markers.reduce((s, x) => s + x.count, 0), 'counts add up');
    // No pile of overlapping circles: circles further apart than twice the smallest radius never overlap.
    const px = await page.evaluate((fs) => fs.map((f) => { const p = window.__chainscopeMap.project(f.c); return [p.x, p.y, f.r]; }), feats);
    let overlaps = 0;
    for (let i = 0; i < px.length; i++) for (let j = i + 1; j < px.length; j++) {
      const dd = Math.hypot(px[i][0] - px[j][0], px[i][1] - px[j][1]);
      if (dd >= 9 && px[i][2] + px[j][2] > dd + 0.5) overlaps += 1;
    }
    eq(overlaps, 0, 'overlapping circles');
    await page.waitForFunction(() => window.__chainscopeMap.loaded(), null, { timeout: 20000 });
    await page.screenshot({ path: join(SHOTS, 'map-markers-1280.png') });
    // Click the cluster nearest the centre: its records in the panel.
    const centre = await page.evaluate(() => { const c = window.__chainscopeMap.getCenter(); return [c.lng, c.lat]; });
    const cluster = feats.filter((f) => f.count > 1).sort((a, b) => Math.hypot(a.c[0] - centre[0], a.c[1] - centre[1]) - Math.hypot(b.c[0] - centre[0], b.c[1] - centre[1]))[0];
    const clickAt = async (lngLat) => {
      const p = await page.evaluate((ll) => { const pt = window.__chainscopeMap.project(ll); const r = window.__chainscopeMap.getCanvas().getBoundingClientRect(); return { x: r.left + pt.x, y: r.top + pt.y }; }, lngLat);
      await page.mouse.click(p.x, p.y);
    };
    if (cluster) {
      await clickAt(cluster.c);
      await page.waitForFunction((c) => document.getElementById('cell-info').dataset.cell === c && document.querySelector('#cell-records[data-total]'), cluster.cell);
      const recs = await api(`/api/v1/enterprises?region=320300&cell=${cluster.cell}&limit=20`);
      eq(Number(await page.getAttribute('#cell-records', 'data-total')), recs.total, 'cluster panel total = API');
      eq(recs.total, cluster.count, 'API: records in the cluster cell = marker count');
      eq(await page.locator('#cell-records li').count(), recs.items.length, 'records listed');
    }
    // A single enterprise: a popup linking to its profile.
    const near = (a, b) => Math.hypot(a.c[0] - centre[0], a.c[1] - centre[1]) - Math.hypot(b.c[0] - centre[0], b.c[1] - centre[1]);
    const single = feats.filter((f) => f.count === 1 && f.id >= 0).sort(near)[0];
    if (single) {
      await page.$$eval('.maplibregl-popup-close-button', (bs) => bs.forEach((b) => b.click()));
      await clickAt(single.c);
      await page.waitForSelector('.maplibregl-popup .popup-link');
      eq(await page.getAttribute('.maplibregl-popup .popup-link', 'href'), `#/enterprise/${single.id}`, 'popup links to the profile');
      eq((await page.textContent('.maplibregl-popup .popup-link')).trim(), single.name, 'popup names the enterprise');
    }
    // Layers: switching one off hides it and is kept in the URL.
    await page.uncheck('#layer-parks');
    await page.waitForFunction(() => location.hash.includes('layers='));
    eq(Number(await viewAttr(page, 'places')), nCarriers + nHubs, 'parks hidden');
    await page.uncheck('#layer-markers');
    await page.waitForFunction(() => document.getElementById('view').dataset.markersState === 'off');
    eq(await page.evaluate(() => window.__chainscopeMap.getLayoutProperty('markers-circle', 'visibility')), 'none', 'markers hidden');
    await page.check('#layer-parks');
    await page.check('#layer-markers');
    // Clicking a park opens its profile.
    const park = parks.items.find((p) => p.id === 'park-xzedz');
    await page.evaluate((p) => window.__chainscopeMap.jumpTo({ center: [p.lon, p.lat], zoom: 13 }), park);
    // The markers of the view after the jump (its query has zoom 13): the ones drawn before it (zoom 12) say ok too.
    await page.waitForFunction(() => window.__chainscopeMap.loaded() && ((d) => d.markersState === 'ok' && (d.markersQuery || '').includes('zoom=13.00'))(document.getElementById('view').dataset), null, { timeout: 20000 });
    await clickAt([park.lon, park.lat]);
    await page.waitForFunction(() => location.hash === '#/park/park-xzedz' && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset));
    // Scopes: China, then Xuzhou; a district with no cell under the pointer opens its region profile.
    await page.goto(`${base}/#/map`);
    await ready(page, 'map');
    await page.waitForFunction(() => document.getElementById('view').dataset.heat === 'ok');
    await page.click('#scope-CN');
    await page.waitForFunction(() => location.hash.includes('region=CN') && document.getElementById('view').dataset.heat === 'ok');
    eq(await page.getAttribute('#scope-CN', 'aria-pressed'), 'true', 'scope button pressed');
    eq(await page.inputValue('#f-res'), '5', 'a coarser grid for China');
    await checkHeat(page, 'group=h3&res=5&weight=count&region=CN');
    await page.click('#scope-320300');
    await page.waitForFunction(() => !location.hash.includes('region=') && document.getElementById('view').dataset.heat === 'ok');
    await page.waitForFunction(() => window.__chainscopeMap.loaded() && !window.__chainscopeMap.isMoving(), null, { timeout: 20000 });
    const spot = await page.evaluate(() => {
      const m = window.__chainscopeMap;
      const c = m.getCanvas();
      const w = c.clientWidth, hh = c.clientHeight;
      for (let y = 40; y < hh - 40; y += 12) for (let x = 260; x < w - 60; x += 12) {
        const hit = (ls) => m.queryRenderedFeatures([x, y], { layers: ls }).length > 0;
        if (hit(['districts-fill']) && !hit(['heat-fill', 'places-symbol', 'markers-circle'])) {
          const r = c.getBoundingClientRect();
          return { x: r.left + x, y: r.top + y, code: m.queryRenderedFeatures([x, y], { layers: ['districts-fill'] })[0].properties.code };
        }
      }
      return null;
    });
    assert(spot, 'a district spot without a heat cell');
    await page.mouse.click(spot.x, spot.y);
    await page.waitForFunction((c) => location.hash === `#/region/${c}` && ((d) => d.ready === 'ok' && d.hash === location.hash)(document.getElementById('view').dataset), spot.code);
    await closePage(page);
  });
}
