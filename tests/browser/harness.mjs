// Starts a real Shelfmark server for tests: a fresh SQLite database with the demo data in a temporary
// directory, on a free port on 127.0.0.1, and stops it by process id.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const binary = process.env.SHELFMARK_BIN || resolve(here, '../../build/src/bin/shelfmark');

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

// options.scheme = 'https' with options.get(url) for servers started with --tls-cert.
export async function startShelfmark(extraArgs = [], options = {}) {
  const scheme = options.scheme || 'http';
  const probe = options.get || ((target) => fetch(target).then((r) => ({ status: r.status })));
  const dir = mkdtempSync(join(tmpdir(), 'shelfmark-test-'));
  const common = ['--database', `sqlite:${join(dir, 'shelfmark.db')}`, '--secret-file', join(dir, 'secret.key'),
    '--search-index', join(dir, 'search')];
  // A smaller demo catalogue than `make run` gets: enough for every page, quick to load for each test file.
  const records = String(options.catalogueRecords ?? 2000);
  const demo = execFileSync(binary, [...common, 'demo-data', '--catalogue-records', records], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const password = /administrator: username 'admin', password '([^']+)'/.exec(demo)?.[1];
  if (!password) throw new Error(`demo-data printed no password:\n${demo}`);
  const port = await freePort();
  // The server's temporary files go to a directory of its own, so tests can check what it left there.
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const child = spawn(binary, [...common, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '2', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  let log = '';
  child.stdout.on('data', (chunk) => { log += chunk; });
  child.stderr.on('data', (chunk) => { log += chunk; });
  const url = `${scheme}://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`shelfmark exited early:\n${log}`);
    try {
      const response = await probe(`${url}/healthz`);
      if (response.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`shelfmark did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    password,
    common,  // --database and --secret-file of this server, for running other subcommands against it
    dir,     // everything the server writes: database, secret, search index, tmp/
    pid: child.pid,
    log: () => log,
    // SIGTERM by process id; resolves with the exit code once it has stopped.
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', (code) => r(code)));
        process.kill(child.pid, 'SIGTERM');
        const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10000))]);
        if (code === 'timeout') process.kill(child.pid, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        return code;
      }
      rmSync(dir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

// A tiny cookie jar for fetch-based tests.
// The demo readers 2100000000-09 sign in with "demo reader" and the last four digits of their card (ADR 0019).
export function demoReaderPassword(card) {
  return `demo reader ${card.slice(-4)}`;
}

export class Client {
  constructor(base, headers = {}) {
    this.base = base;
    this.cookies = new Map();
    this.headers = headers;
  }
  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(path, { method = 'GET', form, headers = {}, body } = {}) {
    const init = { method, redirect: 'manual', headers: { ...this.headers, ...headers } };
    const cookie = this.cookieHeader();
    if (cookie) init.headers.cookie = cookie;
    if (form) {
      init.body = new URLSearchParams(form).toString();
      init.headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (body !== undefined) {
      init.body = body;
    }
    const response = await fetch(this.base + path, init);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      if (attributes.some((a) => a.trim().toLowerCase() === 'max-age=0') || value === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    response.text_ = await response.text();
    return response;
  }
  csrfFrom(html) {
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error('no csrf field in page');
    return match[1];
  }
  async login(username, password) {
    const page = await this.request('/en/staff/login');
    return this.request('/en/staff/login', { method: 'POST', form: { csrf: this.csrfFrom(page.text_), username, password } });
  }

  // A reader signs in on the web; the demo readers' password by default.
  async readerLogin(card, password = demoReaderPassword(card)) {
    const page = await this.request('/en/login');
    return this.request('/en/login', { method: 'POST', form: { csrf: this.csrfFrom(page.text_), card, password } });
  }
}
