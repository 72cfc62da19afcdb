// Native TLS: HTTPS with a throwaway self-signed certificate; HSTS and Secure, __Host- cookies follow.
// Also checks that SIGTERM stops the server cleanly (exit status 0).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startShelfmark } from './harness.mjs';

let server;
let dir;

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    // The certificate is our own throwaway one: accept it for this request only.
    const req = request(url, { rejectUnauthorized: false, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shelfmark-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  server = await startShelfmark(['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')],
    { scheme: 'https', get });
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('pages are served over TLS with HSTS', async () => {
  const response = await get(`${server.url}/en/`);
  assert.equal(response.status, 200);
  assert.match(response.headers['strict-transport-security'], /max-age=31536000/);
  assert.match(response.body, /Public Libraries/);
});

test('cookies are Secure and the session and CSRF cookies use the __Host- prefix', async () => {
  const page = await get(`${server.url}/en/staff/login`);
  // The sign-in CSRF cookie too (Hardening 9): no other site or path can plant a known value in it.
  const csrfCookie = page.headers['set-cookie'].find((c) => c.startsWith('__Host-sm_csrf='));
  assert.ok(csrfCookie, `the CSRF cookie has the __Host- prefix under TLS: ${page.headers['set-cookie']}`);
  assert.match(csrfCookie, /; Secure/);
  assert.match(csrfCookie, /; Path=\//);
  assert.doesNotMatch(csrfCookie, /Domain=/);
  const langCookie = page.headers['set-cookie'].find((c) => c.startsWith('sm_lang='));
  assert.match(langCookie, /; Secure/);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)[1];
  const cookie = csrfCookie.split(';')[0];
  const login = await new Promise((resolve, reject) => {
    const body = new URLSearchParams({ csrf, username: 'admin', password: server.password }).toString();
    const req = request(`${server.url}/en/staff/login`, {
      method: 'POST', rejectUnauthorized: false,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => { res.resume(); res.on('end', () => resolve(res)); });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(login.statusCode, 303);
  const session = login.headers['set-cookie'].find((c) => c.startsWith('__Host-sm_session='));
  assert.ok(session, 'session cookie has the __Host- prefix under TLS');
  assert.match(session, /; Secure/);
  assert.match(session, /; Path=\//);
  assert.doesNotMatch(session, /Domain=/);
});

test('SIGTERM stops the server cleanly', async () => {
  const code = await server.stop();
  server = null;
  assert.equal(code, 0);
});
