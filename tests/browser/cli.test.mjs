// The command line others script against: subcommands, --help, settings from flags, files and the
// environment, and one clear message with exit status 2 for every bad setting.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, startShelfmark } from './harness.mjs';

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
    ['jobs', 'expire-reservations', '--help'], ['jobs', 'end-ebook-loans', '--help'], ['jobs', 'expire-applications', '--help'],
    ['jobs', 'reader-notices', '--help'], ['jobs', 'anonymise-loans', '--help'], ['reindex', '--help'], ['routes', '--help']]) {
    const result = run(args);
    assert.equal(result.code, 0, args.join(' '));
    assert.match(result.out, /Usage|OPTIONS/i);
  }
  assert.match(run(['--help']).out, /routes\s+Print the web server's routes/);
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

test('var/, the database and the secret are the server user\'s alone, whatever the umask', () => withDir((dir) => {
  // Hardening issue, item 9: with the defaults (sqlite:var/shelfmark.db, var/secret.key) and a umask of 022.
  const result = spawnSync('sh', ['-c', 'umask 022 && exec "$0" "$@"', binary, 'migrate'], { encoding: 'utf8', cwd: dir });
  assert.equal(result.status, 0, result.stderr);
  const mode = (path) => (statSync(join(dir, path)).mode & 0o777).toString(8);
  assert.equal(mode('var'), '700');
  assert.equal(mode('var/shelfmark.db'), '600');
  assert.equal(mode('var/secret.key'), '600');
  for (const extra of ['var/shelfmark.db-wal', 'var/shelfmark.db-shm'])
    if (existsSync(join(dir, extra))) assert.equal(mode(extra), '600', extra);
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
  const common = ['--database', `sqlite:${join(dir, 'j.db')}`, '--secret-file', join(dir, 's'), '--search-index', join(dir, 'i')];
  assert.equal(run([...common, 'demo-data', '--catalogue-records', '50']).code, 0);
  const result = run([...common, 'jobs', 'expire-reservations']);
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /Expired 0 waiting and 0 uncollected reservations/);
  const ebooks = run([...common, 'jobs', 'end-ebook-loans']);
  assert.equal(ebooks.code, 0, ebooks.err);
  assert.match(ebooks.out, /Ended \d+ e-book loans/);
  const applications = run([...common, 'jobs', 'expire-applications']);
  assert.equal(applications.code, 0, applications.err);
  assert.match(applications.out, /Expired 0 drafts and 0 applications; 0 documents destroyed/);
  const notices = run([...common, 'jobs', 'reader-notices']);
  assert.equal(notices.code, 0, notices.err);
  assert.match(notices.out, /Queued \d+ notices/);
  const anonymised = run([...common, 'jobs', 'anonymise-loans']);
  assert.equal(anonymised.code, 0, anonymised.err);
  assert.match(anonymised.out, /Anonymised \d+ returned loans/);
  const reindex = run([...common, 'reindex']);
  assert.equal(reindex.code, 0, reindex.err);
  assert.match(reindex.out, /Indexed 50 records into /);
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

test('sip-account add creates terminal accounts and explains refusals', () => withDir((dir) => {
  const common = ['--database', `sqlite:${join(dir, 's.db')}`, '--secret-file', join(dir, 's'), '--search-index', join(dir, 'i')];
  assert.equal(run(['sip-account', 'add', '--help']).code, 0);
  assert.equal(run([...common, 'demo-data', '--catalogue-records', '0']).code, 0);
  const add = (args, input) => run([...common, 'sip-account', 'add', '--password-stdin', ...args], { input });
  let result = add(['--username', 'sc-cl-01', '--library', 'CL', '--allow-address', '10.0.0.7', '--allow-address', '::1'],
    'a terminal secret\n');
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /Created SIP2 terminal account 'sc-cl-01' for library CL/);
  result = add(['--username', 'sc-cl-01', '--library', 'CL'], 'another terminal secret\n');
  assert.equal(result.code, 2);
  assert.match(result.err, /already in use/);
  result = add(['--username', 'sc-cl-02', '--library', 'NOPE'], 'a terminal secret\n');
  assert.equal(result.code, 2);
  assert.match(result.err, /--library: /);
  result = add(['--username', 'sc-cl-03', '--library', 'CL'], 'short\n');
  assert.equal(result.code, 2);
  assert.match(result.err, /at least 12 characters/);
  result = add(['--username', 'sc-cl-05', '--library', 'CL', '--kind', 'book-drop', '--no-pin'], 'a terminal secret\n');
  assert.equal(result.code, 0, result.err);
  result = add(['--username', 'sc-cl-06', '--library', 'CL', '--kind', 'robot'], 'a terminal secret\n');
  assert.equal(result.code, 2);
  assert.match(result.err, /--kind: 'robot' is not self-check, station or book-drop/);
  result = add(['--username', 'sc-cl-04', '--library', 'CL', '--allow-address', 'example.org'], 'a terminal secret\n');
  assert.equal(result.code, 2);
  assert.match(result.err, /--allow-address: 'example.org' is not an IP address/);
}));

test('bad SIP2 settings get one clear message and exit status 2', () => withDir((dir) => {
  const common = ['--database', `sqlite:${join(dir, 'x.db')}`, '--secret-file', join(dir, 's')];
  const cases = [
    [[...common, 'serve', '--sip-listen', 'nonsense'], /--sip-listen: 'nonsense' is not HOST:PORT/],
    [[...common, 'serve', '--sip-tls-listen', '127.0.0.1:6002'], /--sip-tls-listen needs --sip-tls-cert/],
  ];
  for (const [args, message] of cases) {
    const result = run(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.err, message);
  }
  assert.notEqual(run([...common, 'serve', '--sip-idle-seconds', '0']).code, 0);
}));

test('a command meeting a search index held by a running server says so and exits with status 2', async () => {
  const server = await startShelfmark([], { catalogueRecords: 20 });
  try {
    // A fresh database beside the server's, sharing its index: demo-data then reaches the index.
    const [, , secretFlag, secret, indexFlag, index] = server.common;
    const fresh = ['--database', `sqlite:${join(server.dir, 'other.db')}`, secretFlag, secret, indexFlag, index];
    for (const args of [[...server.common, 'reindex'], [...fresh, 'demo-data', '--catalogue-records', '20']]) {
      const result = run(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.err}`);
      assert.match(result.err, /search index in .* is in use by another process/);
      assert.doesNotMatch(result.err, /terminate called|DatabaseLockError/);
    }
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
