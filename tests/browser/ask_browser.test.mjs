// Ask a Librarian in Debian's Chromium with the accessibility check (axe-core) on every page: the public
// form in both languages (with errors, and without JavaScript), the FAQ and its search, the staff queue,
// an enquiry being claimed and answered, the FAQ form and list, and a reader's own enquiries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startShelfmark(['--enquiries-per-address-per-hour', '1000']);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function submitForm(page, selector = 'main form button[type=submit]') {
  await Promise.all([page.waitForNavigation(), page.locator(selector).last().click()]);
}

const referencePattern = /^Q[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

test('the public form in both languages: errors, then sent, accessible throughout', async () => {
  for (const lang of ['en', 'tc']) {
    const context = await browser.newContext();
    context.setDefaultTimeout(20000);
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/ask`);
    await checkAccessibility(page, `${lang} ask form`);
    await page.locator('#question').fill('Hi');
    await submitForm(page);
    assert.ok(await page.locator('.error-summary li').count() >= 4);
    assert.equal(await page.locator('#question').inputValue(), 'Hi', 'kept');
    await checkAccessibility(page, `${lang} ask form with errors`);
    await page.locator('#name').fill(lang === 'en' ? 'Kwok Wing' : '郭穎');
    await page.locator('#email').fill(`browser-${lang}@example.com`);
    await page.locator('#subject').selectOption('reference');
    await page.locator('#library').selectOption('CL');
    await page.locator(lang === 'en' ? '#language' : '#language_tc').check();
    await page.locator('#question').fill(lang === 'en' ? 'Do you keep the Hong Kong Government Gazette from 1950?' : '請問圖書館有沒有1950年的香港政府憲報？');
    await submitForm(page);
    assert.match(await page.locator('.reference').innerText(), referencePattern);
    await checkAccessibility(page, `${lang} enquiry sent`);

    await page.goto(`${server.url}/${lang}/ask/faq`);
    assert.ok(await page.locator('.faq-entry').count() >= 3, 'the demo questions');
    await checkAccessibility(page, `${lang} FAQ`);
    await page.locator('#q').fill(lang === 'en' ? 'renew' : '續借');
    await submitForm(page, 'main form[role=search] button');
    assert.equal(await page.locator('.faq-entry').count(), 1);
    await checkAccessibility(page, `${lang} FAQ search`);
    await page.locator('#q').fill('zzzz no such thing');
    await submitForm(page, 'main form[role=search] button');
    assert.equal(await page.locator('.faq-entry').count(), 0);
    await checkAccessibility(page, `${lang} FAQ nothing found`);
    await context.close();
  }
});

test('without JavaScript an enquiry can still be sent', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  context.setDefaultTimeout(20000);
  const page = await context.newPage();
  await page.goto(`${server.url}/en/ask`);
  await page.locator('#name').fill('No Script');
  await page.locator('#email').fill('noscript@example.com');
  await page.locator('#subject').selectOption('e_resources');
  await page.locator('#question').fill('How do I read e-books on a computer without JavaScript?');
  await submitForm(page);
  assert.match(await page.locator('.reference').innerText(), referencePattern);
  await context.close();
});

test('staff see the queue, claim and answer an enquiry, publish it as an FAQ; the reader reads the reply', async () => {
  // A reader asks, signed in.
  const readerContext = await browser.newContext();
  readerContext.setDefaultTimeout(20000);
  const reader = await readerContext.newPage();
  await reader.goto(`${server.url}/en/login`);
  await reader.locator('#card').fill('2100000008');
  await reader.locator('#password').fill('demo reader 0008');
  await submitForm(reader);
  await reader.goto(`${server.url}/en/ask`);
  await checkAccessibility(reader, 'ask form, signed in');
  await reader.locator('#subject').selectOption('borrowing');
  await reader.locator('#question').fill('Can I borrow more than eight books at once during the holidays?');
  await submitForm(reader);
  const reference = await reader.locator('.reference').innerText();
  await reader.goto(`${server.url}/en/account/enquiries`);
  await checkAccessibility(reader, 'my enquiries, waiting');

  const desk = await browser.newContext();
  desk.setDefaultTimeout(20000);
  const staff = await desk.newPage();
  await staff.goto(`${server.url}/en/staff/login`);
  await staff.getByLabel('Username').fill('admin');
  await staff.getByLabel('Password').fill(server.password);
  await submitForm(staff, 'form.narrow-form button[type=submit]');
  for (const lang of ['en', 'tc']) {
    await staff.goto(`${server.url}/${lang}/staff/enquiries`);
    assert.ok(await staff.locator('tr.overdue').count() >= 1, 'the overdue demo enquiry stands out');
    await checkAccessibility(staff, `${lang} staff queue`);
  }
  await staff.goto(`${server.url}/en/staff/enquiries`);
  await staff.locator(`a:text("${reference}")`).click();
  await staff.waitForURL(/\/staff\/enquiries\/\d+$/);
  await checkAccessibility(staff, 'staff enquiry');
  await submitForm(staff, 'form[action$="/claim"] button');
  assert.match(staff.url(), /done=claim/);
  await submitForm(staff, 'form[action$="/reply"] button');  // empty
  assert.equal(await staff.locator('#reply[aria-invalid=true]').count(), 1);
  await checkAccessibility(staff, 'staff reply with errors');
  await staff.locator('#reply').fill('Yes: during school holidays each reader may borrow twelve books.');
  await submitForm(staff, 'form[action$="/reply"] button');
  assert.match(staff.url(), /done=reply/);
  await checkAccessibility(staff, 'staff enquiry answered');
  await staff.locator('a[href*="/staff/faq/new?enquiry="]').click();
  await staff.waitForURL(/\/staff\/faq\/new/);
  assert.match(await staff.locator('#question_en').inputValue(), /more than eight books/);
  await checkAccessibility(staff, 'staff FAQ form');
  await staff.locator('#question_en').fill('Can I borrow more books during the holidays?');
  await submitForm(staff);
  assert.match(staff.url(), /\/staff\/faq\?done=publish/);
  await checkAccessibility(staff, 'staff FAQ list');
  await staff.goto(`${server.url}/tc/staff/faq`);
  await checkAccessibility(staff, 'tc staff FAQ list');

  for (const lang of ['en', 'tc']) {
    await reader.goto(`${server.url}/${lang}/account/enquiries`);
    assert.match(await reader.locator('main').innerText(), /twelve books/);
    await checkAccessibility(reader, `${lang} my enquiries, answered`);
  }
  await reader.goto(`${server.url}/en/account`);
  await checkAccessibility(reader, 'account with the enquiries link');
  await readerContext.close();
  await desk.close();
});
