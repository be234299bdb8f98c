// The shared context the view files receive: the running server and browser, the accounts, the session functions,
// the assertions, the shared helpers, what the API says before any test (stats, taxonomy), and `shared`, a small
// object for the few values one test leaves for a later one.

import { chromium } from 'playwright-core';
import { waitFor, assert, eq, digits } from './check.mjs';
import { checkTools, startServer, USERS, SHOTS, CHROMIUM } from './server.mjs';
import { makeSessions, MOBILE, DESKTOP } from './sessions.mjs';
import { makeHelpers } from './helpers.mjs';

let server = null;
let browser = null;

/** Checks the binary and Chromium, creates the store and starts the server; exits with the count line if it cannot. */
export async function prepare() {
  checkTools();
  server = await startServer();
}

/**
 * Waits for the server, launches Chromium, adds the enterprise account and builds the context. Throws when any of it
 * fails (the runner reports that as the failed "setup").
 */
export async function connect() {
  const { base } = server;
  await waitFor(async () => (await fetch(`${base}/api/v1/health`)).ok, 180000, `the server on ${base}`).catch((e) => {
    throw new Error(`${e.message}\n${server.log()}`);
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const sessions = makeSessions({ base, USERS, browser });
  const { api } = sessions;
  const stats = await api('/api/v1/stats');
  const tax = await api('/api/v1/taxonomy');
  // The enterprise user: a local enterprise registered in 铜山区 itself (not one of its zones), so that its land
  // requests go to the natural-resources bureau and its 板块 is one of officer1's.
  const tongshan = await (await fetch(`${base}/api/v1/enterprises?local=true&region=320312&limit=100`)).json();
  const ent = tongshan.items.find((e) => e.region && e.region.code === '320312');
  assert(ent, 'a local enterprise in 320312');
  USERS.ent1.enterprise = ent.id;
  USERS.ent1.enterpriseName = ent.name;
  server.addUser('ent1');

  const helpers = makeHelpers({ base, authFetch: sessions.authFetch, assert });
  return {
    base, USERS, stats, tax, SHOTS, MOBILE, DESKTOP,
    waitFor, assert, eq, digits,
    ...sessions,
    ...helpers,
    shared: { loopTicket: null },
  };
}

/** Closes Chromium, stops the server and removes its data directory. */
export async function cleanup() {
  try { if (browser) await browser.close(); } catch { /* ignore */ }
  if (server) server.stop();
}
