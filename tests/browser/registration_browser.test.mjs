// Registration in Debian's Chromium: both types end to end in both languages, with the accessibility check
// (axe-core) on every step, on a phone without JavaScript too; then the staff queue, the application with
// its documents, counter completion and a temporary card, each checked the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark } from './harness.mjs';
import { startSmtpSink } from './mail_sink.mjs';
import { png, hkid } from './images.mjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let server;
let browser;
let smtp;

before(async () => {
  smtp = await startSmtpSink();
  server = await startShelfmark(['--registration-starts-per-hour', '1000', '--smtp-url', smtp.url, '--smtp-from',
    'library@example.org']);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  smtp?.stop();
});

async function submitForm(page, selector = 'main form button[type=submit]') {
  await Promise.all([page.waitForNavigation(), page.locator(selector).last().click()]);
}

async function fillDetails(page, id, { typeB = false, lang = 'en' } = {}) {
  await page.locator('#name_en').fill('WONG, Siu Ling');
  await page.locator('#name_zh').fill('黃小玲');
  await page.locator('#hkid').fill(id);
  await page.locator('#date_of_birth').fill('1985-07-15');
  await page.locator('#email').fill(`browser-${id.replace(/\W/g, '')}@example.com`);
  await page.locator(lang === 'en' ? '#language_en' : '#language').check();
  if (typeB) {
    await page.locator('#address').fill('Flat C, 20/F, 88 Harbour Road');
    await page.locator('#library_code').selectOption('CL');
  }
  await page.locator('#password').fill('harbour lights 1985');
  await page.locator('#password_repeat').fill('harbour lights 1985');
}

test('Type A end to end in both languages, accessible at every step', async () => {
  for (const [lang, letter] of [['en', 'H'], ['tc', 'K']]) {
    const context = await browser.newContext();
    context.setDefaultTimeout(20000);
    const page = await context.newPage();
    const id = hkid(letter, '246810');
    await page.goto(`${server.url}/${lang}/register`);
    await checkAccessibility(page, `${lang} register start`);
    await submitForm(page, 'form:has(input[value=e_account]) button');
    assert.match(page.url(), /\/register\/terms$/);
    await checkAccessibility(page, `${lang} terms`);
    await submitForm(page);  // nothing ticked
    assert.equal(await page.locator('.error-summary li').count(), 3);
    await checkAccessibility(page, `${lang} terms with errors`);
    for (const box of ['#statement', '#declarations', '#regulation']) await page.locator(box).check();
    await submitForm(page);
    assert.match(page.url(), /\/register\/details$/);
    await checkAccessibility(page, `${lang} details`);

    await fillDetails(page, `${id.slice(0, -2)}${id.at(-2) === '1' ? '2' : '1'})`, { lang });  // a wrong check digit
    await submitForm(page);
    assert.equal(await page.locator('#hkid[aria-invalid=true]').count(), 1);
    assert.equal(await page.locator('#name_zh').inputValue(), '黃小玲');  // kept
    await checkAccessibility(page, `${lang} details with errors`);
    await fillDetails(page, id, { lang });
    await submitForm(page);
    assert.match(page.url(), /\/register\/documents$/);
    await checkAccessibility(page, `${lang} documents`);

    // With JavaScript, a file over 3 MB is refused before it is sent.
    const big = Buffer.concat([png(), Buffer.alloc(3 * 1024 * 1024)]);
    await page.locator('#identity').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
    assert.equal(await page.locator('#identity-check').isVisible(), true);
    assert.notEqual(await page.locator('#identity').evaluate((input) => input.validationMessage), '');
    await page.locator('#identity').setInputFiles({ name: 'card.png', mimeType: 'image/png', buffer: png(120, 80) });
    assert.equal(await page.locator('#identity-check').isVisible(), false);
    await submitForm(page);
    assert.match(page.url(), /\/register\/review$/);
    await checkAccessibility(page, `${lang} review`);
    await submitForm(page);
    await checkAccessibility(page, `${lang} done`);
    // The page names no account number (it would tell a duplicate from a new account: Hardening 4); the reader
    // signs in with the identity card number.
    assert.match(await page.locator('main').innerText(), /Sign in with your identity card number and your password|請以身份證號碼及密碼登入/);
    assert.doesNotMatch(await page.locator('main').innerText(), /E\d{10}/);

    await page.goto(`${server.url}/${lang}/login/forgot`);
    await checkAccessibility(page, `${lang} forgotten password`);
    await page.locator('#card').fill(id);
    await submitForm(page);
    await checkAccessibility(page, `${lang} reset link sent`);
    // The link is made as the email is sent: neither the outbox nor any other part of the database files holds it.
    const mail = await smtp.waitFor((m) => m.to.includes(`browser-${id.replace(/\W/g, '')}`) && /login\/reset\?token=/.test(m.text),
      'with a reset link');
    const token = /login\/reset\?token=([A-Za-z0-9_-]+)/.exec(mail.at(-1).text)[1];
    const stored = ['shelfmark.db', 'shelfmark.db-wal'].map((name) => join(server.dir, name)).filter(existsSync)
      .map((path) => readFileSync(path).toString('latin1')).join('');
    assert.equal(stored.includes(token), false);
    await page.goto(`${server.url}/${lang}/login/reset?token=${token}`);
    assert.equal(await page.locator('#new_password').count(), 1);
    await checkAccessibility(page, `${lang} choose a new password`);
    await page.goto(`${server.url}/${lang}/login/reset?token=not-a-real-token-at-all`);
    await checkAccessibility(page, `${lang} reset link expired`);
    await page.goto(`${server.url}/${lang}/login`);
    await page.locator('#card').fill(id);
    await page.locator('#password').fill('harbour lights 1985');
    await submitForm(page);
    assert.match(page.url(), /\/account$/);
    await checkAccessibility(page, `${lang} account of a new E-Account`);
    // My Setting: keep a reading history; contact details need the password again.
    await page.locator('#keep_history').check();
    await submitForm(page, 'form[action$="/account/preferences"] button');
    assert.equal(await page.locator('#keep_history').isChecked(), true);
    await page.locator('#mobile').fill('6123 4567');
    await page.locator('#contact_secret').fill('not my password');
    await submitForm(page, 'form[action$="/account/contact"] button');
    assert.equal(await page.locator('#contact_secret-error').count(), 1);
    assert.equal(await page.locator('#mobile').inputValue(), '6123 4567');  // what was typed stays
    await checkAccessibility(page, `${lang} contact details refused`);
    await page.locator('#contact_secret').fill('harbour lights 1985');
    await submitForm(page, 'form[action$="/account/contact"] button');
    assert.equal(await page.locator('#mobile').inputValue(), '61234567');
    await context.close();
  }
});

test('without JavaScript the whole application still works', async () => {
  const id = hkid('N', '975310');
  const context = await browser.newContext({ javaScriptEnabled: false });
  context.setDefaultTimeout(20000);
  const page = await context.newPage();
  await page.goto(`${server.url}/en/register`);
  await submitForm(page, 'form:has(input[value=e_account]) button');
  for (const box of ['#statement', '#declarations', '#regulation']) await page.locator(box).check();
  await submitForm(page);
  await fillDetails(page, id);
  await submitForm(page);
  await page.locator('#identity').setInputFiles({ name: 'id.png', mimeType: 'image/png', buffer: png(90, 60) });
  await submitForm(page);
  assert.match(page.url(), /\/register\/review$/);
  await submitForm(page);
  assert.match(await page.locator('h1').innerText(), /Application received/);
  await context.close();
});

test('Type B on a phone, then verified and completed by staff', async () => {
  const id = hkid('M', '135790');
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
  phone.setDefaultTimeout(20000);
  const page = await phone.newPage();
  await page.goto(`${server.url}/tc/register`);
  await submitForm(page, 'form:has(input[value=library_card]) button');
  for (const box of ['#statement', '#declarations', '#regulation']) await page.locator(box).check();
  await submitForm(page);
  await fillDetails(page, id, { typeB: true, lang: 'tc' });
  await checkAccessibility(page, 'tc details, Type B, phone');
  await submitForm(page);
  await checkAccessibility(page, 'tc documents, Type B, phone');
  await page.locator('#identity').setInputFiles({ name: 'id.png', mimeType: 'image/png', buffer: png(100, 70) });
  await page.locator('#address').setInputFiles({ name: 'bill.png', mimeType: 'image/png', buffer: png(70, 100) });
  await submitForm(page);
  assert.match(page.url(), /\/register\/review$/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the review page fits a phone (${width}px)`);
  await submitForm(page);
  const reference = await page.locator('.reference').innerText();
  await checkAccessibility(page, 'tc done, Type B, phone');
  await phone.close();

  const desk = await browser.newContext();
  desk.setDefaultTimeout(20000);
  const staff = await desk.newPage();
  await staff.goto(`${server.url}/en/staff/login`);
  await staff.getByLabel('Username').fill('admin');
  await staff.getByLabel('Password').fill(server.password);
  await submitForm(staff, 'form.narrow-form button[type=submit]');
  await staff.goto(`${server.url}/en/staff/registrations`);
  await checkAccessibility(staff, 'staff queue');
  await staff.locator(`a:text("${reference}")`).click();
  await staff.waitForURL(/\/staff\/registrations\/\d+$/);
  await checkAccessibility(staff, 'staff application');
  assert.equal(await staff.locator('img.document-image').count(), 2);
  const loaded = await staff.locator('img.document-image').evaluateAll((images) => images.every((i) => i.naturalWidth > 0));
  assert.ok(loaded, 'the documents show');
  await submitForm(staff, 'form[action$="/approve"] button');
  assert.match(staff.url(), /done=approved/);
  await checkAccessibility(staff, 'staff queue after approval');

  await staff.goto(`${server.url}/tc/staff/registrations/complete`);
  await staff.locator('#q').fill(reference.replace('-', ''));
  await submitForm(staff);
  await checkAccessibility(staff, 'counter search');
  await staff.locator('table a[href$="/complete"]').first().click();
  await staff.waitForURL(/\/complete$/);
  await checkAccessibility(staff, 'counter completion form');
  await staff.locator('#link_smart_id').check();
  await staff.locator('#smart_id_number').fill(id);
  await staff.locator('#smart_id_issue_date').fill('2020-02-02');
  await staff.locator('#card_number').fill('2177000001');
  await submitForm(staff);
  assert.match(await staff.locator('.flash').innerText(), /登記已完成/);
  await checkAccessibility(staff, 'counter after completion');

  await staff.goto(`${server.url}/en/staff/temporary-card`);
  await checkAccessibility(staff, 'temporary card form');
  await staff.locator('#name').fill('MÜLLER, Anna');
  await staff.locator('#card_number').fill('2177000002');
  const nextMonth = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
  await staff.locator('#expires_on').fill(nextMonth);
  await staff.locator('#language_en').check();
  await submitForm(staff);
  assert.match(await staff.locator('.flash').innerText(), /temporary card has been issued/);
  await checkAccessibility(staff, 'temporary card issued');
  await desk.close();
});
