// Serving: the index and the static files with their content types and cache headers, the JSON 404 of unknown
// paths, and the plain-text /summary.

export default function servingTests(ctx) {
  const { test, base, assert, eq } = ctx;

  test(10, 'serving: index, files with content types and cache headers, JSON 404', async () => {
    let r = await fetch(`${base}/`);
    eq(r.status, 200, 'GET /');
    assert(r.headers.get('content-type').startsWith('text/html'), 'index is HTML');
    assert(r.headers.get('cache-control') === 'no-cache', 'index is revalidated');
    assert((r.headers.get('content-security-policy') || '').includes("default-src 'self'"), 'CSP keeps the page offline');
    const etag = r.headers.get('etag');
    r = await fetch(`${base}/`, { headers: { 'If-None-Match': etag } });
    eq(r.status, 304, 'conditional GET');
    r = await fetch(`${base}/vendor/maplibre-gl/maplibre-gl.mjs`);
    assert(r.headers.get('content-type').startsWith('text/javascript'), 'module content type');
    assert(/max-age=\d+/.test(r.headers.get('cache-control')), 'vendor files are cached');
    r = await fetch(`${base}/geo/xuzhou_districts.geojson`);
    eq(r.headers.get('content-type'), 'application/geo+json', 'boundary content type');
    eq((await r.json()).features.length, 10, 'Xuzhou districts');
    for (const p of ['/nope.html', '/views/nope.js', '/api/v2/x', '/geo/china_prefectures.geojson']) {
      r = await fetch(base + p);
      eq(r.status, 404, p);
      eq((await r.json()).error.code, 'not_found', `${p} JSON error`);
    }
    r = await fetch(`${base}/summary`);
    assert((await r.text()).includes('工程机械'), '/summary still lists the clusters');
  });
}
