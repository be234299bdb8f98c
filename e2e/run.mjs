// Browser tests: start the real `chainscope serve` on a free loopback port with a temporary data directory, drive
// Debian's Chromium with Playwright and check that what the app draws matches what the API returns.
// Usage: node e2e/run.mjs [view …] [--list]
//   Without a view every test runs. With views (the file names under e2e/views/, e.g. `leads project`) only the tests
//   of those files run, still in their places in the whole sequence. --list prints the tests (order, view, name)
//   and starts nothing.
//   CHAINSCOPE_BIN overrides target/debug/chainscope; CHROMIUM overrides /usr/bin/chromium; E2E_ONLY=regex runs only
//   the tests whose name matches.
// Ends with "N passed, M failed"; exits non-zero when a test failed.
// e2e/lib/ holds the shared pieces (server and accounts, sessions, helpers, the registry); e2e/views/ the tests, one
// file per view. Each view file exports a function that registers its tests with an order number; the tests share
// one server and some use data earlier ones wrote, so they run by that number, whichever files are chosen.

import { createRegistry } from './lib/registry.mjs';
import { prepare, connect, cleanup } from './lib/context.mjs';
import { SHOTS } from './lib/server.mjs';
import serving from './views/serving.mjs';
import overview from './views/overview.mjs';
import i18n from './views/i18n.mjs';
import map from './views/map.mjs';
import chain from './views/chain.mjs';
import list from './views/list.mjs';
import enterprise from './views/enterprise.mjs';
import park from './views/park.mjs';
import region from './views/region.mjs';
import search from './views/search.mjs';
import docs from './views/docs.mjs';
import leads from './views/leads.mjs';
import siteplan from './views/siteplan.mjs';
import market from './views/market.mjs';
import mobile from './views/mobile.mjs';
import errors from './views/errors.mjs';
import dashboard from './views/dashboard.mjs';
import events from './views/events.mjs';
import pipeline from './views/pipeline.mjs';
import project from './views/project.mjs';
import report from './views/report.mjs';
import account from './views/account.mjs';
import tickets from './views/tickets.mjs';
import service from './views/service.mjs';
import admin from './views/admin.mjs';
import policies from './views/policies.mjs';
import targets from './views/targets.mjs';

// The view files by the name given on the command line (a new file is added here too).
const VIEWS = {
  serving, overview, i18n, map, chain, list, enterprise, park, region, search, docs, leads, siteplan, market, mobile,
  errors, dashboard, events, pipeline, project, report, account, tickets, service, admin, policies, targets,
};

const args = process.argv.slice(2);
const listOnly = args.includes('--list');
const chosen = args.filter((a) => a !== '--list');
const unknown = chosen.filter((v) => !Object.hasOwn(VIEWS, v));
if (unknown.length) {
  console.error(`unknown view${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the views are: ${Object.keys(VIEWS).join(' ')}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const views = chosen.length ? Object.keys(VIEWS).filter((v) => chosen.includes(v)) : Object.keys(VIEWS);

const results = [];
/** Registers the tests of the chosen views with `ctx` (what each file destructures) and returns the registry. */
function register(ctx) {
  const registry = createRegistry(results);
  for (const v of views) VIEWS[v]({ ...ctx, test: registry.testFor(v) });
  return registry;
}

// A first pass before anything starts, with an empty context (the files only define their tests): it catches a
// clash of order numbers at once, and is all --list needs.
let plan;
try {
  const dry = register({});
  plan = dry.plan().filter((t) => !dry.only || dry.only.test(t.name));
} catch (e) {
  console.error(e.message);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (listOnly) {
  for (const t of plan) console.log(`${t.order}\t${t.view}\t${t.name}`);
  process.exit(0);
}

await prepare();
try {
  const registry = register(await connect());
  if (chosen.length) console.log(`# views ${views.join(', ')}: ${plan.length} test${plan.length === 1 ? '' : 's'}`);
  await registry.runAll();
} catch (e) {
  results.push({ name: 'setup', ok: false });
  console.log(`not ok - setup\n  ${e && e.stack ? e.stack : e}`);
} finally {
  await cleanup();
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`screenshots: ${SHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
