// HTTP tests against a running server: routing, languages, headers, sessions, CSRF, throttling, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShelfmark, Client } from './harness.mjs';

let server;
before(async () => { server = await startShelfmark(); });
after(async () => { await server?.stop(); });

test('root redirects by Accept-Language, and a chosen language sticks', async () => {
  let response = await fetch(`${server.url}/`, { redirect: 'manual', headers: { 'accept-language': 'zh-HK,zh;q=0.9,en;q=0.5' } });
  assert.equal(response.status, 302);
  assert.equal(response.headers.get('location'), '/tc/');
  response = await fetch(`${server.url}/`, { redirect: 'manual', headers: { 'accept-language': 'en-GB' } });
  assert.equal(response.headers.get('location'), '/en/');
  const client = new Client(server.url, { 'accept-language': 'en' });
  await client.request('/tc/libraries');
  assert.equal(client.cookies.get('sm_lang'), 'tc');
  response = await client.request('/');
  assert.equal(response.headers.get('location'), '/tc/');
});

test('pages carry security headers and the language', async () => {
  const response = await fetch(`${server.url}/tc/`);
  assert.equal(response.status, 200);
  const csp = response.headers.get('content-security-policy');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(response.headers.get('referrer-policy'));
  assert.equal(response.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
  const html = await response.text();
  assert.match(html, /<html lang="zh-Hant-HK">/);
  assert.match(html, /圖書館/);
});

test('every library page answers in both languages', async () => {
  const html = await (await fetch(`${server.url}/en/libraries`)).text();
  const codes = [...html.matchAll(/href="\/en\/libraries\/([A-Z0-9]+)"/g)].map((m) => m[1]);
  assert.ok(codes.length >= 80, `only ${codes.length} libraries listed`);
  for (const code of codes) {
    for (const lang of ['en', 'tc']) {
      const response = await fetch(`${server.url}/${lang}/libraries/${code}`);
      assert.equal(response.status, 200, `${lang}/${code}`);
      await response.arrayBuffer();
    }
  }
});

test('library filters keep to one district and kind', async () => {
  const html = await (await fetch(`${server.url}/en/libraries?district=islands&kind=small`)).text();
  const cards = html.split('class="library-card"').slice(1);
  assert.ok(cards.length > 0);
  for (const card of cards) {
    assert.match(card, /Small library · Islands/);
  }
  const bad = await fetch(`${server.url}/en/libraries?district=atlantis`);
  assert.equal(bad.status, 200, 'an unknown filter value is ignored, not an error');
});

test('mobile library pages show their stops', async () => {
  const html = await (await fetch(`${server.url}/tc/libraries/MB1`)).text();
  assert.match(html, /流動圖書館/);
  assert.match(html, /<table class="hours">/);
  assert.match(html, /公眾假期/);
});

test('healthz, metrics and fingerprinted static files', async () => {
  assert.equal(await (await fetch(`${server.url}/healthz`)).text(), 'ok\n');
  await fetch(`${server.url}/en/notices`);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /shelfmark_http_requests_total\{route="\/\{lang\}\/notices",status="200"\} \d+/);
  assert.match(metrics, /shelfmark_http_request_duration_seconds_bucket\{route="\/\{lang\}\/notices",le="\+Inf"\}/);
  assert.match(metrics, /shelfmark_db_pool_in_use \d+/);
  const html = await (await fetch(`${server.url}/en/`)).text();
  const css = /href="(\/static\/style\.[0-9a-f]{12}\.css)"/.exec(html)[1];
  const response = await fetch(server.url + css);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('cache-control'), /max-age=31536000, immutable/);
  assert.match(response.headers.get('content-type'), /text\/css/);
  assert.equal((await fetch(`${server.url}/static/style.000000000000.css`)).status, 404);
});

test('not-found pages in the right language', async () => {
  let response = await fetch(`${server.url}/tc/libraries/NOPE`);
  assert.equal(response.status, 404);
  assert.match(await response.text(), /找不到/);
  response = await fetch(`${server.url}/en/no/such/page`);
  assert.equal(response.status, 404);
  assert.match(await response.text(), /Page not found/);
  response = await fetch(`${server.url}/fr/`, { headers: { 'accept-language': 'zh-HK' } });
  assert.equal(response.status, 404);
  assert.match(await response.text(), /lang="zh-Hant-HK"/);
  response = await fetch(`${server.url}/en/notices/abc`);
  assert.equal(response.status, 404);
});

test('malformed requests get clear refusals', async () => {
  const client = new Client(server.url);
  let response = await client.request('/en/staff/login', { method: 'POST', body: 'a=%FF%FE', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(response.status, 400);
  assert.match(response.text_, /could not be read/);
  response = await client.request('/en/staff/login', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(response.status, 415);
  response = await client.request('/en/libraries', { method: 'POST', form: { a: '1' } });
  assert.equal(response.status, 405);
  response = await fetch(`${server.url}/en/%FF`);
  assert.equal(response.status, 400);
  response = await client.request('/tc/staff/login', { method: 'POST', form: { big: 'x'.repeat(8500 * 1024) } });
  assert.equal(response.status, 413);
  assert.match(response.text_, /lang="zh-Hant-HK"/);
});

test('staff pages need a session, and readers never see them', async () => {
  const client = new Client(server.url);
  for (const path of ['/en/staff/', '/en/staff/notices', '/tc/staff/libraries/CL', '/en/staff/notices/1/edit']) {
    const response = await client.request(path);
    assert.equal(response.status, 303, path);
    assert.equal(response.headers.get('location'), `/${path.slice(1, 3)}/staff/login`);
  }
  const response = await client.request('/en/staff/notices', { method: 'POST', form: { title_en: 'x' } });
  assert.equal(response.status, 303);
});

test('login: CSRF required, wrong password refused, new session id each time, logout ends it server-side', async () => {
  const client = new Client(server.url);
  let response = await client.request('/en/staff/login', { method: 'POST', form: { username: 'admin', password: server.password } });
  assert.equal(response.status, 403, 'no CSRF token');
  response = await client.login('admin', 'not the password at all');
  assert.equal(response.status, 422);
  assert.match(response.text_, /username or password is not correct/);
  response = await client.login('admin', server.password);
  assert.equal(response.status, 303);
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('sm_session='));
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  assert.doesNotMatch(setCookie, /Secure/, 'no Secure flag over plain HTTP');
  const first = client.cookies.get('sm_session');
  response = await client.request('/en/staff/');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.match(response.text_, /Signed in as Demo administrator/);

  const again = new Client(server.url);
  await again.login('admin', server.password);
  assert.notEqual(again.cookies.get('sm_session'), first, 'every login gets a new session id');

  const page = await client.request('/en/staff/');
  const csrf = client.csrfFrom(page.text_);
  response = await client.request('/en/staff/logout', { method: 'POST', form: { csrf: 'wrong' } });
  assert.equal(response.status, 403, 'logout needs the CSRF token too');
  response = await client.request('/en/staff/logout', { method: 'POST', form: { csrf } });
  assert.equal(response.status, 303);
  const replay = new Client(server.url);
  replay.cookies.set('sm_session', first);
  response = await replay.request('/en/staff/');
  assert.equal(response.status, 303, 'the old session id no longer works');
});

test('staff forms refuse bad input with messages beside the fields, keeping what was typed', async () => {
  const client = new Client(server.url);
  await client.login('admin', server.password);
  const form = await client.request('/tc/staff/notices/new');
  const csrf = client.csrfFrom(form.text_);
  const response = await client.request('/tc/staff/notices', {
    method: 'POST',
    form: { csrf, title_en: 'Kept title', title_tc: '', body_en: 'Body', body_tc: '', publish_at: 'soon' },
  });
  assert.equal(response.status, 422);
  assert.match(response.text_, /value="Kept title"/);
  assert.match(response.text_, /id="title_tc-error"/);
  assert.match(response.text_, /請輸入此項資料|必須填寫|此欄必須填寫|必填/);
  assert.match(response.text_, /aria-invalid="true"/);
});

test('a published notice appears on the public pages, an important one as a banner', async () => {
  const client = new Client(server.url);
  await client.login('admin', server.password);
  const csrf = client.csrfFrom((await client.request('/en/staff/notices/new')).text_);
  let response = await client.request('/en/staff/notices', {
    method: 'POST',
    form: { csrf, title_en: 'Library closed for fire drill', title_tc: '圖書館進行消防演習', body_en: 'Closed 10:00 to 11:00.',
      body_tc: '上午10時至11時暫停開放。', important: '1', libraries: 'CL' },
  });
  assert.equal(response.status, 303);
  const home = await (await fetch(`${server.url}/tc/`)).text();
  assert.match(home, /class="banner wrap".*圖書館進行消防演習/);
  const library = await (await fetch(`${server.url}/en/libraries/CL`)).text();
  assert.match(library, /Library closed for fire drill/);
  const id = /\/en\/notices\/(\d+)">Library closed for fire drill/.exec(library)[1];
  const list = await client.request('/en/staff/notices');
  response = await client.request(`/en/staff/notices/${id}/expire`, { method: 'POST', form: { csrf: client.csrfFrom(list.text_) } });
  assert.equal(response.status, 303);
  assert.equal((await fetch(`${server.url}/en/notices/${id}`)).status, 404);
});

test('staff add a public holiday and libraries use their holiday hours that day', async () => {
  const client = new Client(server.url);
  await client.login('admin', server.password);
  const csrf = client.csrfFrom((await client.request('/en/staff/holidays')).text_);
  let response = await client.request('/en/staff/holidays', { method: 'POST', form: { csrf, date: '2031-02-03', name_en: 'Test holiday', name_tc: '測試假期' } });
  assert.equal(response.status, 303);
  response = await client.request('/tc/staff/holidays');
  assert.match(response.text_, /測試假期/);
  response = await client.request('/en/staff/holidays', { method: 'POST', form: { csrf, date: '2031-02-03', name_en: 'Twice', name_tc: '兩次' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /already an entry for this date/);
  response = await client.request('/en/staff/holidays/2031-02-03/delete', { method: 'POST', form: { csrf } });
  assert.equal(response.status, 303);
  assert.doesNotMatch((await client.request('/en/staff/holidays')).text_, /Test holiday/);
});

test('only counter staff and administrators use the counter', async () => {
  const client = new Client(server.url);
  await client.login('admin', server.password);
  let response = await client.request('/en/staff/counter?card=2100000000');
  assert.equal(response.status, 200);
  assert.match(response.text_, /Charges outstanding/);
  response = await client.request('/en/staff/counter?card=0000');
  assert.match(response.text_, /No reader has this card number/);
  const csrf = client.csrfFrom(response.text_);
  response = await client.request('/en/staff/counter/checkout', { method: 'POST', form: { csrf, card: '2100000000', barcode: 'nope', request_id: 'x1' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /No item has this barcode/);
  // Forms without a request id are not mistaken for one another.
  for (const barcode of ['3100000040', '3100000041']) {
    response = await client.request('/en/staff/counter/checkout', { method: 'POST', form: { csrf, card: '2100000011', barcode } });
    assert.equal(response.status, 200, barcode + ': ' + (/outcome[^>]*>([\s\S]*?)<\/div>/.exec(response.text_) || [])[1]);
    assert.match(response.text_, /Lent: /);
  }
  assert.match(response.text_, /3100000040[\s\S]*3100000041|3100000041[\s\S]*3100000040/);
});

test('an overdue return charges a fine that the counter explains and takes payment for', async () => {
  const client = new Client(server.url);
  await client.login('admin', server.password);
  let card = null;
  let barcode = null;
  for (let i = 0; i < 200 && !barcode; i++) {
    const candidate = String(2100000000 + i);
    const page = await client.request(`/en/staff/counter?library=CL&card=${candidate}`);
    const match = /<tr class="overdue"><td>(\d+)<\/td>/.exec(page.text_);
    if (match) { card = candidate; barcode = match[1]; }
  }
  assert.ok(barcode, 'the demo data has an overdue loan');
  let page = await client.request('/en/staff/returns?library=CL');
  let response = await client.request('/en/staff/returns', { method: 'POST', form: { csrf: client.csrfFrom(page.text_), library: 'CL', barcode, request_id: 'r-1' } });
  assert.equal(response.status, 200);
  assert.match(response.text_, /Overdue fine charged: HK\$\d+\.\d\d/);
  page = await client.request(`/en/staff/counter?library=CL&card=${card}`);
  assert.match(page.text_, /days × HK\$/);
  const owed = /name="amount" type="text" inputmode="decimal" value="([\d.]+)"/.exec(page.text_)[1];
  response = await client.request('/en/staff/counter/pay', { method: 'POST', form: { csrf: client.csrfFrom(page.text_), library: 'CL', card, amount: owed, method: 'octopus', request_id: 'p-1' } });
  assert.equal(response.status, 200);
  assert.match(response.text_, /settled\. Receipt number P\d{8}\. Still owed: HK\$0\.00/);
  response = await client.request('/en/staff/counter/pay', { method: 'POST', form: { csrf: client.csrfFrom(page.text_), library: 'CL', card, amount: '5', method: 'cash', request_id: 'p-2' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /at most HK\$0\.00/);
});

test('the counter shows, places and cancels a reader\'s reservations', async () => {
  const client = new Client(server.url);
  await client.login('admin', server.password);
  const card = '2100000025';  // used by no other test
  let page = await client.request(`/en/staff/counter?library=CL&card=${card}`);
  assert.match(page.text_, /Reservations \(\d+\)/);
  const csrf = client.csrfFrom(page.text_);
  let response = await client.request('/en/staff/counter/checkout', { method: 'POST', form: { csrf, library: 'CL', card, barcode: '3210000000', request_id: 'ebook-at-counter' } });
  assert.equal(response.status, 422, 'an e-book is not lent at a counter');
  assert.match(response.text_, /E-books are borrowed online/);
  assert.doesNotMatch(response.text_, /Lend anyway/);
  response = await client.request('/en/staff/counter/reserve', { method: 'POST', form: { csrf, library: 'CL', card, reserve_barcode: 'NO-SUCH-ITEM', pickup: 'CL' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /No item has this barcode/);
  response = await client.request('/en/staff/counter/reserve', { method: 'POST', form: { csrf, library: 'CL', card, reserve_barcode: '3100000002', pickup: 'CL' } });
  assert.equal(response.status, 422, 'a reference item cannot be reserved');
  assert.match(response.text_, /cannot be reserved/);
  assert.match(response.text_, /name="reserve_barcode" type="text" autocomplete="off" value="3100000002"/);
  response = await client.request('/en/staff/counter/reserve', { method: 'POST', form: { csrf, library: 'CL', card, reserve_barcode: '3100000101', pickup: 'CL' } });
  assert.equal(response.status, 200);
  assert.match(response.text_, /Reserved\. Reference (H\d+); number \d+ in the queue\./);
  const reference = /Reserved\. Reference (H\d+)/.exec(response.text_)[1];
  assert.match(response.text_, new RegExp(`<td>${reference}</td><td>[^<]+</td><td>Hong Kong Central Library</td><td>(Waiting|On its way|Ready)`));
  response = await client.request('/en/staff/counter/reserve', { method: 'POST', form: { csrf, library: 'CL', card, reserve_barcode: '3100000101', pickup: 'CL' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /already reserved this item/);
  const id = new RegExp(`name="reservation" value="(\\d+)">\\s*<button type="submit" class="button-small">Cancel<span class="visually-hidden">: ${reference}`).exec(response.text_)[1];
  response = await client.request('/en/staff/counter/cancel-reservation', { method: 'POST', form: { csrf, library: 'CL', card, reservation: id } });
  assert.equal(response.status, 200);
  assert.match(response.text_, /The reservation has been cancelled\./);
  assert.doesNotMatch(response.text_, new RegExp(`<td>${reference}</td>`));
  response = await client.request('/en/staff/counter/cancel-reservation', { method: 'POST', form: { csrf, library: 'CL', card, reservation: id } });
  assert.equal(response.status, 422);
});

test('administrators declare fine suspension periods as data', async () => {
  const client = new Client(server.url);
  await client.login('admin', server.password);
  let page = await client.request('/en/staff/fine-suspensions');
  assert.equal(page.status, 200);
  assert.match(page.text_, /Overdue fines resumed on 5 March 2021/);
  const csrf = client.csrfFrom(page.text_);
  let response = await client.request('/en/staff/fine-suspensions', { method: 'POST', form: { csrf, first_day: '2026-12-05', last_day: '2026-12-01', reason_en: '', reason_tc: '' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /last day must be on or after the first day/);
  response = await client.request('/en/staff/fine-suspensions', { method: 'POST', body: new URLSearchParams([['csrf', csrf], ['first_day', '2026-12-01'], ['last_day', '2026-12-03'], ['libraries', 'CL'], ['excluded_kinds', 'mobile'], ['reason_en', 'Typhoon'], ['reason_tc', '颱風']]).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(response.status, 303);
  page = await client.request('/tc/staff/fine-suspensions');
  assert.match(page.text_, /颱風/);
});

test('administrators change lending rules and reader limits, refused with reasons', async () => {
  const client = new Client(server.url);
  await client.login('admin', server.password);
  let page = await client.request('/en/staff/lending-rules');
  assert.equal(page.status, 200);
  assert.match(page.text_, /Reference collection/);
  assert.match(page.text_, /name="max_loans" inputmode="numeric" value="10"/);
  page = await client.request('/en/staff/lending-rules/new');
  assert.equal(page.status, 200);
  const csrf = client.csrfFrom(page.text_);
  const rule = { csrf, reader_category: 'temporary', item_type: 'book', collection: '', library: 'CL', loanable: '1', reservable: '1', loan_days: '0', max_renewals: '1', renewal_days: '7', fine_per_day: '1.5' };
  let response = await client.request('/en/staff/lending-rules', { method: 'POST', form: rule });
  assert.equal(response.status, 422);
  assert.match(response.text_, /whole number from 1 to 366/);
  assert.match(response.text_, /<option value="temporary" selected>/, 'what was typed is kept');
  response = await client.request('/en/staff/lending-rules', { method: 'POST', form: { ...rule, loan_days: '7' } });
  assert.equal(response.status, 303);
  response = await client.request('/en/staff/lending-rules', { method: 'POST', form: { ...rule, loan_days: '7' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /already a rule for exactly these choices/);
  page = await client.request('/tc/staff/lending-rules');
  assert.match(page.text_, /臨時/);
  const id = /href="\/tc\/staff\/lending-rules\/(\d+)">修改<span class="visually-hidden">: 臨時/.exec(page.text_)[1];
  page = await client.request(`/en/staff/lending-rules/${id}`);
  assert.match(page.text_, /name="loan_days" inputmode="numeric" value="7"/);
  response = await client.request(`/en/staff/lending-rules/${id}/delete`, { method: 'POST', form: { csrf } });
  assert.equal(response.status, 303);
  assert.equal((await client.request(`/en/staff/lending-rules/${id}`)).status, 404);
  // The rule for everything cannot be removed.
  page = await client.request('/en/staff/lending-rules');
  const catchAll = /href="\/en\/staff\/lending-rules\/(\d+)">Change<span class="visually-hidden">: Any, Any, Any, Any/.exec(page.text_)[1];
  response = await client.request(`/en/staff/lending-rules/${catchAll}/delete`, { method: 'POST', form: { csrf } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /cannot be removed or narrowed/);
  response = await client.request('/en/staff/lending-rules/limits', { method: 'POST', form: { csrf, max_loans: 'ten', max_periodical_loans: '20', max_reservations: '10', reservation_fee: '3.30', hold_shelf_days: '7', max_reservation_days: '365', fines_ceiling: '130', block_when_overdue: '1' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /value="ten"/);
  response = await client.request('/en/staff/lending-rules/limits', { method: 'POST', form: { csrf, max_loans: '12', max_periodical_loans: '20', max_reservations: '10', reservation_fee: '3.30', hold_shelf_days: '7', max_reservation_days: '365', fines_ceiling: '130', block_when_overdue: '1' } });
  assert.equal(response.status, 303);
  page = await client.request('/en/staff/lending-rules');
  assert.match(page.text_, /name="max_loans" inputmode="numeric" value="12"/);
});

test('the server runs its background jobs by itself', async () => {
  const deadline = Date.now() + 10000;
  while (!/job end-ebook-loans: \d+ e-book loans ended/.test(server.log()) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  assert.match(server.log(), /job expire-reservations: \d+ waiting and \d+ uncollected reservations expired/);
  assert.match(server.log(), /job end-ebook-loans: \d+ e-book loans ended/);
});

test('catalogue search: both scripts, fields, facets, absurd input, record pages and the JSON API', async () => {
  const api = async (query) => (await fetch(`${server.url}/api/v1/search?${query}`)).json();
  const traditional = await api(`q=${encodeURIComponent('歷史')}`);
  const simplified = await api(`q=${encodeURIComponent('历史')}`);
  assert.ok(traditional.total > 0);
  assert.equal(simplified.total, traditional.total, 'Simplified and Traditional find the same');
  const first = traditional.records[0];
  assert.ok(first.id > 0 && first.format && Array.isArray(first.available_at));
  assert.ok(traditional.facets.format.length > 0);
  const ebooks = await api('q=&format=e_book&limit=5');
  assert.ok(ebooks.total > 0);
  for (const record of ebooks.records) assert.equal(record.format, 'e_book');
  const narrowed = await api(`q=${encodeURIComponent('歷史')}&language=chi`);
  assert.ok(narrowed.total <= traditional.total);
  assert.equal((await api('q=!!!')).no_words, true);
  assert.equal(typeof (await api(`q=${encodeURIComponent('"unbalanced quote')}`)).total, 'number');

  let page = await fetch(`${server.url}/en/search?q=${encodeURIComponent('歷史')}&sort=newest`);
  assert.equal(page.status, 200);
  let html = await page.text();
  assert.match(html, /\d+ titles found\./);
  assert.match(html, /Narrow your results/);
  page = await fetch(`${server.url}/tc/search?q=${encodeURIComponent('x'.repeat(5000))}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /找不到結果/);
  page = await fetch(`${server.url}/en/search?q=${encodeURIComponent('((((  AND OR NOT')}`);
  assert.equal(page.status, 200);
  page = await fetch(`${server.url}/en/records/${first.id}`);
  assert.equal(page.status, 200);
  html = await page.text();
  assert.match(html, /<h2 id="copies-heading">Copies<\/h2>/);
  assert.match(html, /status-(open|closed)/);
  assert.equal((await fetch(`${server.url}/en/records/999999999`)).status, 404);
  assert.equal((await fetch(`${server.url}/en/records/abc`)).status, 404);
  // Records, and a search's results, download as MARCXML or MARC21.
  let download = await fetch(`${server.url}/en/records/${first.id}/export?as=marcxml`);
  assert.equal(download.status, 200);
  assert.match(download.headers.get('content-disposition'), /attachment; filename="record-\d+\.xml"/);
  assert.match(await download.text(), /<collection[^>]*>\s*<record/);
  download = await fetch(`${server.url}/en/records/${first.id}/export?as=marc21`);
  const bytes = new Uint8Array(await download.arrayBuffer());
  assert.equal(bytes[bytes.length - 1], 0x1d, 'an ISO2709 record ends with its terminator');
  assert.equal(Number(new TextDecoder().decode(bytes.slice(0, 5))), bytes.length, 'the leader gives the length');
  assert.equal((await fetch(`${server.url}/en/records/${first.id}/export?as=pdf`)).status, 400);
  download = await fetch(`${server.url}/tc/search/export?q=${encodeURIComponent('歷史')}&as=marcxml`);
  assert.equal(download.status, 200);
  const exported = (await download.text()).match(/<record/g).length;
  assert.equal(exported, Math.min(traditional.total, 1000));
  // Lending a copy shows on the record page at once, and in search within seconds.
  const client = new Client(server.url);
  await client.login('admin', server.password);
  const staffView = await client.request(`/en/staff/records/${first.id}`);
  assert.equal(staffView.status, 200);
  assert.match(staffView.text_, /MARC fields/);
  // Cataloguing: add a copy, refuse a barcode in use, change the copy; the record page shows it.
  const csrf = client.csrfFrom(staffView.text_);
  const copy = { csrf, barcode: 'NEWCOPY-1', library_code: 'CL', item_type: 'book', collection: 'adult', call_number: '999 NEW', price: '88.50' };
  let response = await client.request(`/en/staff/records/${first.id}/items`, { method: 'POST', form: copy });
  assert.equal(response.status, 303);
  response = await client.request(`/en/staff/records/${first.id}/items`, { method: 'POST', form: copy });
  assert.equal(response.status, 422);
  assert.match(response.text_, /value="999 NEW"/, 'what was typed is kept');
  response = await client.request(`/en/staff/records/${first.id}/items`, { method: 'POST', form: { ...copy, barcode: 'NEWCOPY-2', price: 'a lot' } });
  assert.equal(response.status, 422);
  const record = await client.request(`/en/staff/records/${first.id}`);
  const itemId = /href="\/en\/staff\/items\/(\d+)">Change<span class="visually-hidden">: NEWCOPY-1</.exec(record.text_)[1];
  const form = await client.request(`/en/staff/items/${itemId}`);
  const version = /name="version" value="(\d+)"/.exec(form.text_)[1];
  response = await client.request(`/en/staff/items/${itemId}`, { method: 'POST', form: { ...copy, csrf: client.csrfFrom(form.text_), version, call_number: '999 CHANGED' } });
  assert.equal(response.status, 303);
  response = await client.request(`/en/staff/items/${itemId}`, { method: 'POST', form: { ...copy, csrf: client.csrfFrom(form.text_), version, call_number: 'stale' } });
  assert.equal(response.status, 422, 'an edit from a stale form is refused');
  assert.match((await (await fetch(`${server.url}/en/records/${first.id}`)).text()), /999 CHANGED/);
  assert.equal((await fetch(`${server.url}/en/staff/records/${first.id}`, { redirect: 'manual' })).status, 303);
});

test('readers sign in with card and password, renew, reserve, cancel, and borrow and return an e-book', async () => {
  const reader = new Client(server.url);
  let page = await reader.request('/en/login');
  assert.equal(page.status, 200);
  // A reader with only a PIN is told how to get a password (ADR 0019), in both languages.
  assert.match(page.text_, /id="pin-only"[^>]*>Only have a PIN\? Choose a password with/);
  assert.match((await reader.request('/tc/login')).text_, /id="pin-only"[^>]*>只有個人密碼？/);
  let csrf = reader.csrfFrom(page.text_);
  const errorSummary = (text) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(text)[0];
  let response = await reader.request('/en/login', { method: 'POST', form: { csrf, card: '2100000004', password: 'not the password' } });
  assert.equal(response.status, 422);
  const wrongPassword = errorSummary(response.text_);
  const wrongPage = response.text_.replace(/value="[^"]*"/g, '');
  response = await reader.request('/en/login', { method: 'POST', form: { csrf, card: '2199999999', password: 'demo reader 0004' } });
  assert.equal(response.status, 422);
  assert.equal(errorSummary(response.text_), wrongPassword, 'an unknown card is told the same');
  // The PIN of the self-service machines is a wrong password on the web: the same answer, nothing about a PIN.
  response = await reader.request('/en/login', { method: 'POST', form: { csrf, card: '2100000004', password: '0004' } });
  assert.equal(response.status, 422, 'a PIN does not sign in on the web');
  assert.equal(errorSummary(response.text_), wrongPassword);
  assert.equal(response.text_.replace(/value="[^"]*"/g, ''), wrongPage, 'the whole page is the wrong-password page');
  assert.equal((await reader.request('/en/account')).status, 303, 'signed out: to the sign-in page');
  response = await reader.request('/en/login', { method: 'POST', form: { csrf, card: '2100000004', password: 'demo reader 0004' } });
  assert.equal(response.status, 303);
  assert.equal(response.headers.get('location'), '/en/account');
  page = await reader.request('/en/account');
  assert.equal(page.status, 200);
  assert.match(page.text_, /My Account/);
  assert.match(page.text_, /You have nothing on loan/);
  csrf = reader.csrfFrom(page.text_);
  assert.equal((await reader.request('/en/account/renew', { method: 'POST', form: { csrf: 'forged', all: '1' } })).status, 403);

  // Reserve a title from its record page, see it in the account, cancel it.
  const books = await (await fetch(`${server.url}/api/v1/search?q=&format=book&limit=1`)).json();
  const bookId = books.records[0].id;
  page = await reader.request(`/en/records/${bookId}`);
  assert.match(page.text_, /name="pickup"/);
  response = await reader.request(`/en/records/${bookId}/reserve`, { method: 'POST', form: { csrf, pickup: 'CL' } });
  assert.equal(response.status, 200, response.text_.slice(0, 300));
  assert.match(response.text_, /Reserved\. Reference (H\d+)/);
  const reference = /Reserved\. Reference (H\d+)/.exec(response.text_)[1];
  page = await reader.request('/en/account');
  assert.match(page.text_, new RegExp(`<td>${reference}</td>`));
  const reservation = new RegExp(`name="reservation" value="(\\d+)"><button type="submit" class="button-small">Cancel<span class="visually-hidden">: ${reference}`).exec(page.text_)[1];
  response = await reader.request('/en/account/change-pickup', { method: 'POST', form: { csrf, reservation, pickup: 'KLN' } });
  assert.match(response.text_, /The pick-up library has been changed/);
  assert.match(response.text_, new RegExp(`<td>${reference}</td><td>[^<]+</td><td>Kowloon Public Library`));
  response = await reader.request('/en/account/change-pickup', { method: 'POST', form: { csrf, reservation, pickup: 'NOWHERE' } });
  assert.equal(response.status, 422);
  response = await reader.request('/en/account/cancel-reservation', { method: 'POST', form: { csrf, reservation } });
  assert.match(response.text_, /The reservation has been cancelled/);

  // Borrow an e-book online, renew it, return it early.
  const ebooks = await (await fetch(`${server.url}/api/v1/search?q=&format=e_book&limit=20`)).json();
  const ebook = ebooks.records.find((record) => record.available > 0);
  response = await reader.request(`/en/records/${ebook.id}/borrow`, { method: 'POST', form: { csrf } });
  assert.equal(response.status, 200, response.text_.slice(0, 300));
  assert.match(response.text_, /Borrowed: .* It is yours to read until/);
  page = await reader.request('/en/account');
  assert.match(page.text_, /Checked out \(1\)/);
  assert.match(page.text_, /<span class="tag">E-book<\/span>/);
  const barcode = /name="barcode" value="([^"]+)"/.exec(page.text_)[1];
  // The due date in a private calendar feed; a new link turns off the old one, and the link can be revoked.
  response = await reader.request('/en/account/calendar', { method: 'POST', form: { csrf } });
  const feed = /href="(\/calendar\/[^"]+\.ics)"/.exec(response.text_)[1];
  let ics = await fetch(server.url + feed);
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /^text\/calendar/);
  // The link is a secret: the feed's own Referrer-Policy is not replaced by the site-wide one (Hardening 9).
  assert.equal(ics.headers.get('referrer-policy'), 'no-referrer');
  const icsText = await ics.text();
  assert.match(icsText, /^BEGIN:VCALENDAR\r\n/);
  assert.match(icsText, /BEGIN:VEVENT\r\n[\s\S]*DTSTART;VALUE=DATE:\d{8}\r\n[\s\S]*SUMMARY:Due back/);
  for (const line of icsText.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `folded: ${line}`);
  response = await reader.request('/en/account/calendar', { method: 'POST', form: { csrf } });
  const newer = /href="(\/calendar\/[^"]+\.ics)"/.exec(response.text_)[1];
  assert.equal((await fetch(server.url + feed)).status, 404, 'the old link is off');
  assert.equal((await fetch(server.url + newer)).status, 200);
  await reader.request('/en/account/calendar', { method: 'POST', form: { csrf, revoke: '1' } });
  assert.equal((await fetch(server.url + newer)).status, 404, 'revoked');
  assert.equal((await fetch(`${server.url}/calendar/nonsense.ics`)).status, 404);
  response = await reader.request('/en/account/renew', { method: 'POST', form: { csrf, barcode } });
  assert.match(response.text_, /renewed until .*, reference R\d+/);
  response = await reader.request('/en/account/return-ebook', { method: 'POST', form: { csrf, barcode } });
  assert.match(response.text_, /Returned: /);
  assert.match(response.text_, /You have nothing on loan/);
  // A book on a shelf is not lent online.
  response = await reader.request(`/en/records/${bookId}/borrow`, { method: 'POST', form: { csrf } });
  assert.equal(response.status, 422);

  // My data, as JSON and as CSV: the returned e-book is there.
  let data = await reader.request('/en/account/data.json');
  assert.equal(data.status, 200);
  assert.match(data.headers.get('content-disposition'), /my-library-data\.json/);
  const mine = JSON.parse(data.text_);
  assert.equal(mine.reader.card_number, '2100000004');
  assert.equal(mine.loans.length, 1);
  assert.notEqual(mine.loans[0].returned_at, '');
  assert.equal(mine.reservations.length, 1);
  data = await reader.request('/en/account/data.csv');
  assert.match(data.text_, /^\uFEFF?"section","what","title"/);  // fetch drops the byte order mark
  assert.match(data.text_, /"loan","[^"]+","[^"]+"/);

  // The PIN: the password (never the PIN itself) is asked again, and the new one typed twice.
  response = await reader.request('/en/account/pin', { method: 'POST', form: { csrf, pin_password: '0004', new_pin: '13579', repeated_pin: '13579' } });
  assert.equal(response.status, 422, 'the current PIN does not confirm a change');
  assert.match(response.text_, /id="pin_password-error"/);
  response = await reader.request('/en/account/pin', { method: 'POST', form: { csrf, pin_password: 'demo reader 0004', new_pin: '13579', repeated_pin: '97531' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /not the same/);
  response = await reader.request('/en/account/pin', { method: 'POST', form: { csrf, pin_password: 'demo reader 0004', new_pin: '13579', repeated_pin: '13579' } });
  assert.equal(response.status, 200);
  assert.match(response.text_, /Your PIN has been changed/);

  // Reporting the card lost blocks it at once.
  response = await reader.request('/en/account/card-lost', { method: 'POST', form: { csrf } });
  assert.equal(response.status, 422, 'the reader must confirm');
  response = await reader.request('/en/account/card-lost', { method: 'POST', form: { csrf, confirm: '1' } });
  assert.match(response.text_, /Your card is blocked/);
  // My Account says why before the reader tries anything.
  page = await reader.request('/en/account');
  assert.match(page.text_, /<h2>You cannot borrow, renew or reserve at the moment<\/h2><ul>(<li>[^<]+<\/li>)*<li>This card has been reported lost/);
  response = await reader.request(`/en/records/${ebook.id}/borrow`, { method: 'POST', form: { csrf } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /reported lost/i);

  response = await reader.request('/en/logout', { method: 'POST', form: { csrf } });
  assert.equal(response.status, 303);
  assert.equal((await reader.request('/en/account')).status, 303);
  page = await reader.request('/en/login');
  response = await reader.request('/en/login', { method: 'POST', form: { csrf: reader.csrfFrom(page.text_), card: '2100000004', password: '13579' } });
  assert.equal(response.status, 422, 'the new PIN does not sign in on the web either');
  response = await reader.request('/en/login', { method: 'POST', form: { csrf: reader.csrfFrom(page.text_), card: '2100000004', password: 'demo reader 0004' } });
  assert.equal(response.status, 303, 'the password still does');
});

test('five failed logins lock the account for a while', async () => {
  const client = new Client(server.url);
  await client.request('/en/');
  const username = 'nobody-here';
  for (let i = 0; i < 5; i++) assert.equal((await client.login(username, `wrong password ${i}`)).status, 422);
  const locked = await client.login(username, 'wrong password again');
  assert.equal(locked.status, 429);
  assert.match(locked.text_, /Too many unsuccessful attempts/);
});

test('reader B can never reach reader A\'s loans, reservations, settings, data or calendar by changing an id or a field', async () => {
  async function signIn(card, password) {
    const client = new Client(server.url);
    const page = await client.request('/en/login');
    const response = await client.request('/en/login', { method: 'POST', form: { csrf: client.csrfFrom(page.text_), card, password } });
    assert.equal(response.status, 303, `${card} signs in`);
    client.csrf = client.csrfFrom((await client.request('/en/account')).text_);
    return client;
  }
  const a = await signIn('2100000006', 'demo reader 0006');
  const b = await signIn('2100000007', 'demo reader 0007');
  // A reserves a title, borrows an e-book and makes a calendar link.
  const books = await (await fetch(`${server.url}/api/v1/search?q=&format=book&limit=3`)).json();
  let response = await a.request(`/en/records/${books.records[2].id}/reserve`, { method: 'POST', form: { csrf: a.csrf, pickup: 'CL' } });
  assert.equal(response.status, 200, response.text_.slice(0, 300));
  const ebooks = await (await fetch(`${server.url}/api/v1/search?q=&format=e_book&limit=20`)).json();
  const ebook = ebooks.records.find((record) => record.available > 0);
  response = await a.request(`/en/records/${ebook.id}/borrow`, { method: 'POST', form: { csrf: a.csrf } });
  assert.equal(response.status, 200, response.text_.slice(0, 300));
  response = await a.request('/en/account/calendar', { method: 'POST', form: { csrf: a.csrf } });
  const feed = /href="(\/calendar\/[^"]+\.ics)"/.exec(response.text_)[1];
  const page = await a.request('/en/account');
  const reservation = /name="reservation" value="(\d+)"/.exec(page.text_)[1];
  const barcode = /name="barcode" value="([^"]+)"/.exec(page.text_)[1];

  // B tries each of A's things with A's ids, and with A's card in extra fields.
  const attempts = [
    ['cancel-reservation', { reservation }],
    ['change-pickup', { reservation, pickup: 'KLN' }],
    ['renew', { barcode }],
    ['return-ebook', { barcode }],
    ['calendar', { revoke: '1', card: '2100000006', reader_id: '1' }],
    ['preferences', { language: 'en', channel: 'none', keep_history: '1', card: '2100000006', reader_id: '1' }],
  ];
  for (const [action, form] of attempts) {
    response = await b.request(`/en/account/${action}`, { method: 'POST', form: { csrf: b.csrf, ...form } });
    assert.ok([200, 422].includes(response.status), `${action}: ${response.status}`);
    assert.doesNotMatch(response.text_, /2100000006/, `${action} shows nothing of A`);
  }
  // A's things are as they were.
  const after_ = await a.request('/en/account');
  assert.match(after_.text_, new RegExp(`name="reservation" value="${reservation}"`), 'the reservation is still there');
  assert.match(after_.text_, new RegExp(`name="barcode" value="${barcode}"`), 'the e-book is still on loan to A');
  assert.doesNotMatch(after_.text_, /id="keep_history"[^>]*checked/, "A's settings are A's");
  assert.equal((await fetch(server.url + feed)).status, 200, "A's calendar link still works");
  // B's data holds only B; A's CSRF token is no use in B's session.
  const data = await b.request('/en/account/data.json');
  assert.equal(data.status, 200);
  assert.doesNotMatch(data.text_, /2100000006/);
  assert.equal((await b.request('/en/account/renew', { method: 'POST', form: { csrf: a.csrf, all: '1' } })).status, 403);
});

test('a card reported lost is replaced at the counter: the fee is charged and the old number stops working', async () => {
  const client = new Client(server.url);
  await client.login('admin', server.password);
  let page = await client.request('/en/staff/counter?library=CL&card=2100000030');
  assert.doesNotMatch(page.text_, /Replace the lost card/, 'only a card reported lost can be replaced');
  let response = await client.request('/en/staff/counter/card-lost',
    { method: 'POST', form: { csrf: client.csrfFrom(page.text_), library: 'CL', card: '2100000030' } });
  assert.match(response.text_, /Replace the lost card/);
  assert.match(response.text_, /New library card \(HK\$(33|17)\.00\)/);
  // The counter says at once that this reader may not borrow, and why, before anyone tries a loan.
  assert.match(response.text_, /<h3>This reader cannot borrow, renew or reserve now<\/h3><ul>(<li>[^<]+<\/li>)*<li>This card has been reported lost/);
  const csrf = client.csrfFrom(response.text_);
  response = await client.request('/en/staff/counter/replace-card',
    { method: 'POST', form: { csrf, library: 'CL', card: '2100000030', kind: 'card', card_number: '12' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /id="card_number-error">A library card number has 8 to 14 digits/);
  assert.match(response.text_, /id="card_number"[^>]*value="12"/, 'what was typed is kept');
  response = await client.request('/en/staff/counter/replace-card',
    { method: 'POST', form: { csrf, library: 'CL', card: '2100000030', kind: 'smart_id', smart_id_number: 'A123456(3)', smart_id_issue_date: '2026-01-01' } });
  assert.equal(response.status, 422, 'a demo reader has no smart ID card registered');
  assert.match(response.text_, /does not match/);
  assert.doesNotMatch(response.text_, /A123456/, 'the identity card number is not shown back');
  response = await client.request('/en/staff/counter/replace-card',
    { method: 'POST', form: { csrf, library: 'CL', card: '2100000030', kind: 'card', card_number: '2199555001' } });
  assert.equal(response.status, 303);
  assert.match(response.headers.get('location'), /card=2199555001&replaced=1$/);
  page = await client.request(response.headers.get('location'));
  assert.match(page.text_, /The card is replaced and the old card no longer works/);
  assert.match(page.text_, /Replacement card/);
  assert.doesNotMatch(page.text_, /Replace the lost card/);
  page = await client.request('/en/staff/counter?library=CL&card=2100000030');
  assert.match(page.text_, /No reader has this card number/);
  // Replacing again is refused: the new card is not reported lost.
  response = await client.request('/en/staff/counter/replace-card',
    { method: 'POST', form: { csrf, library: 'CL', card: '2199555001', kind: 'card', card_number: '2199555002' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /has not been reported lost/);
});
