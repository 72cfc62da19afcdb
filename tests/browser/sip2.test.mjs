// SIP2 over a real socket: the real `shelfmark serve --sip-listen` with the demo data, terminals speaking to
// it through node's net module. Login first, throttling, every message, malformed input, checksums, resend,
// line ends, Chinese text, a client that vanishes mid-message, 20 terminals racing for one item, a resent
// checkout, the idle timeout, and a clean stop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startShelfmark, freePort, binary } from './harness.mjs';

let server;
let sipPort;

function addAccount(username, password, extra = []) {
  const result = spawnSync(binary, [...server.common, 'sip-account', 'add', '--username', username, '--library', 'CL',
    '--password-stdin', ...extra], { input: `${password}\n`, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
}

// A terminal: one connection; send() resolves with the next reply, ended as we ended the request.
class Terminal {
  static async open(port = sipPort) {
    const terminal = new Terminal();
    await new Promise((resolve, reject) => {
      terminal.socket = connect(port, '127.0.0.1', resolve);
      terminal.socket.once('error', reject);
    });
    terminal.socket.on('data', (chunk) => {
      terminal.buffer = Buffer.concat([terminal.buffer, chunk]);
      terminal.pump();
    });
    terminal.closed = new Promise((resolve) => terminal.socket.on('close', resolve));
    return terminal;
  }
  constructor() {
    this.buffer = Buffer.alloc(0);
    this.waiting = [];
  }
  pump() {
    while (this.waiting.length) {
      const { terminator, resolve } = this.waiting[0];
      const at = this.buffer.indexOf(terminator);
      if (at < 0) return;
      const reply = this.buffer.subarray(0, at + terminator.length).toString('utf8');
      this.buffer = this.buffer.subarray(at + terminator.length);
      this.waiting.shift();
      resolve(reply);
    }
  }
  // `timeoutMs`: how long a reply may take; the race below waits longer, since its twenty checkouts take
  // their turns at the database's write lock and a loaded machine (CI's two cores) makes each slower.
  send(message, terminator = '\r', timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${message.slice(0, 2)}`)), timeoutMs);
      this.waiting.push({ terminator: Buffer.from(terminator), resolve: (r) => { clearTimeout(timer); resolve(r); } });
      this.socket.write(message + terminator);
      this.pump();
    });
  }
  async login(user = 'sc01', password = 'terminal-secret-1') {
    assert.equal(await this.send(`9300CN${user}|CO${password}|CPCL|`), '941\r');
    return this;
  }
  close() { this.socket.destroy(); }
}

function sipDate(offsetSeconds = 0) {
  const d = new Date(Date.now() + offsetSeconds * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}   Z${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}
const blank = ' '.repeat(18);
const card = (i) => `2${100000000 + i}`;
const pin = (i) => card(i).slice(-4);

function checksum(text) {
  let sum = 0;
  for (const byte of Buffer.from(text, 'utf8')) sum += byte;
  return ((-sum) & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

// Available, loanable items of the demo, found through 17 (status 03, a book of the adult collection).
async function availableItems(terminal, count, start = 20) {
  const found = [];
  for (let i = start; found.length < count && i < 2000; ++i) {
    if (i % 20 < 6) continue;  // audio-visual, periodicals, reference, children's
    const barcode = `3${100000000 + i}`;
    const reply = await terminal.send(`17${sipDate()}AOCL|AB${barcode}|`);
    if (reply.startsWith('1803')) found.push(barcode);
  }
  assert.equal(found.length, count);
  return found;
}

before(async () => {
  sipPort = await freePort();
  // Twenty terminals race from 127.0.0.1 below: more than the default cap per address.
  server = await startShelfmark(['--sip-listen', `127.0.0.1:${sipPort}`, '--sip-idle-seconds', '5',
    '--sip-max-per-address', '64']);
  addAccount('sc01', 'terminal-secret-1');
  addAccount('drop01', 'terminal-secret-2', ['--no-pin', '--kind', 'book-drop']);
  addAccount('victim', 'terminal-secret-3');
});

after(async () => {
  if (server) assert.equal(await server.stop(), 0);
});

test('login comes first, then the ACS status', async () => {
  const t = await Terminal.open();
  const early = await t.send('9900302.00');
  assert.match(early, /^940AF.+\|\r$/);
  assert.equal(await t.send('9300CNsc01|COwrong|'), '940\r');
  await t.login();
  const status = await t.send('9900302.00');
  assert.match(status, /^98YYYYNN\d{6}\d{8} {4}\d{6}2\.00AOCL\|AM.+\|BXYYYYYYYYYYYNYYYY\|ANsc01\|\r$/);
  t.close();
});

test('failed terminal logins are throttled', async () => {
  const t = await Terminal.open();
  for (let i = 0; i < 5; ++i) assert.equal(await t.send(`9300CNvictim|COnot-it-${i}|`), '940\r');
  assert.equal(await t.send('9300CNvictim|COterminal-secret-3|'), '940\r');
  t.close();
  assert.match(server.log(), /terminal login refused for 'victim' \(too_many_attempts\)/);
  assert.doesNotMatch(server.log(), /not-it-/);
});

test('every message gets its answer', async () => {
  const t = await (await Terminal.open()).login();
  const [item, other] = await availableItems(t, 2);
  const status = await t.send(`23001${sipDate()}AOCL|AA${card(1)}|AC|AD${pin(1)}|`);
  assert.match(status, /^24.{14}001.{18}AOCL\|AA2100000001\|AE.+\|BLY\|CQY\|BHHKD\|BV\d+\.\d\d\|\r$/);
  assert.match(await t.send(`63001${sipDate()}          AOCL|AA${card(1)}|AC|AD${pin(1)}|`), /^64.+\|BLY\|CQY\|/);
  const lent = await t.send(`11NN${sipDate()}${blank}AOCL|AA${card(1)}|AB${item}|AC|AD${pin(1)}|`);
  assert.match(lent, /^121NNY/);
  assert.match(await t.send(`17${sipDate()}AOCL|AB${item}|`), /^1804/);
  assert.match(await t.send(`29NN${sipDate(1)}${blank}AOCL|AA${card(1)}|AD${pin(1)}|AB${item}|AC|`), /^30[01]/);
  assert.match(await t.send(`65${sipDate()}AOCL|AA${card(1)}|AD${pin(1)}|`), /^66[01]\d{8}/);
  assert.match(await t.send(`15+${sipDate()}AOCL|AA${card(2)}|AD${pin(2)}|AB${item}|`), /^16[01]N/);
  assert.match(await t.send(`09N${sipDate(2)}${blank}APCL|AOCL|AB${item}|AC|`), /^101Y/);
  assert.match(await t.send(`19${sipDate()}AOCL|AB${other}|CHx|`), /^200/);
  assert.match(await t.send(`37${sipDate()}0100HKDBV0.50|AOCL|AA${card(1)}|AD${pin(1)}|`), /^38[YN]/);
  assert.match(await t.send(`25${sipDate()}AOCL|AA${card(1)}|AD${pin(1)}|`), /^26/);
  assert.match(await t.send(`35${sipDate()}AOCL|AA${card(1)}|`), /^36Y/);
  const blocked = await t.send(`01N${sipDate()}AOCL|ALretained|AA${card(9)}|AC|`);
  assert.match(blocked, /^24.{4}Y/);
  assert.equal(await t.send('97'), blocked);
  t.close();
});

test('malformed messages, checksum errors and resend', async () => {
  const t = await (await Terminal.open()).login();
  assert.equal(await t.send('XYZ'), '96\r');
  assert.equal(await t.send('11YN'), '96\r');
  assert.equal(await t.send('9900302.00AY1AZ0000'), '96AZFEF6\r');
  const request = '9900302.00AY3AZ';
  const reply = await t.send(request + checksum(request));
  assert.match(reply, /AY3AZ[0-9A-F]{4}\r$/);
  const body = reply.slice(0, -5);
  assert.equal(reply.slice(-5, -1), checksum(body));
  assert.equal(await t.send('97AZFEF5'), reply);
  // A message too long to be real is answered 96 and the connection stays usable.
  assert.equal(await t.send('23' + 'x'.repeat(70000)), '96\r');
  assert.match(await t.send('9900302.00'), /^98/);
  t.close();
});

test('replies end with CR, LF or CRLF as the client ends its messages', async () => {
  const t = await Terminal.open();
  assert.equal(await t.send('9300CNsc01|COterminal-secret-1|', '\r\n'), '941\r\n');
  assert.match(await t.send('9900302.00', '\n'), /^98.*\n$/);
  assert.match(await t.send('9900302.00', '\r'), /^98.*\r$/);
  t.close();
});

test('Chinese titles and names pass through intact', async () => {
  const t = await (await Terminal.open()).login();
  const [item] = await availableItems(t, 1, 400);
  const info = await t.send(`17${sipDate()}AOCL|AB${item}|`);
  const title = /\|AJ([^|]+)\|/.exec(info)[1];
  assert.match(title, /[\u4e00-\u9fff]+ \/ /);
  const lent = await t.send(`11NN${sipDate()}${blank}AOCL|AA${card(3)}|AB${item}|AC|AD${pin(3)}|`);
  assert.ok(lent.includes(`|AJ${title}|`), lent);
  // The terminal's language: 019 turns the screen messages into Chinese.
  await t.send(`63019${sipDate()}          AOCL|AA${card(3)}|AC|AD${pin(3)}|`);
  const back = await t.send(`09N${sipDate()}${blank}APCL|AOCL|AB${item}|AC|`);
  assert.match(back, /AF[^|]*[\u4e00-\u9fff]/);
  t.close();
});

test('a client that disconnects mid-message does not hurt the server', async () => {
  const t = await (await Terminal.open()).login();
  const [item] = await availableItems(t, 1, 600);
  t.socket.write(`11NN${sipDate()}${blank}AOCL|AA${card(4)}|AB${item}`);
  await new Promise((r) => setTimeout(r, 100));
  t.close();
  const u = await (await Terminal.open()).login();
  assert.match(await u.send(`17${sipDate()}AOCL|AB${item}|`), /^1803/);  // not lent
  u.close();
});

test('twenty terminals racing for one item: exactly one lends it', async () => {
  const probe = await (await Terminal.open()).login();
  const [item] = await availableItems(probe, 1, 800);
  probe.close();
  const terminals = await Promise.all(Array.from({ length: 20 }, () => Terminal.open()));
  await Promise.all(terminals.map((t) => t.login('drop01', 'terminal-secret-2')));
  const replies = await Promise.all(terminals.map((t, i) =>
    t.send(`11NN${sipDate()}${blank}AOCL|AA${card(20 + i)}|AB${item}|AC|`, '\r', 60000)));
  assert.equal(replies.filter((r) => r.startsWith('121')).length, 1, replies.join('\n'));
  assert.equal(replies.filter((r) => r.startsWith('120')).length, 19);
  for (const t of terminals) t.close();
});

test('a checkout resent after a lost reply is applied once and answered the same', async () => {
  const t = await (await Terminal.open()).login('drop01', 'terminal-secret-2');
  const [item] = await availableItems(t, 1, 1000);
  // Demo reader 4 has nothing on loan (others may have overdue loans, which block borrowing).
  const message = `11NN${sipDate()}${blank}AOCL|AA${card(4)}|AB${item}|AC|`;
  t.socket.write(message + '\r');
  t.close();  // the reply is lost
  await new Promise((r) => setTimeout(r, 200));
  const again = await (await Terminal.open()).login('drop01', 'terminal-secret-2');
  const first = await again.send(message);
  const second = await again.send(message);
  assert.match(first, /^121/);
  assert.equal(second, first);
  const info = await again.send(`63001${sipDate()}  Y       AOCL|AA${card(4)}|AC|`);
  assert.equal(info.split(`|AU${item}|`).length, 2);
  again.close();
});

test('idle connections time out', async () => {
  const t = await (await Terminal.open()).login();
  const started = Date.now();
  await t.closed;
  assert.ok(Date.now() - started >= 4000);
});

test('a connection must log in soon, and one address may hold only so many', async () => {
  const port = await freePort();
  const capped = await startShelfmark(['--sip-listen', `127.0.0.1:${port}`, '--sip-login-seconds', '1',
    '--sip-max-per-address', '3'], { catalogueRecords: 50 });
  try {
    const result = spawnSync(binary, [...capped.common, 'sip-account', 'add', '--username', 'cap01', '--library', 'CL',
      '--password-stdin'], { input: 'terminal-secret-8\n', encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    // Not logged in: closed after a second, even while it talks.
    const talker = await Terminal.open(port);
    const started = Date.now();
    assert.match(await talker.send('9900302.00'), /^940/);
    const trickle = setInterval(() => talker.socket.write('9'), 100);
    await talker.closed;
    clearInterval(trickle);
    const waited = Date.now() - started;
    assert.ok(waited >= 900 && waited < 4000, `closed after ${waited} ms`);
    // Logged in: the deadline no longer applies.
    const logged = await Terminal.open(port);
    await logged.login('cap01', 'terminal-secret-8');
    await new Promise((r) => setTimeout(r, 1500));
    assert.match(await logged.send('9900302.00'), /^98/);
    // Three from one address; the fourth is closed unanswered.
    const more = [await Terminal.open(port), await Terminal.open(port)];
    for (const t of more) await t.login('cap01', 'terminal-secret-8');
    const refused = await Terminal.open(port);
    refused.socket.on('error', () => {});
    refused.socket.write('9300CNcap01|COterminal-secret-8|\r');
    await refused.closed;
    assert.equal(refused.buffer.length, 0);
    assert.match(capped.log(), /3 connections open from this address \(--sip-max-per-address\); refused 1/);
    assert.match(capped.log(), /not logged in within 1 s, disconnected/);
    assert.doesNotMatch(capped.log(), /terminal-secret-8/);
    // One goes, another may come.
    logged.close();
    await logged.closed;
    await new Promise((r) => setTimeout(r, 200));
    const next = await Terminal.open(port);
    await next.login('cap01', 'terminal-secret-8');
    for (const t of [...more, next]) t.close();
  } finally {
    assert.equal(await capped.stop(), 0);
  }
});

test('SIP2 over TLS, and a clean stop on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shelfmark-sip-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const port = await freePort();
  const tlsServer = await startShelfmark(['--sip-tls-listen', `127.0.0.1:${port}`, '--sip-tls-cert', join(dir, 'cert.pem'),
    '--sip-tls-key', join(dir, 'key.pem')]);
  try {
    const result = spawnSync(binary, [...tlsServer.common, 'sip-account', 'add', '--username', 'tls01', '--library', 'CL',
      '--password-stdin'], { input: 'terminal-secret-9\n', encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const socket = connectTls({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await new Promise((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject); });
    const reply = await new Promise((resolve) => {
      let text = '';
      socket.on('data', (chunk) => { text += chunk; if (text.endsWith('\r')) resolve(text); });
      socket.write('9300CNtls01|COterminal-secret-9|\r');
    });
    assert.equal(reply, '941\r');
    socket.destroy();
  } finally {
    assert.equal(await tlsServer.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
