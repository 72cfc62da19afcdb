// Finding a reader and the reader record (issue 15), over HTTP: the search by every kind of query, a scan that
// goes straight to the record, clear messages for empty and too short queries, the record with the masked
// HKID only and its reads audited, the counter page and the record linking to each other, and who may use
// them (counter, verifier, administrator; not an editor, a reader or a visitor; routes.test.mjs tries every
// role on every route). Then in Chromium: axe in both languages on the search and the record, the record at
// phone width without a horizontal scroll, and search -> record by keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark, Client, binary } from './harness.mjs';

let server;
const passphrase = 'a passphrase long enough';

function addStaff(username, role) {
  execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', username, '--role', role, '--password-stdin'],
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

before(async () => {
  server = await startShelfmark([], { catalogueRecords: 200 });
  addStaff('counter.one', 'counter');
  addStaff('verifier.one', 'verifier');
  addStaff('editor.one', 'editor');
  // Demo reader 2100000000 is Chan Tai Man, 陳大文; give them contact details and a masked HKID.
  sql("UPDATE readers SET email = 'Tai.Man@example.com', mobile = '91234567', hkid_masked = 'A123***(*)' WHERE card_number = '2100000000'");
});
after(async () => { await server?.stop(); });

test('counter staff find a reader by each kind of query and open the record, which is audited', async () => {
  const counter = await signIn('counter.one');
  const empty = await counter.request('/en/staff/readers');
  assert.equal(empty.status, 200);
  assert.match(empty.text_, /<input id="q" name="q" type="search"/);
  assert.doesNotMatch(empty.text_, /Readers found/);

  for (const [q, message] of [['', 'This field is required'], ['c', 'too short'], ['A123456(4)', 'check']]) {
    const refused = await counter.request(`/en/staff/readers?q=${encodeURIComponent(q)}`);
    assert.equal(refused.status, 422, q);
    assert.match(refused.text_, /id="q-error"/, q);
    assert.match(refused.text_, new RegExp(message, 'i'), q);
    assert.match(refused.text_, new RegExp(`value="${q.replace(/[()]/g, '\\$&')}"`), `${q} is kept`);
  }
  const chinese = await counter.request(`/tc/staff/readers?q=${encodeURIComponent('c')}`);
  assert.match(chinese.text_, /太短/);

  // A scan of a card (or a typed card number) goes straight to the record.
  const scan = await counter.request('/en/staff/readers?q=2100000000');
  assert.equal(scan.status, 303);
  assert.equal(scan.headers.get('location'), '/en/staff/readers/2100000000');

  for (const q of ['Chan Tai Man', 'chan tai', 'TAI-MAN chan', '陳大文', 'tai.man@EXAMPLE.com', '+852 9123 4567']) {
    const found = await counter.request(`/en/staff/readers?q=${encodeURIComponent(q)}`);
    assert.equal(found.status, 200, q);
    assert.match(found.text_, /href="\/en\/staff\/readers\/2100000000"/, q);
    assert.doesNotMatch(found.text_, /href="\/en\/staff\/readers\/2100000001"/, q);  // Wong Tai Man
  }
  // Part of a Chinese name matches anywhere in it: 大文 finds 陳大文 and 黃大文.
  const given = await counter.request(`/en/staff/readers?q=${encodeURIComponent('大文')}`);
  assert.match(given.text_, /href="\/en\/staff\/readers\/2100000000"/);
  assert.match(given.text_, /href="\/en\/staff\/readers\/2100000001"/);
  const list = await counter.request('/en/staff/readers?q=chan');
  assert.match(list.text_, /20 readers found/);
  assert.match(list.text_, /A123\*\*\*\(\*\)/);
  const none = await counter.request('/en/staff/readers?q=nobody');
  assert.match(none.text_, /No reader matches this search/);

  const before = Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'reader.view'"));
  const record = await counter.request('/en/staff/readers/2100000000');
  assert.equal(record.status, 200);
  assert.match(record.headers.get('cache-control'), /no-store/);
  for (const text of ['Chan Tai Man', '陳大文', 'A123***(*)', 'Tai.Man@example.com', '91234567', 'Current loans', 'Reservations',
    'Charges', 'Payments and waivers', 'Messages sent to the reader', 'Registration application', 'Enquiries', 'Activity enrolments',
    'Study room applications', 'Status and changes'])
    assert.ok(record.text_.includes(text), text);
  assert.match(record.text_, /href="\/en\/staff\/counter\?card=2100000000"/);
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'reader.view'")), before + 1);
  const row = sql("SELECT staff_id || '|' || subject || '|' || detail FROM audit_log WHERE action = 'reader.view' ORDER BY id DESC LIMIT 1");
  const readerId = sql("SELECT id FROM readers WHERE card_number = '2100000000'");
  const staffId = sql("SELECT id FROM staff WHERE username = 'counter.one'");
  assert.equal(row, `${staffId}|reader:${readerId}|`);
  assert.equal((await counter.request('/en/staff/readers/2199999999')).status, 404);

  // The counter page links to the record.
  const desk = await counter.request('/en/staff/counter?card=2100000000');
  assert.match(desk.text_, /href="\/en\/staff\/readers\/2100000000"/);
  // The staff home page links to the search.
  assert.match((await counter.request('/en/staff/')).text_, /href="\/en\/staff\/readers"/);
});

test('verifiers and administrators may search; editors, readers and visitors may not', async () => {
  const verifier = await signIn('verifier.one');
  assert.equal((await verifier.request('/en/staff/readers?q=chan')).status, 200);
  assert.equal((await verifier.request('/en/staff/readers/2100000000')).status, 200);
  // A verifier has no circulation counter: no link to it.
  assert.doesNotMatch((await verifier.request('/en/staff/readers/2100000000')).text_, /staff\/counter\?card=/);
  const admin = await signIn('admin', server.password);
  assert.equal((await admin.request('/tc/staff/readers/2100000000')).status, 200);

  const editor = await signIn('editor.one');
  assert.equal((await editor.request('/en/staff/readers?q=chan')).status, 403);
  assert.equal((await editor.request('/en/staff/readers/2100000000')).status, 403);
  assert.doesNotMatch((await editor.request('/en/staff/')).text_, /href="\/en\/staff\/readers"/);

  const visitor = new Client(server.url);
  for (const path of ['/en/staff/readers?q=chan', '/en/staff/readers/2100000000']) {
    const response = await visitor.request(path);
    assert.equal(response.status, 303, path);
    assert.equal(response.headers.get('location'), '/en/staff/login', path);
  }
  const reader = new Client(server.url);
  const signedIn = await reader.readerLogin('2100000006');
  assert.equal(signedIn.status, 303);
  for (const path of ['/en/staff/readers?q=chan', '/en/staff/readers/2100000000']) {
    const response = await reader.request(path);
    assert.equal(response.status, 303, path);
    assert.equal(response.headers.get('location'), '/en/staff/login', path);
  }
  // None of these refused reads was audited.
  assert.equal(Number(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'reader.view' AND staff_id = (SELECT id FROM staff WHERE username = 'editor.one')`)), 0);
});

test('search and record in Chromium: accessible in both languages, usable on a phone and by keyboard alone', async () => {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/en/staff/login`);
    await page.getByLabel('Username').fill('counter.one');
    await page.getByLabel('Password').fill(passphrase);
    await Promise.all([page.waitForNavigation(), page.locator('form.narrow-form button[type=submit]').click()]);
    for (const lang of ['en', 'tc']) {
      await page.goto(`${server.url}/${lang}/staff/readers`);
      await checkAccessibility(page, `${lang} find a reader`);
      await page.goto(`${server.url}/${lang}/staff/readers?q=chan`);
      await checkAccessibility(page, `${lang} readers found`);
      await page.goto(`${server.url}/${lang}/staff/readers?q=c`);
      await checkAccessibility(page, `${lang} a query too short`);
      await page.goto(`${server.url}/${lang}/staff/readers/2100000000`);
      await checkAccessibility(page, `${lang} reader record`);
      await page.setViewportSize({ width: 375, height: 740 });
      for (const path of [`/${lang}/staff/readers/2100000000`, `/${lang}/staff/readers?q=chan`]) {
        await page.goto(`${server.url}${path}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at 375px`);
        await checkAccessibility(page, `${path} on a phone`);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    }

    // Keyboard only: the search box has the focus, Enter searches, Tab reaches the first result, Enter opens it.
    await page.goto(`${server.url}/en/staff/readers`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'q');
    await page.keyboard.type('陳大文');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    let reached = false;
    for (let i = 0; i < 40 && !reached; ++i) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('href') === '/en/staff/readers/2100000000');
    }
    assert.ok(reached, 'the first result is reached with Tab');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, '/en/staff/readers/2100000000');
    assert.match(await page.locator('h1').innerText(), /Chan Tai Man/);
  } finally {
    await browser.close();
  }
});
