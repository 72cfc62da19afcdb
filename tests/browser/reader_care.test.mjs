// Looking after a reader, over HTTP and in Chromium: every page of /{lang}/staff/readers/{card}/… with every
// staff role, a reader and an anonymous visitor; a field error that keeps what was typed; two staff editing
// one reader (409); a block that shows at the counter and in My Account; a note to the reader acknowledged in
// My Account; the PIN page; the reset link. Then every page with the accessibility check in both languages,
// and the edit form used with the keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark, Client, binary } from './harness.mjs';

let server;
const passphrase = 'a passphrase long enough';
const roles = ['editor', 'counter', 'verifier', 'cataloguer', 'reference'];
const allowed = new Set(['administrator', 'counter']);
const staff = {};
const card = '2100000001';  // a demo reader with a password (demo_reader_password)
const pages = ['edit', 'membership', 'blocks', 'notes', 'pin', 'password-reset'];

async function signInStaff(username, password) {
  const client = new Client(server.url);
  assert.equal((await client.login(username, password)).status, 303, `${username} signs in`);
  client.csrf = client.csrfFrom((await client.request('/en/staff/')).text_);
  return client;
}

async function signInReader(number) {
  const client = new Client(server.url);
  const response = await client.readerLogin(number);
  assert.equal(response.status, 303, `${number} signs in`);
  client.csrf = client.csrfFrom((await client.request('/en/account')).text_);
  return client;
}

async function form(client, path) {
  const page = await client.request(path);
  assert.equal(page.status, 200, path);
  return { html: page.text_, csrf: client.csrfFrom(page.text_), version: /name="version" value="(\d+)"/.exec(page.text_)?.[1] };
}

before(async () => {
  server = await startShelfmark();
  staff.administrator = await signInStaff('admin', server.password);
  for (const role of roles) {
    execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', `${role}.care`, '--role', role, '--password-stdin'],
      { input: `${passphrase}\n`, encoding: 'utf8' });
    staff[role] = await signInStaff(`${role}.care`, passphrase);
  }
});
after(async () => { await server?.stop(); });

test('every page is for administrators and counter staff only; readers and visitors are sent away', async () => {
  const reader = await signInReader('2100000002');
  const anonymous = new Client(server.url);
  for (const page of pages) {
    const path = `/en/staff/readers/${card}/${page}`;
    for (const [role, client] of Object.entries(staff)) {
      const response = await client.request(path);
      assert.equal(response.status, allowed.has(role) ? 200 : 403, `${role} GET ${path}`);
      if (allowed.has(role)) {
        assert.match(response.text_, new RegExp(`href="/en/staff/readers/${card}"`), 'links back to the record');
        assert.match(response.text_, new RegExp(`Card ${card}`), 'says who the reader is');
      } else {
        const post = await client.request(path, { method: 'POST', form: { csrf: client.csrf, version: '1', reason: 'misconduct', kind: 'internal', body: 'x', pin: '1234', repeated_pin: '1234' } });
        assert.equal(post.status, 403, `${role} POST ${path}`);
      }
    }
    for (const [who, client] of [['reader', reader], ['anonymous', anonymous]]) {
      const get = await client.request(path);
      assert.equal(get.status, 303, `${who} GET ${path}`);
      assert.match(get.headers.get('location'), /\/en\/staff\/login/);
      const post = await client.request(path, { method: 'POST', form: { csrf: client.csrf ?? 'x', reason: 'misconduct', kind: 'internal', body: 'x', pin: '1234', repeated_pin: '1234' } });
      assert.ok([303, 403, 419].includes(post.status), `${who} POST ${path}: ${post.status}`);
    }
  }
  // Nothing the refused posts sent was saved.
  const blocks = await staff.administrator.request(`/en/staff/readers/${card}/blocks`);
  assert.match(blocks.text_, /This reader has never been blocked/);
  const notes = await staff.administrator.request(`/en/staff/readers/${card}/notes`);
  assert.match(notes.text_, /There are no notes yet/);
  // An unknown card is not found.
  assert.equal((await staff.counter.request('/en/staff/readers/99999999999/edit')).status, 404);
});

test('a mistake is shown next to its field with what was typed kept, and a stale form is told the reader changed', async () => {
  const first = await form(staff.counter, `/en/staff/readers/${card}/edit`);
  const values = (html, name) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1] ?? '';
  const base = { csrf: first.csrf, version: first.version, name_en: values(first.html, 'name_en'), name_zh: values(first.html, 'name_zh'),
    date_of_birth: values(first.html, 'date_of_birth'), email: values(first.html, 'email'), mobile: values(first.html, 'mobile'),
    address: '', language: 'en', channel: 'none', reason: '' };
  const bad = await staff.counter.request(`/en/staff/readers/${card}/edit`, { method: 'POST', form: { ...base, email: 'not an email', address: '1 Typed Street 街' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /id="email-error"/);
  assert.match(bad.text_, /value="not an email"/);
  assert.match(bad.text_, /1 Typed Street 街<\/textarea>/);
  const badTc = await staff.counter.request(`/tc/staff/readers/${card}/edit`, { method: 'POST', form: { ...base, mobile: '123' } });
  assert.equal(badTc.status, 422);
  assert.match(badTc.text_, /id="mobile-error"/);
  assert.match(badTc.text_, /lang="zh-Hant-HK"/);

  const second = await form(staff.administrator, `/en/staff/readers/${card}/edit`);
  const saved = await staff.counter.request(`/en/staff/readers/${card}/edit`, { method: 'POST', form: { ...base, address: 'Saved by the counter' } });
  assert.equal(saved.status, 303);
  const stale = await staff.administrator.request(`/en/staff/readers/${card}/edit`, { method: 'POST', form: { ...base, csrf: second.csrf, version: second.version, address: 'Saved by the administrator' } });
  assert.equal(stale.status, 409);
  assert.match(stale.text_, /error-summary/);
  assert.match(stale.text_, /Saved by the counter<\/textarea>/, 'shows the reader as they are now');
});

test('a block shows at the counter and in My Account, and is lifted by staff', async () => {
  const blocked = '2100000003';
  const page = await form(staff.counter, `/en/staff/readers/${blocked}/blocks`);
  const past = await staff.counter.request(`/en/staff/readers/${blocked}/blocks`, { method: 'POST', form: { csrf: page.csrf, reason: 'misconduct', note: 'Typed note', ends_on: '2000-01-01' } });
  assert.equal(past.status, 422);
  assert.match(past.text_, /id="ends_on-error"/);
  assert.match(past.text_, /value="Typed note"/);
  assert.equal((await staff.counter.request(`/en/staff/readers/${blocked}/blocks`, { method: 'POST', form: { csrf: page.csrf, reason: 'misconduct', note: 'Shouting', ends_on: '' } })).status, 303);
  const counter = await staff.counter.request(`/en/staff/counter?card=${blocked}`);
  assert.match(counter.text_, /blocked because of misconduct in a library\. Please contact library staff/);
  // The reader record shows the block in force, and the ways to look after the reader.
  const record = (await staff.counter.request(`/en/staff/readers/${blocked}`)).text_;
  assert.match(record, /id="blocks-heading">Blocked</);
  assert.match(record, /Misconduct in library[^<]*<\/strong>:[^<]*Until lifted\. Shouting/);
  assert.match(record, new RegExp(`href="/en/staff/readers/${blocked}/edit"`));
  assert.doesNotMatch(record, /\/merge"/, 'counter staff are not offered a merge');
  assert.match((await staff.administrator.request(`/en/staff/readers/${blocked}`)).text_, /\/merge"[^>]*>Merge reader records/);
  const reader = await signInReader(blocked);
  assert.match((await reader.request('/en/account')).text_, /blocked because of misconduct in a library/);
  assert.match((await reader.request('/tc/account')).text_, /請聯絡圖書館職員/);
  const list = await form(staff.counter, `/en/staff/readers/${blocked}/blocks`);
  const id = /\/blocks\/(\d+)\/lift/.exec(list.html)[1];
  assert.equal((await staff.counter.request(`/en/staff/readers/${blocked}/blocks/${id}/lift`, { method: 'POST', form: { csrf: list.csrf } })).status, 303);
  assert.doesNotMatch((await reader.request('/en/account')).text_, /blocked because of misconduct/);
});

test('a note to the reader shows at the counter and in My Account until acknowledged', async () => {
  const number = '2100000004';
  const page = await form(staff.counter, `/en/staff/readers/${number}/notes`);
  const empty = await staff.counter.request(`/en/staff/readers/${number}/notes`, { method: 'POST', form: { csrf: page.csrf, kind: 'to_reader', body: '' } });
  assert.equal(empty.status, 422);
  assert.match(empty.text_, /id="body-error"/);
  assert.equal((await staff.counter.request(`/en/staff/readers/${number}/notes`, { method: 'POST', form: { csrf: page.csrf, kind: 'to_reader', body: 'Please bring your proof of address.' } })).status, 303);
  assert.equal((await staff.counter.request(`/en/staff/readers/${number}/notes`, { method: 'POST', form: { csrf: page.csrf, kind: 'internal', body: 'Staff eyes only' } })).status, 303);
  assert.match((await staff.counter.request(`/en/staff/counter?card=${number}`)).text_, /Please bring your proof of address/);
  const record = (await staff.counter.request(`/en/staff/readers/${number}`)).text_;
  assert.match(record, /To the reader<\/td><td>Please bring your proof of address\.<\/td>/);
  assert.match(record, /Internal<\/td><td>Staff eyes only<\/td>/);
  const reader = await signInReader(number);
  const account = (await reader.request('/en/account')).text_;
  assert.match(account, /Please bring your proof of address/);
  assert.doesNotMatch(account, /Staff eyes only/);
  const id = /\/en\/account\/notes\/(\d+)\/acknowledge/.exec(account)[1];
  // Another reader cannot acknowledge it.
  const other = await signInReader('2100000005');
  assert.equal((await other.request(`/en/account/notes/${id}/acknowledge`, { method: 'POST', form: { csrf: other.csrf } })).status, 404);
  assert.equal((await reader.request(`/en/account/notes/${id}/acknowledge`, { method: 'POST', form: { csrf: reader.csrf } })).status, 303);
  assert.doesNotMatch((await reader.request('/en/account')).text_, /Please bring your proof of address/);
  assert.doesNotMatch((await staff.counter.request(`/en/staff/counter?card=${number}`)).text_, /Please bring your proof of address/);
});

test('the PIN the reader types is never shown back, and a reset link is sent without staff seeing it', async () => {
  const page = await form(staff.counter, `/en/staff/readers/${card}/pin`);
  assert.match(page.html, /id="pin" name="pin" type="password"/);
  const differ = await staff.counter.request(`/en/staff/readers/${card}/pin`, { method: 'POST', form: { csrf: page.csrf, pin: '482193', repeated_pin: '482194' } });
  assert.equal(differ.status, 422);
  assert.match(differ.text_, /id="repeated_pin-error"/);
  assert.doesNotMatch(differ.text_, /482193/);
  assert.equal((await staff.counter.request(`/en/staff/readers/${card}/pin`, { method: 'POST', form: { csrf: page.csrf, pin: '482193', repeated_pin: '482193' } })).status, 303);
  let reset = await form(staff.counter, `/en/staff/readers/${card}/password-reset`);
  if (/has no email address/.test(reset.html)) {
    const none = await staff.counter.request(`/en/staff/readers/${card}/password-reset`, { method: 'POST', form: { csrf: reset.csrf } });
    assert.equal(none.status, 422);
    assert.match(none.text_, /no reset link can be sent/);
    const edit = await form(staff.counter, `/en/staff/readers/${card}/edit`);
    const value = (name) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(edit.html)?.[1] ?? '';
    const added = await staff.counter.request(`/en/staff/readers/${card}/edit`, { method: 'POST', form: { csrf: edit.csrf, version: edit.version,
      name_en: value('name_en'), name_zh: value('name_zh'), date_of_birth: value('date_of_birth'), email: 'reader.care@example.com',
      mobile: value('mobile'), address: '', language: 'en', channel: 'email', reason: 'Asked for email' } });
    assert.equal(added.status, 303);
    reset = await form(staff.counter, `/en/staff/readers/${card}/password-reset`);
  }
  const sent = await staff.counter.request(`/en/staff/readers/${card}/password-reset`, { method: 'POST', form: { csrf: reset.csrf } });
  assert.equal(sent.status, 303);
  const after = await staff.counter.request(sent.headers.get('location'));
  assert.match(after.text_, /The reset link has been sent/);
  assert.doesNotMatch(after.text_, /token=/);
  const renew = await form(staff.counter, `/en/staff/readers/${card}/membership`);
  assert.equal((await staff.counter.request(`/en/staff/readers/${card}/membership`, { method: 'POST', form: { csrf: renew.csrf, version: renew.version } })).status, 303);
  assert.equal((await staff.counter.request(`/en/staff/readers/${card}/membership`, { method: 'POST', form: { csrf: renew.csrf, version: renew.version } })).status, 409);
});

test('every page passes the accessibility check in both languages, and the edit form works by keyboard alone', async () => {
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
      for (const name of pages) {
        await page.goto(`${server.url}/${lang}/staff/readers/${card}/${name}`);
        await checkAccessibility(page, `${lang} ${name}`);
      }
      await page.goto(`${server.url}/${lang}/staff/readers/${card}/edit`);
      await page.locator('#name_en').fill('');
      await Promise.all([page.waitForNavigation(), page.locator('main form[action$="/edit"] button[type=submit]').click()]);
      assert.equal(await page.locator('#name_en-error').count(), 1);
      await checkAccessibility(page, `${lang} edit with errors`);
    }

    // The counter and My Account with a block and a note to the reader showing.
    const shown = '2100000006';
    const notes = await form(staff.counter, `/en/staff/readers/${shown}/notes`);
    assert.equal((await staff.counter.request(`/en/staff/readers/${shown}/notes`, { method: 'POST', form: { csrf: notes.csrf, kind: 'to_reader', body: 'Your reservation card is ready 請到櫃檯' } })).status, 303);
    assert.equal((await staff.counter.request(`/en/staff/readers/${shown}/blocks`, { method: 'POST', form: { csrf: notes.csrf, reason: 'damaged_items', note: '', ends_on: '' } })).status, 303);
    for (const lang of ['en', 'tc']) {
      await page.goto(`${server.url}/${lang}/staff/counter?card=${shown}`);
      assert.equal(await page.locator('.reader-notes li').count(), 1);
      await checkAccessibility(page, `${lang} counter with a note and a block`);
    }
    const readerContext = await browser.newContext();
    const readerPage = await readerContext.newPage();
    for (const lang of ['en', 'tc']) {
      await readerPage.goto(`${server.url}/${lang}/login`);
      await readerPage.locator('#card').fill(shown);
      await readerPage.locator('#password').fill(`demo reader ${shown.slice(-4)}`);
      await readerPage.locator('#password').press('Enter');
      await readerPage.waitForURL(`**/${lang}/account`);
      assert.equal(await readerPage.locator('.library-notes li').count(), 1);
      await checkAccessibility(readerPage, `${lang} My Account with a note and a block`);
      await readerPage.locator('form[action$="/logout"] button').click();
      await readerPage.waitForLoadState('load');
    }
    await readerContext.close();

    // Keyboard only: from the name field, Tab through to the address, type, and submit with Enter.
    await page.goto(`${server.url}/en/staff/readers/${card}/edit`);
    await page.locator('#name_en').focus();
    let guard = 0;
    while (await page.evaluate(() => document.activeElement?.id) !== 'address' && guard++ < 20) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'address');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Typed by keyboard 12');
    while (await page.evaluate(() => document.activeElement?.tagName) !== 'BUTTON' && guard++ < 40) await page.keyboard.press('Tab');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(page.url(), /\/edit\?saved=1$/, await page.locator('main').innerText());
    assert.equal(await page.locator('#address').inputValue(), 'Typed by keyboard 12');
  } finally {
    await browser.close();
  }
});
