// Two-factor sign-in for staff over HTTP: a counter enrols with the key shown (the test computes the codes
// itself, RFC 6238), gets ten recovery codes once, then signs in with password and code; half signed in, every
// staff route refuses it; wrong codes are refused next to the field, a recovery code works once; a role that
// requires two-factor sends its staff to enrol from every staff page and keeps it on; an administrator resets
// it after a lost phone. Then every new page in Chromium with the accessibility check, in both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark, Client, binary } from './harness.mjs';

let server;
let routes;

before(async () => {
  server = await startShelfmark();
  routes = JSON.parse(execFileSync(binary, ['routes', '--json'], { encoding: 'utf8' }));
});

after(async () => {
  await server?.stop();
});

const password = 'a long enough passphrase for staff';

function addStaff(username, role) {
  execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', username, '--role', role, '--password-stdin'],
    { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 with SHA-1, 30-second steps, 6 digits; `steps` from now.
function totp(secret, steps = 0) {
  const counter = Math.floor(Date.now() / 1000 / 30) + steps;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secret)).update(message).digest();
  const offset = mac[19] & 0xf;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 1000000).padStart(6, '0');
}

test('the test computes the RFC 6238 codes', () => {
  // Appendix B's SHA-1 key, at 59 s: 94287082 (8 digits), so 287082 with 6.
  const realNow = Date.now;
  Date.now = () => 59000;
  try {
    assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'), '287082');
  } finally {
    Date.now = realNow;
  }
});

async function signIn(username) {
  const client = new Client(server.url);
  const response = await client.login(username, password);
  assert.equal(response.status, 303);
  return { client, location: response.headers.get('location') };
}

// Enrols a signed-in client; returns the secret and the recovery codes.
async function enrol(client) {
  const page = await client.request('/en/staff/two-factor');
  assert.equal(page.status, 200);
  const secret = /<code id="secret" class="secret">([A-Z2-7 ]+)<\/code>/.exec(page.text_)?.[1];
  assert.ok(secret, 'the key is shown as text');
  assert.match(page.text_, /<svg[^>]*role="img"/, 'and as a QR code');
  const csrf = client.csrfFrom(page.text_);
  const wrongCode = totp(secret) === '000000' ? '111111' : '000000';
  const wrong = await client.request('/en/staff/two-factor/confirm', { method: 'POST', form: { csrf, code: wrongCode } });
  assert.equal(wrong.status, 422);
  assert.match(wrong.text_, /id="code-error"/);
  assert.match(wrong.text_, new RegExp(secret), 'the same key is shown again');
  const done = await client.request('/en/staff/two-factor/confirm', { method: 'POST', form: { csrf, code: totp(secret) } });
  assert.equal(done.status, 200);
  const codes = [...done.text_.matchAll(/<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code><\/li>/g)].map((m) => m[1]);
  assert.equal(codes.length, 10);
  assert.equal(done.headers.get('cache-control'), 'no-store');
  return { secret, codes };
}

test('a counter enrols, then signs in with password and code; half signed in, no staff route answers', async () => {
  addStaff('counter.tfa', 'counter');
  const { client } = await signIn('counter.tfa');
  const { secret, codes } = await enrol(client);
  const status = await client.request('/en/staff/two-factor');
  assert.match(status.text_, /Unused recovery codes: 10/);

  const half = new Client(server.url);
  const password_ = await half.login('counter.tfa', password);
  assert.equal(password_.status, 303);
  assert.equal(password_.headers.get('location'), '/en/staff/login/code');
  assert.ok(![...half.cookies.keys()].includes('sm_session'), 'no session yet');
  // Every staff route refuses the half-signed-in client: sent to sign in, nothing done.
  for (const route of routes.filter((r) => r.access === 'staff')) {
    const path = route.pattern.replace('{lang}', 'en').replace(/\{(\w+)\}/g, (_, n) => (n === 'token' ? 'none' : n === 'code' ? 'CL' : n === 'date' ? '2031-01-01' : '1'));
    const response = await half.request(path, route.method === 'POST' ? { method: 'POST', form: { csrf: 'x' } } : {});
    assert.equal(response.status, 303, `${route.method} ${route.pattern}`);
    assert.equal(response.headers.get('location'), '/en/staff/login', `${route.method} ${route.pattern}`);
  }
  const form = await half.request('/en/staff/login/code');
  assert.equal(form.status, 200);
  const csrf = half.csrfFrom(form.text_);
  // The code used to enrol is used up; a wrong code is refused next to the field.
  const replay = await half.request('/en/staff/login/code', { method: 'POST', form: { csrf, code: totp(secret) } });
  assert.equal(replay.status, 422);
  assert.match(replay.text_, /id="code-error"/);
  const signedIn = await half.request('/en/staff/login/code', { method: 'POST', form: { csrf, code: totp(secret, 1) } });
  assert.equal(signedIn.status, 303);
  assert.equal(signedIn.headers.get('location'), '/en/staff/');
  assert.equal((await half.request('/en/staff/')).status, 200);
  assert.ok(![...half.cookies.keys()].includes('sm_staff_code'), 'the challenge cookie is cleared');

  // A recovery code signs in once.
  const other = new Client(server.url);
  await other.login('counter.tfa', password);
  const otherCsrf = other.csrfFrom((await other.request('/en/staff/login/code')).text_);
  assert.equal((await other.request('/en/staff/login/code', { method: 'POST', form: { csrf: otherCsrf, code: codes[0].toUpperCase() } })).status, 303);
  const third = new Client(server.url);
  await third.login('counter.tfa', password);
  const thirdCsrf = third.csrfFrom((await third.request('/en/staff/login/code')).text_);
  assert.equal((await third.request('/en/staff/login/code', { method: 'POST', form: { csrf: thirdCsrf, code: codes[0] } })).status, 422);
  // The code form without a challenge sends to the sign-in.
  const nobody = await new Client(server.url).request('/en/staff/login/code');
  assert.equal(nobody.headers.get('location'), '/en/staff/login');
});

test('a role that requires two-factor sends its staff to enrol, and an administrator resets it', async () => {
  addStaff('editor.tfa', 'editor');
  const boss = new Client(server.url);
  assert.equal((await boss.login('admin', server.password)).status, 303);
  const settings = await boss.request('/en/staff/accounts/two-factor');
  assert.equal(settings.status, 200);
  const bossCsrf = boss.csrfFrom(settings.text_);
  assert.equal((await boss.request('/en/staff/accounts/two-factor', { method: 'POST', form: { csrf: bossCsrf, require_editor: '1' } })).status, 303);
  assert.match((await boss.request('/en/staff/accounts/two-factor')).text_, /id="require_editor" name="require_editor" value="1" checked/);

  const { client, location } = await signIn('editor.tfa');
  assert.equal(location, '/en/staff/');
  for (const path of ['/en/staff/', '/en/staff/notices', '/en/staff/password']) {
    const response = await client.request(path);
    assert.equal(response.status, 303, path);
    assert.equal(response.headers.get('location'), '/en/staff/two-factor', path);
  }
  const page = await client.request('/en/staff/two-factor');
  assert.match(page.text_, /Your role requires two-factor sign-in/);
  await enrol(client);
  assert.equal((await client.request('/en/staff/notices')).status, 200);
  const enrolled = await client.request('/en/staff/two-factor');
  assert.doesNotMatch(enrolled.text_, /action="\/en\/staff\/two-factor\/turn-off"/, 'cannot be turned off');
  const refused = await client.request('/en/staff/two-factor/turn-off', { method: 'POST', form: { csrf: client.csrfFrom(enrolled.text_) } });
  assert.equal(refused.status, 422);

  // The list shows who has it; the administrator resets it, which ends the editor's sessions.
  const list = await boss.request('/en/staff/accounts');
  assert.match(list.text_, /<td>editor\.tfa<\/td>[\s\S]*?<td>On<\/td>/);
  const id = /<td>editor\.tfa<\/td>[\s\S]*?\/en\/staff\/accounts\/(\d+)"/.exec(list.text_)[1];
  const account = await boss.request(`/en/staff/accounts/${id}`);
  assert.match(account.text_, /Reset two-factor sign-in/);
  assert.equal((await boss.request(`/en/staff/accounts/${id}/reset-two-factor`, { method: 'POST', form: { csrf: bossCsrf } })).status, 303);
  assert.equal((await client.request('/en/staff/notices')).headers.get('location'), '/en/staff/login');
  const again = await signIn('editor.tfa');
  assert.equal(again.location, '/en/staff/', 'the password alone, then enrolment again');
  assert.equal((await again.client.request('/en/staff/notices')).headers.get('location'), '/en/staff/two-factor');
  assert.equal((await boss.request('/en/staff/accounts/two-factor', { method: 'POST', form: { csrf: bossCsrf } })).status, 303);
});

test('staff who are not administrators cannot set roles or reset others', async () => {
  addStaff('verifier.tfa', 'verifier');
  const { client } = await signIn('verifier.tfa');
  const csrf = client.csrfFrom((await client.request('/en/staff/')).text_);
  assert.equal((await client.request('/en/staff/accounts/two-factor')).status, 403);
  assert.equal((await client.request('/en/staff/accounts/two-factor', { method: 'POST', form: { csrf, require_counter: '1' } })).status, 403);
  assert.equal((await client.request('/en/staff/accounts/1/reset-two-factor', { method: 'POST', form: { csrf } })).status, 403);
  // Signed out, or as a reader: sent to the staff sign-in.
  const anonymous = new Client(server.url);
  assert.equal((await anonymous.request('/en/staff/two-factor')).headers.get('location'), '/en/staff/login');
});

test('every new page passes the accessibility check in both languages', async () => {
  addStaff('cataloguer.tfa', 'cataloguer');
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    context.setDefaultTimeout(20000);
    const page = await context.newPage();
    const signIn_ = async (lang) => {
      await page.goto(`${server.url}/${lang}/staff/login`);
      await page.locator('#username').fill('cataloguer.tfa');
      await page.locator('#password').fill(password);
      await Promise.all([page.waitForNavigation(), page.locator('form.narrow-form button[type=submit]').click()]);
    };
    await signIn_('en');
    let secret = '';
    for (const lang of ['en', 'tc']) {
      await page.goto(`${server.url}/${lang}/staff/two-factor`);
      await checkAccessibility(page, `${lang} two-factor enrolment`);
      secret = (await page.locator('#secret').textContent()).trim();
      await page.locator('#code').fill('12345');
      await Promise.all([page.waitForNavigation(), page.locator('form[action$="/two-factor/confirm"] button').click()]);
      assert.ok(await page.locator('.error-summary li').count() >= 1);
      await checkAccessibility(page, `${lang} two-factor enrolment with an error`);
    }
    await page.locator('#code').fill(totp(secret));
    await Promise.all([page.waitForNavigation(), page.locator('form[action$="/two-factor/confirm"] button').click()]);
    assert.equal(await page.locator('#recovery-codes li').count(), 10);
    await checkAccessibility(page, 'tc recovery codes');
    for (const lang of ['en', 'tc']) {
      await page.goto(`${server.url}/${lang}/staff/two-factor`);
      await checkAccessibility(page, `${lang} two-factor on`);
    }
    for (const lang of ['en', 'tc']) {
      await context.clearCookies();
      await signIn_(lang);
      assert.match(page.url(), /\/staff\/login\/code$/);
      await checkAccessibility(page, `${lang} sign-in code`);
      await page.locator('#code').fill('abc');
      await Promise.all([page.waitForNavigation(), page.locator('form.narrow-form button[type=submit]').click()]);
      assert.ok(await page.locator('#code-error').count() === 1);
      await checkAccessibility(page, `${lang} sign-in code with an error`);
    }
    await page.locator('#code').fill(totp(secret, 1));
    await Promise.all([page.waitForNavigation(), page.locator('form.narrow-form button[type=submit]').click()]);
    assert.match(page.url(), /\/tc\/staff\/$/);

    await context.clearCookies();
    await page.goto(`${server.url}/en/staff/login`);
    await page.locator('#username').fill('admin');
    await page.locator('#password').fill(server.password);
    await Promise.all([page.waitForNavigation(), page.locator('form.narrow-form button[type=submit]').click()]);
    for (const lang of ['en', 'tc']) {
      await page.goto(`${server.url}/${lang}/staff/accounts/two-factor`);
      await checkAccessibility(page, `${lang} two-factor by role`);
      await page.goto(`${server.url}/${lang}/staff/accounts`);
      await checkAccessibility(page, `${lang} staff accounts with two-factor`);
    }
  } finally {
    await browser.close();
  }
});
