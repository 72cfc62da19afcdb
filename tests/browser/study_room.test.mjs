// Students' Study Room admission cards over HTTP against a real server with the demo data: staff open a
// period (field errors in both languages), readers apply (once; also 10 at once), withdraw, staff run the
// draw (again, then publish), outcome emails through a real SMTP server on loopback in the reader's language,
// the account outcome, the admission card with its QR code, the staff check, and access control on every route.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startShelfmark, Client, binary } from './harness.mjs';
import { startSmtpSink } from './mail_sink.mjs';

let server;
let smtp;

const waitForMail = (predicate, what) => smtp.waitFor(predicate, what);

function addStaff(username, role) {
  execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', username, '--role', role, '--password-stdin'],
    { input: 'a passphrase long enough\n', encoding: 'utf8' });
}

async function staffClient(username = 'admin', password = server.password) {
  const client = new Client(server.url);
  const response = await client.login(username, password);
  assert.equal(response.status, 303);
  return client;
}

// Demo readers 2100000000..2100000009 have the last four digits of their card as PIN.
async function readerClient(card) {
  const client = new Client(server.url);
  const login = await client.request('/en/login');
  const signed = await client.request('/en/login', { method: 'POST', form: { csrf: client.csrfFrom(login.text_), card, password: `demo reader ${card.slice(-4)}` } });
  assert.equal(signed.status, 303, signed.text_);
  return client;
}

async function setContact(client, card, email, language) {
  const account = await client.request('/en/account');
  const csrf = client.csrfFrom(account.text_);
  const contact = await client.request('/en/account/contact', { method: 'POST', form: { csrf, email, mobile: '', address: '', contact_secret: `demo reader ${card.slice(-4)}` } });
  assert.equal(contact.status, 200);
  assert.doesNotMatch(contact.text_, /class="field-error"/);
  const preferences = await client.request('/en/account/preferences', { method: 'POST',
    form: { csrf, language, channel: 'email', notify_reservations: '1', notify_due: '1', notify_overdue: '1' } });
  assert.equal(preferences.status, 200);
  assert.doesNotMatch(preferences.text_, /class="field-error"/);
}

// "2026-11-23T10:00" in Hong Kong time, `minutes` from now.
function hongKong(minutes) {
  return new Date(Date.now() + 8 * 3600e3 + minutes * 60e3).toISOString().slice(0, 16);
}

function periodForm(csrf, overrides = {}) {
  return {
    csrf, title_en: 'Study room, Christmas', title_tc: '自修室（聖誕）', library_code: 'CL',
    opens_at: hongKong(-60), closes_at: hongKong(24 * 60), valid_from: hongKong(3 * 24 * 60).slice(0, 10),
    valid_until: hongKong(60 * 24 * 60).slice(0, 10), places: '2', priority: 'exam_candidates_first',
    session1_weekday_start: '08:00', session1_weekday_end: '12:30', session1_weekend_start: '08:00', session1_weekend_end: '12:30',
    session2_weekday_start: '17:30', session2_weekday_end: '22:00', session2_weekend_start: '17:30', session2_weekend_end: '21:30',
    ...overrides,
  };
}

function periodId(html, title) {
  const match = new RegExp(`/staff/study-room/(\\d+)">${title}<`).exec(html);
  assert.ok(match, `no period ${title}`);
  return match[1];
}

before(async () => {
  smtp = await startSmtpSink();
  server = await startShelfmark(['--smtp-url', smtp.url, '--smtp-from', 'library@example.org'], { catalogueRecords: 50 });
  addStaff('counter.one', 'counter');
  addStaff('cataloguer.one', 'cataloguer');
});
after(async () => {
  await server?.stop();
  smtp?.stop();
});

test('signed out: the periods are public, everything else asks to sign in', async () => {
  const client = new Client(server.url);
  for (const lang of ['en', 'tc']) {
    const page = await client.request(`/${lang}/study-room`);
    assert.equal(page.status, 200);
    assert.match(page.text_, lang === 'en' ? /Study room, summer/ : /自修室（暑期）/);
    assert.match(page.text_, new RegExp(`href="/${lang}/login"`));
    assert.doesNotMatch(page.text_, /name="exam_candidate"/);
  }
  const apply = await client.request('/en/study-room/periods/1/apply', { method: 'POST', form: { session: '1', exam_candidate: 'no' } });
  assert.equal(apply.status, 403);  // "This form has expired" (419 in our code, sent as 403)
  for (const path of ['/en/account/study-room', '/en/account/study-room/1/card']) {
    const response = await client.request(path);
    assert.equal(response.status, 303, path);
    assert.equal(response.headers.get('location'), `/en/login?next=${encodeURIComponent(path)}`);
  }
  for (const path of ['/en/staff/study-room', '/en/staff/study-room/new', '/en/staff/study-room/1', '/en/staff/study-room/check/abc']) {
    const response = await client.request(path);
    assert.equal(response.status, 303, path);
    assert.equal(response.headers.get('location'), '/en/staff/login');
  }
});

test('staff without the permission get 403 on every staff route', async () => {
  const cataloguer = await staffClient('cataloguer.one', 'a passphrase long enough');
  const home = await cataloguer.request('/en/staff/');
  const csrf = cataloguer.csrfFrom(home.text_);
  for (const path of ['/en/staff/study-room', '/en/staff/study-room/new', '/en/staff/study-room/1', '/en/staff/study-room/check/abc'])
    assert.equal((await cataloguer.request(path)).status, 403, path);
  for (const path of ['/en/staff/study-room', '/en/staff/study-room/1/allocate', '/en/staff/study-room/1/publish',
    '/en/staff/study-room/applications/1/release'])
    assert.equal((await cataloguer.request(path, { method: 'POST', form: periodForm(csrf) })).status, 403, path);
  // The counter may check cards but not manage periods.
  const counter = await staffClient('counter.one', 'a passphrase long enough');
  assert.equal((await counter.request('/en/staff/study-room')).status, 403);
  assert.equal((await counter.request('/en/staff/study-room/check/abc')).status, 404);
});

test('staff open a period: every bad field is named, in both languages, and nothing typed is lost', async () => {
  const staff = await staffClient();
  const form = await staff.request('/en/staff/study-room/new');
  assert.equal(form.status, 200);
  const csrf = staff.csrfFrom(form.text_);
  const bad = await staff.request('/en/staff/study-room', { method: 'POST', form: periodForm(csrf, {
    title_en: '', places: '0', closes_at: hongKong(-120), session2_weekend_end: '17:00', session1_weekday_start: '8am' }) });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /href="#title_en"/);
  assert.match(bad.text_, /Please enter a whole number from 1 to 500\./);
  assert.match(bad.text_, /Applications must close later than they open\./);
  assert.match(bad.text_, /Please enter a time as HH:MM/);
  assert.match(bad.text_, /id="session2_weekend_end"[^>]*value="17:00"[^>]*aria-invalid="true"/);
  assert.match(bad.text_, /value="自修室（聖誕）"/);
  const chinese = await staff.request('/tc/staff/study-room', { method: 'POST', form: periodForm(csrf, { places: 'many', library_code: 'NOPE' }) });
  assert.equal(chinese.status, 422);
  assert.match(chinese.text_, /請輸入 1 至 500 之間的整數。/);
  assert.match(chinese.text_, /請從所列選項中選擇一項。/);

  const created = await staff.request('/en/staff/study-room', { method: 'POST', form: periodForm(csrf) });
  assert.equal(created.status, 303);
  assert.match(created.headers.get('location'), /^\/en\/staff\/study-room\/\d+\?opened=1$/);
  const list = await staff.request('/en/staff/study-room');
  assert.match(list.text_, /Study room, Christmas/);
});

test('a reader applies once per period, also when submitting ten times at once, and may withdraw', async () => {
  const staff = await staffClient();
  const id = periodId((await staff.request('/en/staff/study-room')).text_, 'Study room, Christmas');
  const reader = await readerClient('2100000004');
  const page = await reader.request('/en/study-room');
  assert.match(page.text_, new RegExp(`action="/en/study-room/periods/${id}/apply"`));
  const csrf = reader.csrfFrom(page.text_);
  const missing = await reader.request(`/en/study-room/periods/${id}/apply`, { method: 'POST',
    form: { csrf, session: '2', exam_candidate: 'yes', candidate_type: 'school', school_name: '' } });
  assert.equal(missing.status, 422);
  assert.match(missing.text_, new RegExp(`href="#p${id}_school_name"`));
  assert.match(missing.text_, new RegExp(`id="p${id}_session_2" name="session" value="2" checked`));
  const applied = await reader.request(`/en/study-room/periods/${id}/apply`, { method: 'POST',
    form: { csrf, session: '2', exam_candidate: 'yes', candidate_type: 'school', school_name: 'Queen\'s College' } });
  assert.equal(applied.status, 303);
  const again = await reader.request(`/tc/study-room/periods/${id}/apply`, { method: 'POST',
    form: { csrf, session: '1', exam_candidate: 'no' } });
  assert.equal(again.status, 409);
  assert.match(again.text_, /你已在這段期間提出申請/);

  const racer = await readerClient('2100000005');
  const racerCsrf = racer.csrfFrom((await racer.request('/en/study-room')).text_);
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => racer.request(`/en/study-room/periods/${id}/apply`,
    { method: 'POST', form: { csrf: racerCsrf, session: String(1 + (i % 2)), exam_candidate: 'no' } })));
  assert.equal(results.filter((r) => r.status === 303).length, 1);
  assert.equal(results.filter((r) => r.status === 409).length, 9);

  // Reader B cannot withdraw reader A's application.
  const mine = await reader.request('/en/study-room');
  const applicationId = /\/en\/study-room\/applications\/(\d+)\/withdraw/.exec(mine.text_)[1];
  const stolen = await racer.request(`/en/study-room/applications/${applicationId}/withdraw`, { method: 'POST', form: { csrf: racerCsrf } });
  assert.equal(stolen.status, 404);
  const withdrawn = await reader.request(`/en/study-room/applications/${applicationId}/withdraw`, { method: 'POST', form: { csrf } });
  assert.equal(withdrawn.status, 303);
  const after = await reader.request('/en/account/study-room');
  assert.match(after.text_, /Withdrawn/);
  // A forged CSRF token is refused.
  assert.equal((await reader.request(`/en/study-room/periods/${id}/apply`, { method: 'POST', form: { csrf: 'x', session: '1', exam_candidate: 'no' } })).status, 403);
});

test('outside the period a reader is told when applications are accepted', async () => {
  const staff = await staffClient();
  const csrf = staff.csrfFrom((await staff.request('/en/staff/study-room/new')).text_);
  const created = await staff.request('/en/staff/study-room', { method: 'POST', form: periodForm(csrf, {
    title_en: 'Study room, later', opens_at: hongKong(3 * 24 * 60), closes_at: hongKong(5 * 24 * 60),
    valid_from: hongKong(7 * 24 * 60).slice(0, 10) }) });
  assert.equal(created.status, 303);
  const id = /study-room\/(\d+)/.exec(created.headers.get('location'))[1];
  const reader = await readerClient('2100000006');
  const page = await reader.request('/en/study-room');
  assert.match(page.text_, /Applications are not open yet\./);
  const refused = await reader.request(`/en/study-room/periods/${id}/apply`, { method: 'POST',
    form: { csrf: reader.csrfFrom(page.text_), session: '1', exam_candidate: 'no' } });
  assert.equal(refused.status, 409);
  assert.match(refused.text_, /Applications for this study room are not being accepted now\. They are accepted from/);
});

test('the draw is run, re-run and published; applicants are told by email in their language and see the outcome', async () => {
  // Demo readers 2100000000..5 applied at Tsuen Wan, whose applications closed yesterday.
  const readers = {};
  for (const [card, language] of [['2100000001', 'en'], ['2100000002', 'tc'], ['2100000003', 'en'], ['2100000004', 'en']]) {
    readers[card] = await readerClient(card);
    await setContact(readers[card], card, `r${card}@example.com`, language);
  }
  const staff = await staffClient();
  const id = periodId((await staff.request('/en/staff/study-room')).text_, 'Study room, mock examinations');
  const before = await staff.request(`/en/staff/study-room/${id}`);
  const csrf = staff.csrfFrom(before.text_);
  assert.match(before.text_, /Run the allocation/);
  assert.equal((await staff.request(`/en/staff/study-room/${id}/publish`, { method: 'POST', form: { csrf } })).status, 409);
  const first = await staff.request(`/en/staff/study-room/${id}/allocate`, { method: 'POST', form: { csrf } });
  assert.equal(first.status, 303);
  const drawn = await staff.request(first.headers.get('location'));
  const seed = /id="draw-seed">([0-9a-f]{16})</.exec(drawn.text_)[1];
  assert.match(drawn.text_, /splitmix64-key-v1/);
  // Nothing is shown to readers before publication.
  assert.match((await readers['2100000001'].request('/en/account/study-room')).text_, /Waiting for the results/);
  const second = await staff.request(`/en/staff/study-room/${id}/allocate`, { method: 'POST', form: { csrf } });
  assert.equal(second.status, 303);
  const redrawn = await staff.request(`/en/staff/study-room/${id}`);
  assert.notEqual(/id="draw-seed">([0-9a-f]{16})</.exec(redrawn.text_)[1], seed);
  const published = await staff.request(`/en/staff/study-room/${id}/publish`, { method: 'POST', form: { csrf } });
  assert.equal(published.status, 303);
  const rerun = await staff.request(`/en/staff/study-room/${id}/allocate`, { method: 'POST', form: { csrf } });
  assert.equal(rerun.status, 409);
  assert.match(rerun.text_, /The results have been published, so the allocation cannot be run again\./);

  for (const [card, client] of Object.entries(readers)) {
    const outcome = await client.request('/en/account/study-room');
    const successful = /Print the admission card/.test(outcome.text_);
    const chinese = card === '2100000002';
    const mail = await waitForMail((m) => m.to.includes(`r${card}@example.com`) && /Study room|自修室/.test(m.subject), `to ${card}`);
    if (chinese) assert.match(mail[0].subject, /自修室入座證/);
    if (successful) assert.match(mail[0].text, chinese ? /你的申請成功/ : /Your application was successful/);
    else assert.match(mail[0].text, chinese ? /候補名單/ : /waiting list/);
  }
});

test('the admission card prints with a QR code that staff check; nobody else can open it', async () => {
  // Demo reader 2100000000 has a card for the Central Library's published period; 2100000003 is waiting.
  const holder = await readerClient('2100000000');
  const outcomes = await holder.request('/en/account/study-room');
  const cardPath = /Study room, HKDSE season<\/td>.*?href="(\/en\/account\/study-room\/\d+\/card)"/s.exec(outcomes.text_)[1];
  const card = await holder.request(cardPath);
  assert.equal(card.status, 200);
  assert.equal(card.headers.get('cache-control'), 'no-store');
  assert.match(card.text_, /<svg[^>]*class="qr"[^>]*role="img"/);
  assert.match(card.text_, /SR-\d{6}-1-00\d/);
  assert.match(card.text_, /Central Library/);
  const other = await readerClient('2100000003');
  assert.equal((await other.request(cardPath)).status, 404);
  assert.equal((await other.request(cardPath.replace('/en/', '/tc/'))).status, 404);

  const chinese = await holder.request(cardPath.replace('/en/', '/tc/'));
  const checkUrl = /(http:\/\/[^"<\s]+\/tc\/staff\/study-room\/check\/[0-9a-f]{64})/.exec(chinese.text_);
  assert.ok(checkUrl, 'the card shows its check link');
  const checkPath = new URL(checkUrl[1]).pathname;
  const counter = await staffClient('counter.one', 'a passphrase long enough');
  const check = await counter.request(checkPath);
  assert.equal(check.status, 200);
  assert.match(check.text_, /今天有效/);
  assert.match(check.text_, /\*{6}0000/);
  assert.doesNotMatch(check.text_, /2100000000/);
  // Readers cannot use the check page; a made-up token names no card.
  assert.equal((await holder.request(checkPath)).status, 303);
  const forged = await counter.request('/en/staff/study-room/check/' + 'f'.repeat(64));
  assert.equal(forged.status, 404);
  assert.match(forged.text_, /This is not a valid admission card/);
});

test('a declined place goes to the first on the waiting list, who is told', async () => {
  const staff = await staffClient();
  const id = periodId((await staff.request('/en/staff/study-room')).text_, 'Study room, HKDSE season');
  const page = await staff.request(`/en/staff/study-room/${id}`);
  const release = /action="(\/en\/staff\/study-room\/applications\/\d+\/release)"/.exec(page.text_)[1];
  const response = await staff.request(release, { method: 'POST', form: { csrf: staff.csrfFrom(page.text_) } });
  assert.equal(response.status, 303);
  const after = await staff.request(response.headers.get('location'));
  assert.match(after.text_, /Place given up/);
  // Session 1's waiting list is demo reader 2100000003, whose email the draw test set.
  const mail = await waitForMail((m) => m.to.includes('r2100000003@example.com') && /A place has become free/.test(m.text), 'offering the place');
  assert.match(mail[0].text, /SR-\d{6}-1-003/);
  const waiting = await readerClient('2100000003');
  assert.match((await waiting.request('/en/account/study-room')).text_, /Print the admission card/);
});
