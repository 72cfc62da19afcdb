// Activities over HTTP against a running server: the public list and filters, an activity's page and its
// iCalendar file, readers enrolling, the waiting list and moving up, My Information, staff publishing, the
// enrolment list with its CSV, attendance, and who may reach which route.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startShelfmark, Client, binary } from './harness.mjs';

let server;
const staffPassword = 'a long enough staff password 42';
before(async () => {
  server = await startShelfmark();
  for (const [username, role] of [['counter1', 'counter'], ['cataloguer1', 'cataloguer']])
    execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', username, '--role', role, '--password-stdin'],
      { input: `${staffPassword}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
});
after(async () => { await server?.stop(); });

// Local time in Hong Kong, as typed into a datetime-local field, `minutes` from now.
function hongKongTime(minutes) {
  const text = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Hong_Kong', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(Date.now() + minutes * 60000));
  return text.replace(' ', 'T');
}

async function activityId(title) {
  const html = await (await fetch(`${server.url}/en/activities`)).text();
  const match = new RegExp(`href="/en/activities/(\\d+)">${title}`).exec(html);
  assert.ok(match, `no activity titled ${title}`);
  return match[1];
}

async function signedInReader(card, next) {
  const reader = new Client(server.url);
  const page = await reader.request(`/en/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  const form = { csrf: reader.csrfFrom(page.text_), card, password: `demo reader ${card.slice(-4)}` };
  const next_ = /name="next" value="([^"]+)"/.exec(page.text_)?.[1];
  if (next_) form.next = next_.replaceAll('&#x2F;', '/').replaceAll('&#47;', '/');
  const response = await reader.request('/en/login', { method: 'POST', form });
  assert.equal(response.status, 303);
  reader.landing = response.headers.get('location');
  return reader;
}

async function staff(username, password) {
  const client = new Client(server.url);
  const response = await client.login(username, password);
  assert.equal(response.status, 303, `${username} signs in`);
  return client;
}

test('the public list filters by library, district, type, audience and date, in both languages', async () => {
  let html = await (await fetch(`${server.url}/en/activities`)).text();
  assert.match(html, /8 activities found/);
  assert.match(html, /Workshop: Bookbinding for Beginners/);
  html = await (await fetch(`${server.url}/tc/activities`)).text();
  assert.match(html, /找到8項活動/);
  assert.match(html, /工作坊：書籍裝訂入門/);
  html = await (await fetch(`${server.url}/en/activities?library=KLN`)).text();
  assert.match(html, /1 activities found/);
  html = await (await fetch(`${server.url}/en/activities?district=wan_chai&type=storytelling`)).text();
  assert.match(html, /2 activities found/);
  html = await (await fetch(`${server.url}/en/activities?audience=seniors`)).text();
  assert.match(html, /Using the Library&apos;s E-Resources|Using the Library's E-Resources/);
  assert.match(html, /1 activities found/);
  html = await (await fetch(`${server.url}/en/activities?from=2000-01-01&until=2000-01-02`)).text();
  assert.match(html, /No activities match/);
  // A value that cannot be read is reported beside its field, and the rest of the page still works.
  const response = await fetch(`${server.url}/en/activities?type=party&from=31-12-2026`);
  assert.equal(response.status, 200);
  html = await response.text();
  assert.match(html, /Please choose one of the options given/);
  assert.match(html, /id="from-error">Please enter a date as YYYY-MM-DD/);
  assert.match(html, /8 activities found/);
});

test('an activity page shows everything a reader needs, and its calendar file is valid iCalendar', async () => {
  const id = await activityId('Workshop: Bookbinding for Beginners');
  let html = await (await fetch(`${server.url}/en/activities/${id}`)).text();
  for (const text of [/Ms Lee Ka-yan/, /Cantonese and English/, /Kowloon Public Library, Activity Room/, /2 of 2 places left/,
    /href="tel:29264056"/, /Sign in to enrol/, /href="\/en\/login\?next=%2Fen%2Factivities%2F\d+"/])
    assert.match(html, text);
  assert.doesNotMatch(html, /<dt>Organiser<\/dt>/, 'no empty facts');
  html = await (await fetch(`${server.url}/tc/activities/${id}`)).text();
  assert.match(html, /李嘉欣女士/);
  const ics = await fetch(`${server.url}/en/activities/${id}.ics`);
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /text\/calendar/);
  const body = await ics.text();
  assert.match(body, /^BEGIN:VCALENDAR\r\n/);
  assert.match(body, /\r\nUID:activity-\d+@shelfmark\r\n/);
  assert.match(body, /\r\nDTSTART:\d{8}T\d{6}Z\r\n/);
  assert.match(body, /LOCATION:Kowloon Public Library\\, Activity Room/);
  assert.match(body.replace(/\r\n /g, ''), new RegExp(`\r\nURL:http://127\\.0\\.0\\.1:\\d+/en/activities/${id}\r\n`));
  for (const line of body.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `folded: ${line}`);
  // The recording has no calendar file; its link shows because its viewing time has come.
  const recording = await activityId('Recording: Writers&apos; Talk on Hong Kong Poetry|Recording: Writers\' Talk on Hong Kong Poetry');
  assert.match(await (await fetch(`${server.url}/en/activities/${recording}`)).text(), /href="https:\/\/video\.example\.org\/hkpl\/poetry-talk"/);
  assert.equal((await fetch(`${server.url}/en/activities/${recording}.ics`)).status, 404);
  for (const path of ['/en/activities/999999', '/en/activities/abc', '/en/activities/1/x', '/en/activities/0.ics'])
    assert.equal((await fetch(server.url + path)).status, 404, path);
});

test('readers enrol, join the waiting list, move up when a place frees, and see it in My Information', async () => {
  const id = await activityId('Workshop: Bookbinding for Beginners');
  const path = `/en/activities/${id}`;
  // Signing in from the activity comes back to it.
  const first = await signedInReader('2100000002', path);
  assert.equal(first.landing, path);
  let page = await first.request(path);
  let response = await first.request(`${path}/enrol`, { method: 'POST', form: { csrf: first.csrfFrom(page.text_) } });
  assert.equal(response.status, 200);
  assert.match(response.text_, /You are enrolled\. The activity is listed under My Information/);
  assert.match(response.text_, /No message is sent \(you chose no notices in My Setting, or we have no email address/,
    'the demo reader has no email address, and the page says so');
  assert.match(response.text_, /1 of 2 places left/);
  response = await first.request(`${path}/enrol`, { method: 'POST', form: { csrf: first.csrfFrom(page.text_) } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /You are already enrolled in this activity, or on its waiting list/);

  const second = await signedInReader('2100000008');
  page = await second.request(path);
  await second.request(`${path}/enrol`, { method: 'POST', form: { csrf: second.csrfFrom(page.text_) } });
  const third = await signedInReader('2100000009');
  page = await third.request(path);
  assert.match(page.text_, /Join the waiting list/);
  response = await third.request(`${path}/enrol`, { method: 'POST', form: { csrf: third.csrfFrom(page.text_) } });
  assert.match(response.text_, /you are on the waiting list, number 1/);
  page = await third.request('/en/account/information');
  assert.match(page.text_, /Waiting list, number 1/);

  // Reader C cannot cancel what is not theirs: the route acts on the signed-in reader only.
  page = await first.request(path);
  response = await first.request(`${path}/cancel`, { method: 'POST', form: { csrf: first.csrfFrom(page.text_) } });
  assert.match(response.text_, /Your enrolment has been cancelled/);
  page = await third.request('/tc/account/information');
  assert.match(page.text_, /工作坊：書籍裝訂入門/);
  assert.match(page.text_, /已報名/);
  page = await first.request(path);
  response = await first.request(`${path}/cancel`, { method: 'POST', form: { csrf: first.csrfFrom(page.text_) } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /You are not enrolled in this activity/);
  page = await first.request('/en/account/information');
  assert.match(page.text_, /You have not enrolled in any activity/);
  assert.doesNotMatch(page.text_, /Bookbinding/);
  // Each reader's data download holds their own enrolments, cancelled ones too, and nobody else's.
  const mine = JSON.parse((await first.request('/en/account/data.json')).text_).activity_enrolments;
  assert.deepEqual(mine.map((e) => [e.activity, e.status]), [['Workshop: Bookbinding for Beginners', 'cancelled']]);
  const theirs = JSON.parse((await third.request('/en/account/data.json')).text_).activity_enrolments;
  assert.deepEqual(theirs.map((e) => e.status), ['confirmed']);
  assert.match((await third.request('/en/account/data.csv')).text_, /"activity_enrolment","\d+","Workshop: Bookbinding for Beginners","KLN"/);

  // Without a session, or with a forged token, nothing happens.
  response = await new Client(server.url).request(`${path}/enrol`, { method: 'POST', form: { csrf: 'x' } });
  assert.equal(response.status, 403);  // 'this form has expired'
  assert.match(response.text_, /This form has expired/);
  assert.equal((await second.request(`${path}/cancel`, { method: 'POST', form: { csrf: 'forged' } })).status, 403);
  assert.equal((await new Client(server.url).request('/en/account/information')).status, 303);
  // An activity whose enrolment has not opened says so and offers no button.
  const later = await activityId('Storytelling in English: Animal Friends');
  page = await second.request(`/en/activities/${later}`);
  assert.match(page.text_, /Enrolment opens on/);
  assert.doesNotMatch(page.text_, /\/enrol"/);
  response = await second.request(`/en/activities/${later}/enrol`, { method: 'POST', form: { csrf: second.csrfFrom(page.text_) } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /Enrolment for this activity has not opened yet/);
});

test('staff publish an activity, keep what was typed on errors, and see enrolments, CSV and attendance', async () => {
  const admin = await staff('admin', server.password);
  let page = await admin.request('/en/staff/activities/new');
  assert.equal(page.status, 200);
  const csrf = admin.csrfFrom(page.text_);
  const form = { csrf, version: '1', title_en: 'Paper-cutting for families', title_tc: '親子剪紙', type: 'workshop', audience: 'families',
    delivery_language: 'cantonese', status: 'published', library: 'CL', venue_en: 'Room 3', starts_at: hongKongTime(30),
    ends_at: hongKongTime(120), enquiry_phone: '2921 0222', enrolment_required: '1', quota: 'ten' };
  let response = await admin.request('/en/staff/activities', { method: 'POST', form });
  assert.equal(response.status, 422);
  assert.match(response.text_, /id="quota-error">Please enter a whole number from 1 to 5000/);
  assert.match(response.text_, /value="Paper-cutting for families"/, 'what was typed is kept');
  assert.match(response.text_, /aria-invalid="true"/);
  response = await admin.request('/en/staff/activities', { method: 'POST', form: { ...form, quota: '1' } });
  assert.equal(response.status, 303);
  const id = await activityId('Paper-cutting for families');

  const reader = await signedInReader('2100000002');
  page = await reader.request(`/en/activities/${id}`);
  await reader.request(`/en/activities/${id}/enrol`, { method: 'POST', form: { csrf: reader.csrfFrom(page.text_) } });
  const waiting = await signedInReader('2100000008');
  page = await waiting.request(`/en/activities/${id}`);
  await waiting.request(`/en/activities/${id}/enrol`, { method: 'POST', form: { csrf: waiting.csrfFrom(page.text_) } });

  // Counter staff run the list: see it, download it, mark attendance (within the hour before the start).
  const counter = await staff('counter1', staffPassword);
  page = await counter.request(`/en/staff/activities/${id}/enrolments`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /2100000002/);
  assert.match(page.text_, /Waiting list[\s\S]*2100000008/);
  const csv = await counter.request(`/en/staff/activities/${id}/enrolments.csv`);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment/);
  assert.equal(csv.headers.get('cache-control'), 'no-store');
  const lines = csv.text_.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^"Enrolled","","2100000002",/);
  assert.match(lines[2], /^"On the waiting list","1","2100000008",/);
  const enrolment = /name="attended-(\d+)"/.exec(page.text_)[1];
  response = await counter.request(`/en/staff/activities/${id}/attendance`,
    { method: 'POST', form: { csrf: counter.csrfFrom(page.text_), [`attended-${enrolment}`]: 'yes' } });
  assert.equal(response.status, 303);
  page = await counter.request(`/en/staff/activities/${id}/enrolments?saved=1`);
  assert.match(page.text_, /Attendance has been saved/);
  assert.match(page.text_, new RegExp(`id="a-${enrolment}-yes" name="attended-${enrolment}" value="yes" checked`));
  // An enrolment of another activity, or a made-up one, changes nothing.
  response = await counter.request(`/en/staff/activities/${id}/attendance`,
    { method: 'POST', form: { csrf: counter.csrfFrom(page.text_), 'attended-999999': 'yes' } });
  assert.equal(response.status, 404);
  response = await counter.request(`/en/staff/activities/${id}/attendance`,
    { method: 'POST', form: { csrf: counter.csrfFrom(page.text_), [`attended-${enrolment}`]: 'maybe' } });
  assert.equal(response.status, 400);

  // Counter staff may not publish; cataloguers reach none of it; readers are sent to the staff sign-in.
  assert.equal((await counter.request('/en/staff/activities/new')).status, 403);
  assert.equal((await counter.request(`/en/staff/activities/${id}/edit`)).status, 403);
  assert.equal((await counter.request(`/en/staff/activities/${id}`, { method: 'POST', form: { ...form, csrf: counter.csrfFrom(page.text_) } })).status, 403);
  const cataloguer = await staff('cataloguer1', staffPassword);
  for (const path of ['/en/staff/activities', `/en/staff/activities/${id}/enrolments`, `/en/staff/activities/${id}/enrolments.csv`])
    assert.equal((await cataloguer.request(path)).status, 403, path);
  page = await cataloguer.request('/en/staff/');
  assert.equal((await cataloguer.request(`/en/staff/activities/${id}/attendance`,
    { method: 'POST', form: { csrf: cataloguer.csrfFrom(page.text_), [`attended-${enrolment}`]: 'no' } })).status, 403);
  for (const path of ['/en/staff/activities', `/en/staff/activities/${id}/enrolments.csv`])
    assert.equal((await reader.request(path)).status, 303, path);

  // Two editors: the second save of the same version is a conflict that keeps the second editor's text.
  page = await admin.request(`/en/staff/activities/${id}/edit`);
  const version = /name="version" value="(\d+)"/.exec(page.text_)[1];
  const edit = { ...form, csrf: admin.csrfFrom(page.text_), version, quota: '3', title_en: 'Paper-cutting for families (extra places)' };
  assert.equal((await admin.request(`/en/staff/activities/${id}`, { method: 'POST', form: edit })).status, 303);
  response = await admin.request(`/en/staff/activities/${id}`, { method: 'POST', form: { ...edit, title_en: 'Second editor' } });
  assert.equal(response.status, 409);
  assert.match(response.text_, /value="Second editor"/);
  // The raised quota gave the waiting reader a place.
  page = await waiting.request('/en/account/information');
  assert.match(page.text_, /Paper-cutting for families \(extra places\)[\s\S]*Enrolled/);
});
