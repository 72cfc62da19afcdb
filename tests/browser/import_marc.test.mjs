// `shelfmark import-marc` on the shared sample files (../shared/data/marc; skipped when absent): counts in
// the summary, one line per bad record with its file, number and byte offset, re-import changes nothing,
// and the exit status (0 all in, 1 something not imported, 2 unusable input).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binary } from './harness.mjs';

const samples = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/marc');
const skip = existsSync(samples) ? false : `no shared MARC samples at ${samples}`;

const scratch = mkdtempSync(join(tmpdir(), 'shelfmark-import-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let databases = 0;

function importer() {
  const common = ['--database', `sqlite:${join(scratch, `db${++databases}.db`)}`, '--secret-file', join(scratch, 'secret')];
  return (args) => {
    const result = spawnSync(binary, [...common, 'import-marc', ...args], { encoding: 'utf8', cwd: scratch });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };
}

function counts(out) {
  const records = out.match(/Records: (\d+) new, (\d+) updated, (\d+) unchanged, (\d+) failed/);
  const copies = out.match(/Copies: (\d+) added, (\d+) already there, (\d+) skipped/);
  const read = out.match(/Read (\d+) records in [\d.]+ s \((\d+) a second\)/);
  assert.ok(records && copies && read, out);
  return {
    read: +read[1], perSecond: +read[2], inserted: +records[1], updated: +records[2], unchanged: +records[3],
    failed: +records[4], added: +copies[1], present: +copies[2], skipped: +copies[3],
  };
}

test('imports clean files with exit status 0, and again without doubling', { skip }, () => {
  const run = importer();
  const files = ['hebrew.marc', 'loc/sample-marc', 'badisbns.xml', 'test.dat'].map((name) => join(samples, name));
  const first = run(files);
  assert.equal(first.code, 0, first.err);
  const c = counts(first.out);
  assert.equal(c.read, 20 + 24 + 10 + 10);
  assert.equal(c.failed, 0);
  assert.equal(c.inserted + c.updated + c.unchanged, c.read);
  assert.ok(c.perSecond > 0);
  const again = counts(run(files).out);
  assert.equal(again.inserted, 0);
  assert.equal(again.failed, 0);
});

test('reports each bad record and goes on, with exit status 1', { skip }, () => {
  const run = importer();
  const result = run([join(samples, 'malformed', 'three-records-second-bad.xml'), join(samples, 'malformed', 'bad_records.mrc'),
    join(samples, 'test.dat')]);
  assert.equal(result.code, 1, result.err);
  assert.match(result.err, /three-records-second-bad\.xml: record 2 \(byte 2770\): unreadable: XML error/);
  assert.match(result.err, /bad_records\.mrc: record 4 \(byte 381\): unreadable: directory length 13/);
  assert.match(result.err, /bad_records\.mrc: record 1 \(byte 0\): not imported: the record has no control number \(001\)/);
  const c = counts(result.out);
  assert.ok(c.inserted + c.updated + c.unchanged >= 2 + 10, result.out);  // the good XML records and test.dat went in
  assert.ok(c.failed >= 3, result.out);
});

test('copies at unknown libraries are reported and skipped; the records still import', { skip }, () => {
  const run = importer();
  const result = run([join(samples, 'concerto_graphic_880.utf8.mrc')]);
  assert.equal(result.code, 1, result.err);
  // One line per unknown code with its count and where it was first seen, never one line per copy.
  assert.match(result.err, /shelfmark: 2 copies skipped: 'MBI' is not a library code \(first in \S+concerto_graphic_880\.utf8\.mrc: record \d+, byte \d+\)/);
  assert.equal((result.err.match(/'MBI' is not a library code/g) || []).length, 1, result.err);
  assert.doesNotMatch(result.err, /copy 31867002191208/);
  const c = counts(result.out);
  assert.equal(c.inserted, 7);
  assert.equal(c.skipped, 2);
});

test('--encoding reads a file whose leader lies; a missing file exits with status 2', { skip }, () => {
  const run = importer();
  const forced = run(['--encoding', 'utf8', join(samples, 'FSL.marc')]);
  assert.equal(forced.code, 0, forced.err);
  assert.equal(counts(forced.out).read, 52);
  const guessed = run([join(samples, 'FSL.marc')]);
  assert.match(guessed.err, /FSL\.marc: \d+ records said MARC-8 \(leader\/09 blank\) but UTF-8, and read as UTF-8/);
  const missing = run([join(scratch, 'missing.mrc')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /missing\.mrc: no such file/);
  // Option errors are CLI11's (its own non-zero status), as for every subcommand.
  for (const [args, message] of [[['--encoding', 'latin1', join(samples, 'FSL.marc')], /--encoding/], [[], /files is required/]]) {
    const result = run(args);
    assert.notEqual(result.code, 0, args.join(' '));
    assert.match(result.err, message);
  }
});

test('export-marc writes what was imported, as MARC21 or MARCXML, all or one record', { skip }, () => {
  const db = `sqlite:${join(scratch, `db${++databases}.db`)}`;
  const common = ['--database', db, '--secret-file', join(scratch, 'secret')];
  const shelfmark = (args) => spawnSync(binary, [...common, ...args], { encoding: 'utf8', cwd: scratch });
  assert.notEqual(shelfmark(['import-marc', join(samples, 'concerto_graphic_880.utf8.mrc')]).status, 2);
  const iso = join(scratch, 'out.mrc');
  const all = shelfmark(['export-marc', iso]);
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout, /Exported 7 records as MARC21/);
  // What was exported imports again as the same records.
  const again = shelfmark(['import-marc', iso]);
  assert.match(again.stdout, /Records: 0 new, 0 updated, 7 unchanged, 0 failed/);
  const one = shelfmark(['export-marc', '--format', 'marcxml', '--record', '2741359', '-']);
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<collection xmlns="http:\/\/www.loc.gov\/MARC21\/slim">/);
  assert.match(one.stdout, /<subfield code="a">图说中国节 =<\/subfield>/);
  assert.equal((one.stdout.match(/<record /g) || []).length, 1);
  const missing = shelfmark(['export-marc', '--record', 'no-such-record', '-']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no catalogue record with id or control number 'no-such-record'/);
});
