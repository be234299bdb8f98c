// The server under test: the real `chainscope serve` on a free loopback port with a temporary data directory.
// Before it starts, `chainscope init` creates the store with the administrator (CHAINSCOPE_ADMIN_PASSWORD) and
// `chainscope user add` the accounts of the other roles (password on stdin). The enterprise account is added by
// context.mjs once the server answers, because its enterprise is looked up through the API.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..'); // e2e/
const repo = resolve(here, '..');
export const BIN = process.env.CHAINSCOPE_BIN || join(repo, 'target', 'debug', 'chainscope');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = join(here, 'screenshots');

// The accounts of the tests. Department staff work a department by the catalogue's id or Chinese name (requests) or
// by the name on the checklist items (全兜办), which differ: one account cannot do both.
export const USERS = {
  admin: { password: 'E2eAdmin12345' },
  officer1: { role: 'officer', regions: '320312,320303', password: 'E2eOfficer123' },
  leader1: { role: 'leader', password: 'E2eLeader1234', name: '王领导' },
  dept_nrp: { role: 'department', department: 'nrp', password: 'E2eDeptNrp123' },
  dept_eco: { role: 'department', department: '徐州市生态环境局', password: 'E2eDeptEco123' },
  dept_plan: { role: 'department', department: '市自然资源和规划局', password: 'E2eDeptPlan12' },
  locktest: { role: 'leader', password: 'E2eLockTest12' },
  ent1: { role: 'enterprise', password: 'E2eEnterpr123' },
};

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Without the binary or Chromium nothing can run: say so, print the count line the test script reads, and exit. */
export function checkTools() {
  if (!existsSync(BIN)) {
    console.error(`no binary at ${BIN}: run cargo build -p chainscope-cli first`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

/**
 * Creates the store with the accounts (all but the enterprise one) and starts the server. Returns its address, a way
 * to add an account later, the server's output so far, and `stop`, which ends the process and removes the data.
 * When the store cannot be created, prints why and the count line, and exits.
 */
export async function startServer() {
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'chainscope-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;

  function cli(args, input) {
    return execFileSync(BIN, ['--data-dir', dataDir, '-q', ...args], {
      input, env: { ...process.env, CHAINSCOPE_ADMIN_PASSWORD: USERS.admin.password }, stdio: ['pipe', 'pipe', 'pipe'],
    }).toString();
  }
  function addUser(name) {
    const u = USERS[name];
    const args = ['user', 'add', name, '--role', u.role, '--password-stdin'];
    if (u.regions) args.push('--regions', u.regions);
    if (u.department) args.push('--department', u.department);
    if (u.enterprise != null) args.push('--enterprise', String(u.enterprise));
    if (u.name) args.push('--name', u.name);
    cli(args, `${u.password}\n`);
  }
  try {
    cli(['init']);
    for (const name of Object.keys(USERS)) if (!['admin', 'ent1'].includes(name)) addUser(name);
  } catch (e) {
    console.error(`setting up the store failed: ${e.message}\n${e.stderr || ''}`);
    console.log('0 passed, 1 failed');
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(1);
  }
  const server = spawn(BIN, ['--data-dir', dataDir, 'serve', '--bind', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The whole suite comes from one address, many pages at once: a roomy allowance, so that the views are tested
    // and not the anonymous rate limit (which crates/server/tests/limits.rs tests).
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn', CHAINSCOPE_RATE_LIMIT: process.env.CHAINSCOPE_RATE_LIMIT || '200/400' },
  });
  let serverLog = '';
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });

  return {
    base,
    addUser,
    log: () => serverLog,
    stop() {
      if (server.exitCode === null) server.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
