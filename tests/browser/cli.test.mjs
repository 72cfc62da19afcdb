// The command line others script against: subcommands, --help, settings from flags, files and the
// environment, and one clear message with exit status 2 for every bad setting.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary } from './harness.mjs';

// Commands run in a scratch directory, so defaults such as var/secret.key never land in the work tree.
const scratch = mkdtempSync(join(tmpdir(), 'shelfmark-cli-cwd-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(args, { input, env = {}, cwd = scratch } = {}) {
  const result = spawnSync(binary, args, { input, encoding: 'utf8', cwd, env: { ...process.env, ...env } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function withDir(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'shelfmark-cli-'));
  try { return fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('--help works everywhere', () => {
  for (const args of [['--help'], ['serve', '--help'], ['migrate', '--help'], ['demo-data', '--help'], ['user', 'add-staff', '--help'],
    ['jobs', 'expire-reservations', '--help']]) {
    const result = run(args);
    assert.equal(result.code, 0, args.join(' '));
    assert.match(result.out, /Usage|OPTIONS/i);
  }
});

test('global options go before or after the subcommand', () => withDir((dir) => {
  const db = join(dir, 'a.db');
  assert.equal(run(['migrate', '--database', `sqlite:${db}`, '--secret-file', join(dir, 's')]).code, 0);
  assert.ok(existsSync(db));
  const other = join(dir, 'b.db');
  assert.equal(run(['--database', `sqlite:${other}`, '--secret-file', join(dir, 's'), 'migrate']).code, 0);
  assert.ok(existsSync(other));
}));

test('settings come from a config file, and a flag wins over it', () => withDir((dir) => {
  writeFileSync(join(dir, 'shelfmark.toml'), `database = "sqlite:${join(dir, 'from-file.db')}"\nsecret_file = "${join(dir, 's')}"\n`);
  assert.equal(run(['--config', join(dir, 'shelfmark.toml'), 'migrate']).code, 0);
  assert.ok(existsSync(join(dir, 'from-file.db')));
  assert.equal(run(['--config', join(dir, 'shelfmark.toml'), '--database', `sqlite:${join(dir, 'flag.db')}`, 'migrate']).code, 0);
  assert.ok(existsSync(join(dir, 'flag.db')));
}));

test('the environment supplies settings', () => withDir((dir) => {
  const result = run(['migrate'], { env: { SHELFMARK_DATABASE: `sqlite:${join(dir, 'env.db')}`, SHELFMARK_SECRET_FILE: join(dir, 's') } });
  assert.equal(result.code, 0, result.err);
  assert.ok(existsSync(join(dir, 'env.db')));
}));

test('bad settings get one clear message and exit status 2', () => withDir((dir) => {
  const common = ['--secret-file', join(dir, 's')];
  const cases = [
    [['--database', 'mysql://x', ...common, 'migrate'], /unsupported database URL/],
    [['--time-zone', 'Mars/Olympus', ...common, 'migrate'], /unknown time zone 'Mars\/Olympus'/],
    [['--database', `sqlite:${join(dir, 'x.db')}`, ...common, 'serve', '--listen', 'nonsense'], /--listen: 'nonsense' is not HOST:PORT/],
    [['--database', `sqlite:${join(dir, 'x.db')}`, ...common, 'serve', '--listen', '127.0.0.1:70000'], /not a port number/],
    [['--database', 'sqlite:/proc/shelfmark/x.db', ...common, 'migrate'], /cannot open/],
  ];
  for (const [args, message] of cases) {
    const result = run(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.err, message);
  }
  const missing = run(['serve', '--tls-cert', join(dir, 'nope.pem')]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.err, /nope\.pem/);
}));

test('the daily reservation job runs from the command line', () => withDir((dir) => {
  const common = ['--database', `sqlite:${join(dir, 'j.db')}`, '--secret-file', join(dir, 's')];
  assert.equal(run([...common, 'demo-data']).code, 0);
  const result = run([...common, 'jobs', 'expire-reservations']);
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /Expired 0 waiting and 0 uncollected reservations/);
}));

test('user add-staff reads the password from standard input and explains refusals', () => withDir((dir) => {
  const common = ['--database', `sqlite:${join(dir, 'u.db')}`, '--secret-file', join(dir, 's')];
  let result = run([...common, 'user', 'add-staff', '--username', 'chan.tm', '--role', 'editor', '--password-stdin'],
    { input: 'a passphrase long enough\n' });
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /Created staff account 'chan.tm' \(editor\)/);
  result = run([...common, 'user', 'add-staff', '--username', 'chan.tm', '--role', 'editor', '--password-stdin'],
    { input: 'another long passphrase\n' });
  assert.equal(result.code, 2);
  assert.match(result.err, /already in use/);
  result = run([...common, 'user', 'add-staff', '--username', 'wong', '--role', 'root', '--password-stdin'], { input: 'short\n' });
  assert.equal(result.code, 2);
  assert.match(result.err, /role: Unknown role/);
  assert.match(result.err, /at least 15 characters/);
}));
