// Staff accounts administered on the web, over HTTP: an administrator creates a counter account with a
// temporary password, it signs in and can do nothing but change it, the administrator disables it and its
// session ends at once, the last administrator cannot be disabled or demoted, a second administrator's
// stale form is told the account changed, and a non-administrator gets 403. Then every new page in Chromium
// with the accessibility check (axe-core), in both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark, Client } from './harness.mjs';

let server;

before(async () => {
  server = await startShelfmark();
});

after(async () => {
  await server?.stop();
});

const temporary = 'a temporary passphrase for the counter';
const chosen = 'the counter chose this long passphrase';

async function admin() {
  const client = new Client(server.url);
  const response = await client.login('admin', server.password);
  assert.equal(response.status, 303);
  return client;
}

// The account's id and the version its page carries.
async function accountForm(client, username) {
  const list = await client.request('/en/staff/accounts');
  assert.equal(list.status, 200);
  const id = new RegExp(`<td>${username.replace('.', '\\.')}</td>[\\s\\S]*?/en/staff/accounts/(\\d+)"`).exec(list.text_)?.[1];
  assert.ok(id, `${username} is listed`);
  const page = await client.request(`/en/staff/accounts/${id}`);
  assert.equal(page.status, 200);
  return { id, version: /name="version" value="(\d+)"/.exec(page.text_)[1], csrf: client.csrfFrom(page.text_), html: page.text_ };
}

test('an administrator creates a counter account, which must change its password, then disables it', async () => {
  const boss = await admin();
  const form = await boss.request('/en/staff/accounts/new');
  assert.equal(form.status, 200);
  const csrf = boss.csrfFrom(form.text_);
  // A mistake is shown next to the field, with what was typed kept (but never the password).
  const bad = await boss.request('/en/staff/accounts', { method: 'POST', form: { csrf, username: 'Counter.Two', display_name: 'Counter Two 櫃檯', role: 'counter', temporary_password: 'short' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /id="temporary_password-error"/);
  assert.match(bad.text_, /value="Counter\.Two"/);
  assert.match(bad.text_, /value="Counter Two 櫃檯"/);
  assert.doesNotMatch(bad.text_, /value="short"/);
  const created = await boss.request('/en/staff/accounts', { method: 'POST', form: { csrf, username: 'Counter.Two', display_name: 'Counter Two 櫃檯', role: 'counter', temporary_password: temporary } });
  assert.equal(created.status, 303);
  const listed = await boss.request('/en/staff/accounts');
  assert.match(listed.text_, /<td>counter\.two<\/td>[\s\S]*?must change password/);

  const counter = new Client(server.url);
  assert.equal((await counter.login('counter.two', temporary)).status, 303);
  // Every staff page sends it to change the password first.
  const home = await counter.request('/en/staff/');
  assert.equal(home.status, 303);
  assert.equal(home.headers.get('location'), '/en/staff/password');
  assert.equal((await counter.request('/en/staff/counter')).headers.get('location'), '/en/staff/password');
  const passwordPage = await counter.request('/en/staff/password');
  assert.equal(passwordPage.status, 200);
  const counterCsrf = counter.csrfFrom(passwordPage.text_);
  const same = await counter.request('/en/staff/password', { method: 'POST', form: { csrf: counterCsrf, current_password: temporary, new_password: temporary, repeat_password: temporary } });
  assert.equal(same.status, 422);
  assert.match(same.text_, /id="new_password-error"/);
  const changed = await counter.request('/en/staff/password', { method: 'POST', form: { csrf: counterCsrf, current_password: temporary, new_password: chosen, repeat_password: chosen } });
  assert.equal(changed.status, 303);
  assert.equal((await counter.request('/en/staff/')).status, 200);
  // A counter is not an administrator.
  assert.equal((await counter.request('/en/staff/accounts')).status, 403);
  assert.equal((await counter.request('/en/staff/accounts/1/disable', { method: 'POST', form: { csrf: counterCsrf, version: '1' } })).status, 403);

  // The administrator disables it: its session ends at once, and it cannot sign in again.
  const account = await accountForm(boss, 'counter.two');
  const disabled = await boss.request(`/en/staff/accounts/${account.id}/disable`, { method: 'POST', form: { csrf: account.csrf, version: account.version } });
  assert.equal(disabled.status, 303);
  const after = await counter.request('/en/staff/');
  assert.equal(after.status, 303);
  assert.match(after.headers.get('location'), /\/en\/staff\/login/);
  const again = await new Client(server.url).login('counter.two', chosen);
  assert.notEqual(again.status, 303);
  // Re-enabled, it signs in.
  const current = await accountForm(boss, 'counter.two');
  assert.match(current.html, /Enable account/);
  assert.equal((await boss.request(`/en/staff/accounts/${current.id}/enable`, { method: 'POST', form: { csrf: current.csrf, version: current.version } })).status, 303);
  assert.equal((await new Client(server.url).login('counter.two', chosen)).status, 303);
});

test('the last administrator can be neither disabled nor demoted', async () => {
  const boss = await admin();
  const self = await accountForm(boss, 'admin');
  const disable = await boss.request(`/en/staff/accounts/${self.id}/disable`, { method: 'POST', form: { csrf: self.csrf, version: self.version } });
  assert.equal(disable.status, 422);
  assert.match(disable.text_, /last enabled administrator/);
  const demote = await boss.request(`/en/staff/accounts/${self.id}`, { method: 'POST', form: { csrf: self.csrf, version: self.version, display_name: 'Admin', role: 'editor' } });
  assert.equal(demote.status, 422);
  assert.match(demote.text_, /last enabled administrator/);
  assert.equal((await boss.request('/en/staff/accounts')).status, 200, 'still an administrator');
});

test('a second administrator saving a stale form is told the account changed', async () => {
  const first = await admin();
  const second = await admin();
  const form = await first.request('/en/staff/accounts/new');
  assert.equal((await first.request('/en/staff/accounts', { method: 'POST', form: { csrf: first.csrfFrom(form.text_), username: 'editor.two', display_name: 'Editor Two', role: 'editor', temporary_password: temporary } })).status, 303);
  const a = await accountForm(first, 'editor.two');
  const b = await accountForm(second, 'editor.two');
  assert.equal((await first.request(`/en/staff/accounts/${a.id}`, { method: 'POST', form: { csrf: a.csrf, version: a.version, display_name: 'Editor Renamed', role: 'editor' } })).status, 303);
  const stale = await second.request(`/en/staff/accounts/${b.id}`, { method: 'POST', form: { csrf: b.csrf, version: b.version, display_name: 'Something Else', role: 'verifier' } });
  assert.equal(stale.status, 409);
  assert.match(stale.text_, /error-summary/);
  assert.match(stale.text_, /value="Editor Renamed"/, 'shows the account as it is now');
  // In Chinese too.
  const tc = await second.request(`/tc/staff/accounts/${b.id}`, { method: 'POST', form: { csrf: b.csrf, version: b.version, display_name: 'X', role: 'editor' } });
  assert.equal(tc.status, 409);
  assert.match(tc.text_, /lang="zh-Hant-HK"/);
});

test('every new page passes the accessibility check in both languages', async () => {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    context.setDefaultTimeout(20000);
    const page = await context.newPage();
    await page.goto(`${server.url}/en/staff/login`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(server.password);
    await Promise.all([page.waitForNavigation(), page.locator('form.narrow-form button[type=submit]').click()]);
    for (const lang of ['en', 'tc']) {
      await page.goto(`${server.url}/${lang}/staff/accounts`);
      await checkAccessibility(page, `${lang} staff accounts`);
      await page.goto(`${server.url}/${lang}/staff/accounts/new`);
      await checkAccessibility(page, `${lang} new staff account`);
      await Promise.all([page.waitForNavigation(), page.locator('main form[action$="/staff/accounts"] button').click()]);
      assert.ok(await page.locator('.error-summary li').count() >= 2);
      await checkAccessibility(page, `${lang} new staff account with errors`);
      await page.goto(`${server.url}/${lang}/staff/accounts`);
      await Promise.all([page.waitForNavigation(), page.locator('main table a').first().click()]);
      await checkAccessibility(page, `${lang} staff account`);
      await page.goto(`${server.url}/${lang}/staff/password`);
      await checkAccessibility(page, `${lang} change my password`);
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${server.url}/${lang}/staff/accounts`);
      await checkAccessibility(page, `${lang} staff accounts on a phone`);
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  } finally {
    await browser.close();
  }
});
