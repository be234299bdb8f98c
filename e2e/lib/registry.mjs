// The test registry. View files register their tests with an order number; the runner runs them by that number, so
// the whole suite keeps one sequence even though a view's tests sit in one file. The tests share one server and
// some read what earlier ones wrote: the order numbers are part of the test, not a detail.
// E2E_ONLY=regex keeps only the tests whose name matches (the others are neither run nor counted).

const ONLY = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;

/** A registry; each run test adds {name, ok} to `results`. */
export function createRegistry(results = []) {
  const planned = [];

  /** The `test(order, name, fn)` of one view file. */
  const testFor = (view) => (order, name, fn) => {
    if (!Number.isInteger(order) || order <= 0) throw new Error(`${view}: "${name}" needs a positive whole order number, got ${order}`);
    const taken = planned.find((t) => t.order === order);
    if (taken) throw new Error(`${view}: order ${order} of "${name}" is already taken by "${taken.name}" (${taken.view})`);
    planned.push({ order, view, name, fn });
  };

  /** The registered tests, in the order they run. */
  const plan = () => [...planned].sort((a, b) => a.order - b.order);

  async function runOne(name, fn) {
    if (ONLY && !ONLY.test(name)) return;
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`ok - ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      results.push({ name, ok: false });
      console.log(`not ok - ${name}\n  ${String(e && e.stack ? e.stack : e).split('\n').slice(0, 4).join('\n  ')}`);
    }
  }

  /** Runs every registered test in order, one after the other. */
  async function runAll() {
    for (const t of plan()) await runOne(t.name, t.fn);
  }

  return { testFor, plan, runAll, results, only: ONLY };
}
