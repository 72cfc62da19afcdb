// Activities in Debian's Chromium, with the accessibility check (axe-core) on every page: browsing and
// filtering, an activity's page, enrolling from it after signing in (in both languages, on a phone without
// JavaScript too), My Information, and the staff's form, list and enrolment list with attendance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startShelfmark();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.locator(selector).first().click()]);
}

async function newPage(options = {}) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(20000);
  return context.newPage();
}

test('browsing, filtering and an activity page, in both languages', async () => {
  for (const lang of ['en', 'tc']) {
    const page = await newPage();
    await page.goto(`${server.url}/${lang}/`);
    await submit(page, `nav a[href="/${lang}/activities"]`);
    await checkAccessibility(page, `${lang} activities`);
    await page.locator('#type').selectOption('workshop');
    await submit(page, 'form.finder button');
    assert.match(page.url(), /type=workshop/);
    assert.equal(await page.locator('.activity-card').count(), 1);
    await page.locator('#from').fill('2000-01-01');
    await page.locator('#until').fill('1999-01-01');
    await submit(page, 'form.finder button');
    assert.equal(await page.locator('.error-summary li').count(), 1);
    await checkAccessibility(page, `${lang} activities with a filter error`);
    await page.goto(`${server.url}/${lang}/activities`);
    await submit(page, '.activity-card h2 a >> nth=2');
    await checkAccessibility(page, `${lang} activity page`);
    assert.equal(await page.locator('h1').count(), 1);
  }
});

test('a reader signs in from an activity, enrols, sees it in My Information and cancels (both languages)', async () => {
  for (const [lang, card] of [['en', '2100000002'], ['tc', '2100000008']]) {
    const page = await newPage();
    await page.goto(`${server.url}/${lang}/activities`);
    await submit(page, `.activity-card a:text-matches("${lang === 'en' ? 'Bookbinding' : '書籍裝訂'}")`);
    const activity = page.url();
    await submit(page, '.enrolment a.button');
    await checkAccessibility(page, `${lang} sign-in from an activity`);
    await page.locator('#card').fill(card);
    await page.locator('#password').fill(`demo reader ${card.slice(-4)}`);
    await submit(page, 'main form[method=post]:not([action$="logout"]) button[type=submit]');
    assert.equal(page.url(), activity, 'back at the activity');
    await submit(page, '.enrolment form[action$="/enrol"] button');
    assert.equal(await page.locator('.outcome-ok').count(), 1);
    await checkAccessibility(page, `${lang} enrolled`);
    await page.goto(`${server.url}/${lang}/account`);
    await submit(page, `a[href="/${lang}/account/information"]`);
    await checkAccessibility(page, `${lang} My Information`);
    assert.equal(await page.locator('#my-activities + .table-scroll tbody tr').count(), 1);
    await page.goto(activity);
    await submit(page, '.enrolment form[action$="/cancel"] button');
    assert.equal(await page.locator('.outcome-ok').count(), 1);
  }
});

test('on a small phone without JavaScript a reader enrols', async () => {
  const phone = await newPage({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false, isMobile: true });
  await phone.goto(`${server.url}/en/login`);
  await phone.locator('#card').fill('2100000009');
  await phone.locator('#password').fill('demo reader 0009');
  await submit(phone, 'main form[method=post]:not([action$="logout"]) button[type=submit]');
  await phone.goto(`${server.url}/en/activities?library=KLN`);
  await submit(phone, '.activity-card h2 a');
  await submit(phone, '.enrolment form[action$="/enrol"] button');
  assert.equal(await phone.locator('.outcome-ok').count(), 1);
  const activity = phone.url();
  // axe runs in the page, so the same page is checked on a phone with JavaScript: accessible, and no wider than
  // the screen.
  const checked = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  await checked.goto(activity);
  await checkAccessibility(checked, 'activity on a phone');
  const width = await checked.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the page fits the phone (${width}px)`);
  await checked.goto(`${server.url}/en/activities`);
  assert.ok(await checked.evaluate(() => document.documentElement.scrollWidth) <= 360, 'the list fits the phone');
});

test('staff publish an activity and mark attendance, accessible throughout', async () => {
  const page = await newPage();
  await page.goto(`${server.url}/en/staff/login`);
  await page.locator('#username').fill('admin');
  await page.locator('#password').fill(server.password);
  await submit(page, 'main form[method=post]:not([action$="logout"]) button[type=submit]');
  await submit(page, 'a[href="/en/staff/activities"]');
  await checkAccessibility(page, 'staff activities');
  await submit(page, 'a[href="/en/staff/activities/new"]');
  await checkAccessibility(page, 'new activity form');
  await page.locator('#title_en').fill('Chinese calligraphy for beginners');
  await page.locator('#type').selectOption('workshop');
  await page.locator('#library').selectOption('CL');
  await page.locator('#starts_at').fill('2026-01-01T10:00');
  await page.locator('#ends_at').fill('2025-12-31T10:00');
  await page.locator('#enrolment_required').check();
  await submit(page, 'main form[method=post]:not([action$="logout"]) button[type=submit]');
  assert.ok((await page.locator('.error-summary li').count()) >= 2, await page.locator('main').innerText());
  await checkAccessibility(page, 'activity form with errors');
  assert.equal(await page.locator('#title_en').inputValue(), 'Chinese calligraphy for beginners');
  // Starting within the hour, so that attendance can be marked at once.
  const local = (minutes) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Hong_Kong', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(Date.now() + minutes * 60000)).replace(' ', 'T');
  await page.locator('#starts_at').fill(local(30));
  await page.locator('#ends_at').fill(local(90));
  await page.locator('#quota').fill('12');
  await submit(page, 'main form[method=post]:not([action$="logout"]) button[type=submit]');
  assert.match(page.url(), /\/en\/staff\/activities\?saved=1$/);

  const reader = await newPage();
  await reader.goto(`${server.url}/tc/login`);
  await reader.locator('#card').fill('2100000005');
  await reader.locator('#password').fill('demo reader 0005');
  await submit(reader, 'main form[method=post]:not([action$="logout"]) button[type=submit]');
  await reader.goto(`${server.url}/tc/activities`);
  await submit(reader, '.activity-card a:text("Chinese calligraphy for beginners")');
  await submit(reader, '.enrolment form[action$="/enrol"] button');

  await page.goto(`${server.url}/en/staff/activities`);
  await submit(page, 'tr:has-text("Chinese calligraphy") a:text("Enrolments")');
  await checkAccessibility(page, 'enrolment list');
  await page.locator('tbody input[value="yes"]').first().check();
  await submit(page, 'main form[method=post]:not([action$="logout"]) button[type=submit]');
  assert.equal(await page.locator('.flash').count(), 1);
  assert.ok(await page.locator('tbody input[value="yes"]').first().isChecked());
  await checkAccessibility(page, 'enrolment list saved');
  await page.goto(`${server.url}/tc/staff/activities`);
  await checkAccessibility(page, 'staff activities in Chinese');
});
