// Study room admission cards in Debian's Chromium, with the accessibility check (axe-core) on every page in
// both languages: staff opening a period (with errors first), a reader applying (with errors first; and
// without JavaScript), the draw and publication, the reader's outcome, the printable card with its QR code
// (print media too), and the staff check page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launchChromium, checkAccessibility } from './chromium.mjs';
import { startShelfmark, binary } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startShelfmark([], { catalogueRecords: 50 });
  execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', 'counter.one', '--role', 'counter', '--password-stdin'],
    { input: 'a passphrase long enough\n', encoding: 'utf8' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.locator(selector).first().click()]);
}

async function staffPage(lang, username = 'admin', password = server.password) {
  const context = await browser.newContext();
  context.setDefaultTimeout(20000);
  const page = await context.newPage();
  await page.goto(`${server.url}/${lang}/staff/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await submit(page, 'form.narrow-form button[type=submit]');
  return page;
}

async function readerPage(lang, card, { javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ javaScriptEnabled });
  context.setDefaultTimeout(20000);
  const page = await context.newPage();
  await page.goto(`${server.url}/${lang}/login`);
  await page.locator('#card').fill(card);
  await page.locator('#password').fill(`demo reader ${card.slice(-4)}`);
  await submit(page, 'main form button[type=submit]');
  return page;
}

function hongKong(minutes) {
  return new Date(Date.now() + 8 * 3600e3 + minutes * 60e3).toISOString().slice(0, 16);
}

test('staff open a period in both languages, errors first, accessible throughout', async () => {
  for (const lang of ['en', 'tc']) {
    const page = await staffPage(lang);
    await page.goto(`${server.url}/${lang}/staff/study-room`);
    await checkAccessibility(page, `${lang} staff periods`);
    await page.goto(`${server.url}/${lang}/staff/study-room/new`);
    await checkAccessibility(page, `${lang} new period`);
    await page.locator('#title_en').fill(`Browser period ${lang}`);
    await page.locator('#places').fill('0');
    await submit(page, 'form[action$="/staff/study-room"] button[type=submit]');
    assert.ok(await page.locator('.error-summary li').count() >= 5, page.url() + (await page.locator('main').innerText()).slice(0, 800));
    assert.equal(await page.locator('#title_en').inputValue(), `Browser period ${lang}`);
    await checkAccessibility(page, `${lang} new period with errors`);
    await page.locator('#title_tc').fill(`瀏覽器申請期 ${lang}`);
    await page.locator('#library_code').selectOption('CL');
    await page.locator('#opens_at').fill(hongKong(-60));
    await page.locator('#closes_at').fill(hongKong(24 * 60));
    await page.locator('#valid_from').fill(hongKong(3 * 24 * 60).slice(0, 10));
    await page.locator('#valid_until').fill(hongKong(60 * 24 * 60).slice(0, 10));
    await page.locator('#places').fill('5');
    for (const [field, value] of [['weekday_start', '08:00'], ['weekday_end', '12:30'], ['weekend_start', '08:00'], ['weekend_end', '12:30']])
      await page.locator(`#session1_${field}`).fill(value);
    await submit(page, 'form[action$="/staff/study-room"] button[type=submit]');
    assert.match(page.url(), /\/staff\/study-room\/\d+\?opened=1$/);
    await checkAccessibility(page, `${lang} period page`);
    await page.context().close();
  }
});

test('a reader applies in both languages, and without JavaScript, with errors shown first', async () => {
  // axe runs inside the page, so the check is made with JavaScript on; the third run shows the form works without it.
  for (const [lang, card, javaScriptEnabled] of [['en', '2100000008', true], ['tc', '2100000009', true], ['tc', '2100000006', false]]) {
    const page = await readerPage(lang, card, { javaScriptEnabled });
    const check = (label) => (javaScriptEnabled ? checkAccessibility(page, label) : Promise.resolve());
    await page.goto(`${server.url}/${lang}/study-room`);
    await check(`${lang} study room`);
    const form = page.locator(`form:has(input[name=exam_candidate])`).filter({ has: page.locator('button') }).first();
    await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
    assert.ok(await page.locator('.error-summary li').count() >= 2);
    await check(`${lang} study room with errors`);
    const retry = page.locator(`form:has(input[name=exam_candidate])`).first();
    await retry.locator('input[name=session]').first().check();
    await retry.locator('input[name=exam_candidate][value=yes]').check();
    await retry.locator('input[name=candidate_type][value=school]').check();
    await retry.locator('input[name=school_name]').fill('皇仁書院');
    await Promise.all([page.waitForNavigation(), retry.locator('button[type=submit]').click()]);
    assert.match(page.url(), /\/study-room\?done=applied$/);
    assert.equal(await page.locator('.flash').count(), 1);
    await check(`${lang} study room applied`);
    await page.goto(`${server.url}/${lang}/account/study-room`);
    await check(`${lang} account study room`);
    await page.context().close();
  }
});

test('the draw, publication, the outcome, the printable card and the staff check, accessible in both languages', async () => {
  const staff = await staffPage('en');
  await staff.goto(`${server.url}/en/staff/study-room`);
  await Promise.all([staff.waitForNavigation(), staff.locator('a:text("Study room, mock examinations")').click()]);
  await submit(staff, 'form[action$="/allocate"] button');
  assert.match(staff.url(), /done=allocate/);
  assert.match(await staff.locator('#draw-seed').innerText(), /^[0-9a-f]{16}$/);
  await checkAccessibility(staff, 'en allocated');
  await submit(staff, 'form[action$="/publish"] button');
  assert.match(staff.url(), /done=publish/);
  await checkAccessibility(staff, 'en published');

  for (const lang of ['en', 'tc']) {
    const reader = await readerPage(lang, '2100000000');
    await reader.goto(`${server.url}/${lang}/account`);
    await Promise.all([reader.waitForNavigation(), reader.locator(`a[href="/${lang}/account/study-room"]`).click()]);
    await checkAccessibility(reader, `${lang} outcomes`);
    await Promise.all([reader.waitForNavigation(), reader.locator('a[href$="/card"]').first().click()]);
    await checkAccessibility(reader, `${lang} admission card`);
    assert.equal(await reader.locator('svg.qr').count(), 1);
    await reader.emulateMedia({ media: 'print' });
    assert.equal(await reader.locator('.site-header nav').isVisible(), false);
    assert.equal(await reader.locator('.admission-card').isVisible(), true);
    const checkUrl = await reader.locator('.check-link').innerText();
    await reader.context().close();

    const counter = await staffPage(lang, 'counter.one', 'a passphrase long enough');
    await counter.goto(checkUrl.trim());
    assert.equal(await counter.locator('.check-valid, .check-invalid').count(), 1);
    await checkAccessibility(counter, `${lang} check page`);
    await counter.context().close();
  }
});
