// Merging two reader records over HTTP: an administrator compares two records side by side (masked HKID only),
// merges them, and the other card stops working (no sign-in); merging again or into itself is refused with the
// reason; other staff get 403 and a visitor is sent to sign in. Then the page in Chromium with the
// accessibility check, in both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark, Client, binary } from './harness.mjs';

let server;

before(async () => {
  server = await startShelfmark();
});

after(async () => {
  await server?.stop();
});

const kept = '2100000008';
const other = '2100000009';

async function admin() {
  const client = new Client(server.url);
  assert.equal((await client.login('admin', server.password)).status, 303);
  return client;
}

async function readerSignsIn(card) {
  return new Client(server.url).readerLogin(card);
}

test('an administrator merges two records; the other card stops working', async () => {
  const boss = await admin();
  assert.equal((await readerSignsIn(other)).status, 303, 'the other card works before');
  const start = await boss.request(`/en/staff/readers/${kept}/merge`);
  assert.equal(start.status, 200);
  assert.match(start.text_, /id="other_card"/);
  const unknown = await boss.request(`/en/staff/readers/${kept}/merge?other_card=NOPE`);
  assert.equal(unknown.status, 422);
  assert.match(unknown.text_, /id="other_card-error"/);
  assert.match(unknown.text_, /value="NOPE"/, 'what was typed stays');
  const self = await boss.request(`/en/staff/readers/${kept}/merge?other_card=${kept}`);
  assert.match(self.text_, /cannot be merged into itself/);
  assert.doesNotMatch(self.text_, /Merge the records/);

  const preview = await boss.request(`/en/staff/readers/${kept}/merge?other_card=${other}`);
  assert.equal(preview.status, 200);
  assert.match(preview.text_, /What moves to the kept record/);
  assert.doesNotMatch(preview.text_, /[A-Z]{1,2}\d{6}\(?[0-9A]\)?/, 'no full HKID on the page');
  const csrf = boss.csrfFrom(preview.text_);
  const merged = await boss.request(`/en/staff/readers/${kept}/merge`, { method: 'POST', form: { csrf, other_card: other } });
  assert.equal(merged.status, 303);
  assert.equal(merged.headers.get('location'), `/en/staff/readers/${kept}/merge?saved=1`);
  assert.notEqual((await readerSignsIn(other)).status, 303, 'the other card no longer signs in');
  assert.equal((await readerSignsIn(kept)).status, 303, 'the kept card still does');

  const again = await boss.request(`/en/staff/readers/${kept}/merge`, { method: 'POST', form: { csrf, other_card: other } });
  assert.equal(again.status, 422);
  assert.match(again.text_, new RegExp(`Card ${other} has already been merged into card ${kept}`));
  const tc = await boss.request(`/tc/staff/readers/${kept}/merge?other_card=${other}`);
  assert.match(tc.text_, new RegExp(`借書證 ${other} 已合併至借書證 ${kept}`));
  const unknownKept = await boss.request('/en/staff/readers/NOPE/merge');
  assert.equal(unknownKept.status, 404);
});

test('only administrators merge; others get 403, visitors are sent to sign in', async () => {
  execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', 'merge.counter', '--role', 'counter', '--password-stdin'],
    { input: 'a long enough passphrase for staff\n', stdio: ['pipe', 'pipe', 'pipe'] });
  const counter = new Client(server.url);
  assert.equal((await counter.login('merge.counter', 'a long enough passphrase for staff')).status, 303);
  const csrf = counter.csrfFrom((await counter.request('/en/staff/')).text_);
  assert.equal((await counter.request(`/en/staff/readers/${kept}/merge`)).status, 403);
  assert.equal((await counter.request(`/en/staff/readers/${kept}/merge`, { method: 'POST', form: { csrf, other_card: '2100000040' } })).status, 403);
  const visitor = await new Client(server.url).request(`/en/staff/readers/${kept}/merge`);
  assert.equal(visitor.headers.get('location'), '/en/staff/login');
});

test('the merge page passes the accessibility check in both languages', async () => {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    context.setDefaultTimeout(20000);
    const page = await context.newPage();
    await page.goto(`${server.url}/en/staff/login`);
    await page.locator('#username').fill('admin');
    await page.locator('#password').fill(server.password);
    await Promise.all([page.waitForNavigation(), page.locator('form.narrow-form button[type=submit]').click()]);
    for (const lang of ['en', 'tc']) {
      await page.goto(`${server.url}/${lang}/staff/readers/2100000050/merge`);
      await checkAccessibility(page, `${lang} merge`);
      await page.locator('#other_card').fill('2100000051');
      await Promise.all([page.waitForNavigation(), page.locator('form[method=get][action$="/merge"] button').click()]);
      assert.equal(await page.locator('table.data').count(), 1);
      await checkAccessibility(page, `${lang} merge preview`);
      await page.goto(`${server.url}/${lang}/staff/readers/2100000050/merge?other_card=NOPE`);
      await checkAccessibility(page, `${lang} merge with an error`);
    }
  } finally {
    await browser.close();
  }
});
