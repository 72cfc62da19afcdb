// Browser tests in Debian's Chromium: every page in both languages passes axe-core's accessibility check,
// the staff flow publishes a notice that readers then see, pages fit a 360-px phone and work without JS.
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

async function visit(page, path, { status = 200 } = {}) {
  const response = await page.goto(server.url + path);
  assert.equal(response.status(), status, path);
  await checkAccessibility(page, path);
}

async function logIn(page, lang = 'en') {
  await page.goto(`${server.url}/${lang}/staff/login`);
  await page.getByLabel(lang === 'en' ? 'Username' : '用戶名稱').fill('admin');
  await page.getByLabel(lang === 'en' ? 'Password' : '密碼').fill(server.password);
  await page.locator('form.narrow-form button[type=submit]').click();
  await page.waitForURL(`**/${lang}/staff/`);
}

test('every public page passes the accessibility check in both languages', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const lang of ['en', 'tc']) {
    for (const path of ['/', '/libraries', '/libraries?district=islands', '/libraries/CL', '/libraries/MB1',
      '/libraries/TKT', '/notices', '/staff/login']) {
      await visit(page, `/${lang}${path}`);
    }
    await page.goto(`${server.url}/${lang}/notices`);
    const first = await page.locator('.notice-list a').first().getAttribute('href');
    await visit(page, first);
    const station = await page.goto(`${server.url}/${lang}/libraries?kind=self_service`);
    assert.equal(station.status(), 200);
    await visit(page, await page.locator('.library-card a').first().getAttribute('href'));
    await visit(page, `/${lang}/no-such-page`, { status: 404 });
  }
  await context.close();
});

test('readers search the catalogue from any page and open a record, accessibly, in both languages', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const lang of ['en', 'tc']) {
    await page.goto(`${server.url}/${lang}/libraries`);
    await page.locator('#header-q').fill('历史');  // Simplified: Traditional records are found too
    await page.locator('#header-q').press('Enter');
    await page.waitForURL(`**/${lang}/search?q=*`);
    await checkAccessibility(page, `${lang} search results`);
    assert.ok(await page.locator('.result').count() > 0, 'results are listed');
    assert.match(await page.locator('.result-title').first().innerText(), /歷史|History/i);
    // A facet narrows the results and can be removed again.
    await page.locator('.facets a').first().click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('.facets a.chosen').count(), 1);
    await checkAccessibility(page, `${lang} narrowed results`);
    await page.locator('.result-title a').first().click();
    await page.waitForURL(`**/${lang}/records/*`);
    await checkAccessibility(page, `${lang} record page`);
    assert.ok(await page.locator('table.data tbody tr').count() > 0, 'copies are listed');
    await visit(page, `/${lang}/search`);
    await visit(page, `/${lang}/search?q=${encodeURIComponent('"unbalanced')}`);
    await visit(page, `/${lang}/search?q=${encodeURIComponent('!!!')}`);
    await visit(page, `/${lang}/search?q=zzzzqqqq`);
    await visit(page, `/${lang}/records/999999999`, { status: 404 });
  }
  await logIn(page);
  await visit(page, '/en/staff/records/1');
  assert.match(await page.locator('table.marc').innerText(), /245/);
  // A cataloguer's forms: a refused new copy keeps what was typed; a copy's own form.
  // A barcode already in use (the first copy's) is refused by the server.
  const taken = (await page.locator('table.data tbody tr td').first().innerText()).trim();
  await page.locator('#barcode').fill(taken);
  await page.locator('#call_number').fill('823 TEST');
  await page.locator('form[action$="/items"] button[type=submit]').click();
  await page.waitForLoadState('load');
  assert.equal(await page.locator('.error-summary').count(), 1);
  assert.equal(await page.locator('#call_number').inputValue(), '823 TEST');
  await checkAccessibility(page, 'refused copy form');
  await page.locator('table.data a[href*="/staff/items/"]').first().click();
  await page.waitForURL('**/en/staff/items/*');
  await checkAccessibility(page, 'copy form');
  await context.close();
});

test('My Account pages pass the accessibility check in both languages', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const lang of ['en', 'tc']) {
    await visit(page, `/${lang}/login`);
    await page.locator('#card').fill('2100000005');
    await page.locator('#password').fill('0005');  // the PIN: not a web password (ADR 0019)
    await page.locator('#password').press('Enter');
    await page.waitForLoadState('load');
    assert.equal(await page.locator('.error-summary').count(), 1);
    await checkAccessibility(page, `${lang} refused sign-in`);
    await page.locator('#password').fill('demo reader 0005');
    await page.locator('#password').press('Enter');
    await page.waitForURL(`**/${lang}/account`);
    await checkAccessibility(page, `${lang} account`);
    await visit(page, `/${lang}/records/1`);
    await page.locator('form[action$="/logout"] button').click();
    await page.waitForURL(`**/${lang}/`);
  }
  await context.close();
});

test('every staff page passes the accessibility check, including refused forms', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page);
  for (const lang of ['en', 'tc']) {
    for (const path of ['/staff/', '/staff/notices', '/staff/notices/new', '/staff/notices/1/edit', '/staff/libraries',
      '/staff/libraries/CL', '/staff/libraries/MB1', '/staff/holidays', '/staff/counter?library=CL&card=2100000000',
      '/staff/returns', '/staff/hold-shelf?library=CL', '/staff/fine-suspensions', '/staff/lending-rules',
      '/staff/lending-rules/new', '/staff/lending-rules/1']) {
      await visit(page, `/${lang}${path}`);
    }
    // A refused notice form and a refused hours form.
    await page.goto(`${server.url}/${lang}/staff/notices/new`);
    await page.locator('form button[type=submit]').last().click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('.error-summary').count(), 1);
    await checkAccessibility(page, `${lang} refused notice form`);
    await page.goto(`${server.url}/${lang}/staff/libraries/CL`);
    await page.locator('#hours_wed').fill('25:00-26:00');
    await page.locator('#hours_wed').press('Enter');
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#hours_wed-error').count(), 1);
    assert.equal(await page.locator('#hours_wed').inputValue(), '25:00-26:00', 'what was typed is kept');
    await checkAccessibility(page, `${lang} refused hours form`);
  }
  await context.close();
});

test('staff publish an important notice and readers see it, in both languages', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page);
  await page.goto(`${server.url}/en/staff/notices/new`);
  await page.getByLabel('Title in English').fill('Extended opening for exam season');
  await page.getByLabel('Text in English').fill('The study room opens until 22:00.\n\nBring your library card.');
  await page.getByLabel('Title in Chinese').fill('考試季節延長開放時間');
  await page.getByLabel('Text in Chinese').fill('自修室開放至晚上10時。');
  await page.locator('#important').check();
  await page.getByLabel('Libraries it applies to').selectOption(['CL']);
  await page.getByRole('button', { name: 'Publish notice' }).click();
  await page.waitForURL('**/en/staff/notices?saved=1');
  assert.match(await page.locator('.flash').innerText(), /saved/);

  const readerContext = await browser.newContext();
  const reader = await readerContext.newPage();
  await reader.goto(`${server.url}/en/`);
  await reader.getByRole('link', { name: 'Extended opening for exam season' }).first().click();
  assert.equal(await reader.locator('h1').innerText(), 'Extended opening for exam season');
  assert.equal(await reader.locator('article p').filter({ hasText: 'Bring your library card.' }).count(), 1);
  await reader.getByRole('link', { name: '繁體中文' }).click();
  assert.equal(await reader.locator('h1').innerText(), '考試季節延長開放時間');
  assert.match(await reader.locator('.banners').innerText(), /考試季節延長開放時間/);
  // The choice sticks: the root now leads to Chinese.
  await reader.goto(`${server.url}/`);
  assert.match(reader.url(), /\/tc\/$/);
  await readerContext.close();
  await context.close();
});

test('staff edit opening hours and the public page shows them', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, 'tc');
  await page.goto(`${server.url}/tc/staff/libraries/CL`);
  await page.locator('#hours_sun').fill('10:00-13:00, 14:00-18:00');
  await page.locator('#hours_sun').press('Enter');
  await page.waitForURL('**/tc/staff/libraries/CL?saved=1');
  await page.goto(`${server.url}/en/libraries/CL`);
  const sunday = await page.locator('table.hours tr', { hasText: 'Sunday' }).innerText();
  assert.match(sunday, /10:00–13:00, 14:00–18:00/);
  await context.close();
});

test('staff add a mobile library stop and the timetable shows it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page);
  await page.goto(`${server.url}/en/staff/libraries/MB2`);
  await page.locator('#stop_weekday').selectOption('3');
  await page.getByLabel('Time, for example 10:00-13:00').fill('19:00-20:30');
  await page.getByLabel('Stop name in English').fill('Test Estate');
  await page.getByLabel('Stop name in Chinese').fill('測試邨');
  await page.locator('#stop_address_en').fill('Outside Block 1');
  await page.locator('#stop_address_tc').fill('第1座外');
  await page.getByRole('button', { name: 'Add stop' }).click();
  await page.waitForURL('**/en/staff/libraries/MB2?saved=1');
  await page.goto(`${server.url}/tc/libraries/MB2`);
  assert.match(await page.locator('table.hours').innerText(), /星期三\s+19:00–20:30\s+測試邨/);
  await context.close();
});

test('the counter lends and takes back with a barcode scanner, and says why it refuses', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page);
  await page.goto(`${server.url}/en/staff/counter?library=CL`);
  // A scanner types the number and presses Enter.
  await page.locator('#card').fill('2100000003');
  await page.locator('#card').press('Enter');
  await page.waitForURL('**/en/staff/counter?library=CL&card=2100000003');
  await page.locator('#barcode').fill('3100000010');
  await page.locator('#barcode').press('Enter');
  await page.waitForLoadState('load');
  const lent = await page.locator('.outcome').innerText();
  assert.match(lent, /Lent: .*Due back on/);
  await checkAccessibility(page, 'counter after lending');
  assert.match(await page.locator('table:has(#loans-caption)').innerText(), /3100000010/);
  // The same item again: refused, with the reason.
  await page.locator('#barcode').fill('3100000010');
  await page.locator('#barcode').press('Enter');
  await page.waitForLoadState('load');
  assert.match(await page.locator('.outcome-refused').innerText(), /already have this item on loan/);
  await checkAccessibility(page, 'counter refusal');
  // A reference item cannot be lent, and staff may not override that.
  await page.locator('#barcode').fill('3100000002');
  await page.locator('#barcode').press('Enter');
  await page.waitForLoadState('load');
  assert.match(await page.locator('.outcome-refused').innerText(), /library only/);
  assert.equal(await page.getByRole('button', { name: 'Lend anyway' }).count(), 0);
  // Return it at another library: it must travel home.
  await page.goto(`${server.url}/tc/staff/returns?library=KLNPL`);
  await page.locator('#barcode').fill('3100000010');
  await page.locator('#barcode').press('Enter');
  await page.waitForLoadState('load');
  const outcome = await page.locator('.outcome').innerText();
  assert.match(outcome, /送往|放回書架/);
  await checkAccessibility(page, 'returns result');
  await context.close();
});

test('a card reported lost is replaced at the counter, accessibly, in both languages', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page);
  for (const [lang, card, replacement] of [['en', '2100000040', '2199444001'], ['tc', '2100000041', '2199444002']]) {
    await page.goto(`${server.url}/${lang}/staff/counter?library=CL&card=${card}`);
    await Promise.all([page.waitForNavigation(), page.locator('form[action$="/card-lost"] button').click()]);
    await checkAccessibility(page, `${lang} counter with a card reported lost`);
    await page.locator('#card_number').fill('12');
    await Promise.all([page.waitForNavigation(), page.locator('form[action$="/replace-card"] button[type=submit]').click()]);
    assert.equal(await page.locator('#card_number-error').count(), 1);
    await checkAccessibility(page, `${lang} replacement refused`);
    await page.locator('#card_number').fill(replacement);
    await Promise.all([page.waitForNavigation(), page.locator('form[action$="/replace-card"] button[type=submit]').click()]);
    assert.match(page.url(), new RegExp(`card=${replacement}&replaced=1$`));
    assert.equal(await page.locator('.outcome-ok').count(), 1);
    await checkAccessibility(page, `${lang} card replaced`);
  }
  await context.close();
});

test('pages fit a 360-pixel phone screen', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true });
  const page = await context.newPage();
  for (const path of ['/tc/', '/en/libraries', '/tc/libraries/MB1', '/en/notices']) {
    await page.goto(server.url + path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px`);
  }
  await context.close();
});

test('everything works without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/en/`);
  await page.getByLabel('District', { exact: true }).selectOption('islands');
  await page.getByRole('button', { name: 'Show libraries' }).click();
  await page.waitForURL('**/en/libraries?district=islands&kind=');
  assert.ok(await page.locator('.library-card').count() > 0);
  await logIn(page);
  assert.match(await page.locator('h1').innerText(), /Staff pages/);
  await context.close();
});
