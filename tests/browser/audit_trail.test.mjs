// The audit trail over HTTP: who may open it (administrators and auditors; every other role 403, a reader or
// a visitor sent to the staff sign-in), what an auditor sees of the staff pages, the filters with their
// errors next to each field, keyset pages, escaping, the CSV export (formula-safe, byte order mark, Chinese,
// itself audited), and a reader's data download listing who at the library looked at their record (by role).
// Then the page in Chromium with the accessibility check, in both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark, Client, binary } from './harness.mjs';

let server;
const passphrase = 'a passphrase long enough for staff';
const roles = ['administrator', 'editor', 'counter', 'verifier', 'cataloguer', 'reference', 'auditor'];
const staff = {};

function addStaff(username, role, displayName = username) {
  execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', username, '--role', role, '--display-name', displayName, '--password-stdin'],
    { input: `${passphrase}\n`, encoding: 'utf8' });
}
function sql(statement) {
  return execFileSync('sqlite3', [join(server.dir, 'shelfmark.db'), statement], { encoding: 'utf8' }).trim();
}
async function signIn(username, password = passphrase) {
  const client = new Client(server.url);
  assert.equal((await client.login(username, password)).status, 303, `${username} signs in`);
  return client;
}
async function readerClient(card) {
  const reader = new Client(server.url);
  const response = await reader.readerLogin(card);
  assert.equal(response.status, 303);
  return reader;
}

before(async () => {
  server = await startShelfmark();
  staff.administrator = await signIn('admin', server.password);
  for (const role of roles.slice(1)) {
    addStaff(`${role}.one`, role);
    staff[role] = await signIn(`${role}.one`);
  }
});
after(async () => { await server?.stop(); });

test('only administrators and auditors open the audit trail; everyone else is refused', async () => {
  for (const path of ['/en/staff/audit', '/tc/staff/audit', '/en/staff/audit.csv']) {
    for (const role of roles) {
      const response = await staff[role].request(path);
      if (role === 'administrator' || role === 'auditor') assert.equal(response.status, 200, `${path} as ${role}`);
      else assert.equal(response.status, 403, `${path} as ${role}: ${response.status}`);
    }
    const visitor = await new Client(server.url).request(path);
    assert.equal(visitor.status, 303, `${path} signed out`);
    const login = `/${path.slice(1, 3)}/staff/login`;
    assert.equal(visitor.headers.get('location'), login);
    const reader = await (await readerClient('2100000006')).request(path);
    assert.equal(reader.status, 303, `${path} as a reader`);
    assert.equal(reader.headers.get('location'), login);
  }
});

test('an auditor sees only the audit trail among the staff pages and can change nothing', async () => {
  const auditor = staff.auditor;
  const home = await auditor.request('/en/staff/');
  assert.equal(home.status, 200);
  assert.match(home.text_, /href="\/en\/staff\/audit"/);
  const tiles = [...home.text_.matchAll(/<ul class="tiles">([\s\S]*?)<\/ul>/g)][0][1];
  assert.equal([...tiles.matchAll(/<li>/g)].length, 1, tiles);
  const csrf = auditor.csrfFrom(home.text_);
  for (const path of ['/en/staff/accounts', '/en/staff/counter', '/en/staff/registrations', '/en/staff/notices'])
    assert.equal((await auditor.request(path)).status, 403, path);
  assert.equal((await auditor.request('/en/staff/accounts', { method: 'POST', form: { csrf, username: 'sneaky', display_name: 'x', role: 'administrator', temporary_password: passphrase } })).status, 403);
  // Other staff do not see the tile.
  assert.doesNotMatch((await staff.counter.request('/en/staff/')).text_, /href="\/en\/staff\/audit"/);
  assert.match((await staff.administrator.request('/en/staff/')).text_, /href="\/en\/staff\/audit"/);
  // The accounts pages offer the role.
  assert.match((await staff.administrator.request('/en/staff/accounts/new')).text_, /<option value="auditor">Auditor<\/option>/);
  assert.match((await staff.administrator.request('/tc/staff/accounts/new')).text_, /<option value="auditor">稽核員<\/option>/);
});

test('filters find rows, bad filters are explained next to their fields and keep what was typed', async () => {
  const auditor = staff.auditor;
  const mine = await auditor.request('/en/staff/audit?staff=counter.one&action=staff.');
  assert.equal(mine.status, 200);
  assert.match(mine.text_, /<code>staff\.login<\/code>/);
  assert.doesNotMatch(mine.text_, /<code>staff\.create<\/code>/);  // made from the command line, by nobody
  const created = await auditor.request('/en/staff/audit?action=staff.create&from=2000-01-01');
  assert.match(created.text_, /<code>staff\.create<\/code>[\s\S]*?<code>staff:\d+<\/code>/);

  const bad = await auditor.request('/en/staff/audit?staff=nobody&card=99999999&action=Reader%20View&subject=%E9%99%B3&from=2026-02-30&to=2025-01-01');
  assert.equal(bad.status, 422);
  for (const field of ['staff', 'card', 'action', 'subject', 'from'])
    assert.match(bad.text_, new RegExp(`id="${field}-error"`), field);
  assert.match(bad.text_, /No staff account has this username\./);
  assert.match(bad.text_, /No reader has this library card number\./);
  assert.match(bad.text_, /Please enter a date as YYYY-MM-DD\./);
  assert.match(bad.text_, /value="nobody"/);
  assert.match(bad.text_, /value="2026-02-30"/);
  assert.match(bad.text_, /value="Reader View"/);
  const range = await auditor.request('/tc/staff/audit?from=2026-12-01&to=2026-11-01');
  assert.equal(range.status, 422);
  assert.match(range.text_, /id="to-error"/);
  assert.match(range.text_, /lang="zh-Hant-HK"/);
  // What is typed is shown escaped, never run.
  const payload = await auditor.request(`/en/staff/audit?subject=${encodeURIComponent('<script>x:1</script>')}`);
  assert.equal(payload.status, 200);
  assert.doesNotMatch(payload.text_, /<script>x:1/);
  assert.match(payload.text_, /No audit entries match these filters\./);
});

test('pages follow a keyset cursor, newest first', async () => {
  const id = sql("SELECT id FROM staff WHERE username = 'verifier.one'");
  sql(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
       INSERT INTO audit_log (at, staff_id, action, subject, detail) SELECT 1700000000 + i, ${id}, 'registration.view', 'application:' || i, '' FROM n`);
  const first = await staff.administrator.request('/en/staff/audit?staff=verifier.one&action=registration.view');
  assert.equal([...first.text_.matchAll(/<code>registration\.view<\/code>/g)].length, 50);
  assert.match(first.text_, /<code>application:60<\/code>/);
  const next = /href="([^"]+)" rel="next"/.exec(first.text_)[1].replaceAll('&amp;', '&');
  assert.match(next, /after=1700000011-\d+/);
  const second = await staff.administrator.request(next);
  assert.equal([...second.text_.matchAll(/<code>registration\.view<\/code>/g)].length, 10);
  assert.match(second.text_, /<code>application:10<\/code>[\s\S]*<code>application:1<\/code>/);
  assert.doesNotMatch(second.text_, /rel="next"/);
  assert.match(second.text_, /Newest entries/);
});

test('the CSV export is formula-safe, UTF-8 with a byte order mark, and itself audited', async () => {
  addStaff('formula.one', 'counter', '=1+1 陳大文');
  await signIn('formula.one');
  const response = await staff.auditor.request('/en/staff/audit.csv?staff=formula.one');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(response.headers.get('content-disposition'), /attachment; filename="audit-trail\.csv"/);
  // fetch's text() drops the byte order mark: read the bytes.
  const raw = await fetch(`${server.url}/en/staff/audit.csv?staff=formula.one`, { headers: { cookie: staff.auditor.cookieHeader() } });
  const bytes = Buffer.from(await raw.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = response.text_.replace(/^\uFEFF/, '').split('\r\n');
  assert.equal(lines[0], '"Time","Username","Name","Action","Subject","Detail"');
  assert.match(lines[1], /^"\d{4}-\d\d-\d\dT\d\d:\d\d","formula\.one","'=1\+1 陳大文","staff\.login","staff:\d+",""$/);
  // In Chinese, the headings are translated.
  const tc = await staff.auditor.request('/tc/staff/audit.csv?staff=formula.one');
  assert.match(tc.text_.split('\r\n')[0], /"時間"/);
  // Each export is an audit row, found by its action; the filter is in its detail.
  const exports = await staff.administrator.request('/en/staff/audit?action=audit.export&staff=auditor.one');
  assert.match(exports.text_, /<code>audit\.export<\/code>[\s\S]*?staff=formula\.one rows=1/);
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export' AND detail = 'staff=formula.one rows=1'")) >= 3);
  // A bad filter shows the page with the errors instead of a file, and exports nothing.
  const before_ = sql("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export'");
  const bad = await staff.auditor.request('/en/staff/audit.csv?from=tomorrow');
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /id="from-error"/);
  assert.equal(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export'"), before_);
});

test('a reader\'s data download lists who at the library looked at their record, by role', async () => {
  const reader = sql("SELECT id FROM readers WHERE card_number = '2100000006'");
  const counter = sql("SELECT id FROM staff WHERE username = 'counter.one'");
  const verifier = sql("SELECT id FROM staff WHERE username = 'verifier.one'");
  // reader.view is written by the reader record page (another branch); registration.view by the verifiers'.
  sql(`INSERT INTO audit_log (at, staff_id, action, subject, detail) VALUES (1790000000, ${counter}, 'reader.view', 'reader:${reader}', '')`);
  sql(`INSERT INTO audit_log (at, staff_id, action, subject, detail) VALUES (1790000100, ${verifier}, 'reader.view', 'reader:${Number(reader) + 1}', '')`);
  const client = await readerClient('2100000006');
  const data = JSON.parse((await client.request('/en/account/data.json')).text_);
  assert.equal(data.looked_at_by_staff.length, 1);
  assert.equal(data.looked_at_by_staff[0].what, 'record');
  assert.equal(data.looked_at_by_staff[0].staff_role, 'Counter staff');
  assert.match(data.looked_at_by_staff[0].at, /^2026-09-2\dT\d\d:\d\d$/);
  const csv = (await client.request('/tc/account/data.csv')).text_;
  assert.match(csv, /"looked_at_by_staff","record","櫃檯職員"/);
  assert.doesNotMatch(csv, /counter\.one/);
  // And the audit page finds it by the reader's card.
  const byCard = await staff.auditor.request('/en/staff/audit?card=2100000006');
  assert.match(byCard.text_, new RegExp(`<code>reader\\.view</code>\\s*</td>\\s*<td><code>reader:${reader}</code>`));
  assert.doesNotMatch(byCard.text_, new RegExp(`reader:${Number(reader) + 1}<`));
});

test('the audit trail passes the accessibility check in both languages', async () => {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    context.setDefaultTimeout(20000);
    const page = await context.newPage();
    await page.goto(`${server.url}/en/staff/login`);
    await page.getByLabel('Username').fill('auditor.one');
    await page.getByLabel('Password').fill(passphrase);
    await Promise.all([page.waitForNavigation(), page.locator('form.narrow-form button[type=submit]').click()]);
    for (const lang of ['en', 'tc']) {
      await page.goto(`${server.url}/${lang}/staff/`);
      await checkAccessibility(page, `${lang} auditor's staff home`);
      await page.goto(`${server.url}/${lang}/staff/audit`);
      await checkAccessibility(page, `${lang} audit trail`);
      await page.locator('#action').fill('staff.');
      await Promise.all([page.waitForNavigation(), page.locator('main form[role=search] button[type=submit]').click()]);
      assert.ok(await page.locator('main table tbody tr').count() >= 1);
      await checkAccessibility(page, `${lang} audit trail filtered`);
      await page.locator('#from').fill('not a date');
      await Promise.all([page.waitForNavigation(), page.locator('main form[role=search] button[type=submit]').click()]);
      assert.ok(await page.locator('.error-summary li').count() >= 1);
      assert.equal(await page.locator('#from').inputValue(), 'not a date');
      await checkAccessibility(page, `${lang} audit trail with errors`);
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${server.url}/${lang}/staff/audit?action=staff.`);
      await checkAccessibility(page, `${lang} audit trail on a phone`);
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  } finally {
    await browser.close();
  }
});
