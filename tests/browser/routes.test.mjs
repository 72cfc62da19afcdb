// Every route of the route table (`shelfmark routes --json`), against a real server with the demo data: who
// may use it (signed out, as a reader, as staff without the route's role), the CSRF token of every POST,
// another reader's ids on every reader route, and escaping on every page. A route added to the table is
// checked here without anyone writing a test for it; one whose access differs from the policy below fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startShelfmark, Client, binary } from './harness.mjs';

let server;
let routes;
const roles = ['administrator', 'editor', 'counter', 'verifier', 'cataloguer', 'reference', 'auditor'];
const staff = {};  // role -> signed-in Client with .csrf
let readerA;
let readerB;

// ----- the policy: what the review says each route needs, written independently of the table -----

// Forms anyone may post (before signing in, or the public enquiry form).
const publicPosts = new Set(['/{lang}/staff/login', '/{lang}/staff/login/code', '/{lang}/login', '/{lang}/login/forgot', '/{lang}/login/reset',
  '/{lang}/register/start', '/{lang}/register/terms', '/{lang}/register/details', '/{lang}/register/documents',
  '/{lang}/register/review', '/{lang}/ask', '/{lang}/ask/']);
// The permissions of staff routes: the first rule matching "METHOD pattern" applies; [] is any staff member.
const staffPolicy = [
  [/^(GET|POST) \/\{lang\}\/staff\/?$/, []],
  [/^POST \/\{lang\}\/staff\/logout$/, []],
  [/^(GET|POST) \/\{lang\}\/staff\/password$/, []],
  [/^(GET|POST) \/\{lang\}\/staff\/two-factor(\/|$)/, []],
  [/^\w+ \/\{lang\}\/staff\/accounts(\/|$)/, ['manage_staff']],
  [/^\w+ \/\{lang\}\/staff\/readers\/\{card\}\/merge$/, ['merge_readers']],
  [/^\w+ \/\{lang\}\/staff\/notices(\/|$)/, ['manage_notices']],
  [/^\w+ \/\{lang\}\/staff\/(libraries|holidays)(\/|$)/, ['manage_libraries']],
  [/^POST \/\{lang\}\/staff\/counter\/replace-card$/, ['complete_registrations']],
  [/^\w+ \/\{lang\}\/staff\/(counter|returns|hold-shelf)(\/|$)/, ['circulation']],
  [/^\w+ \/\{lang\}\/staff\/(lending-rules|fine-suspensions)(\/|$)/, ['manage_policies']],
  [/^\w+ \/\{lang\}\/staff\/(records|items)\//, ['cataloguing']],
  [/^GET \/\{lang\}\/staff\/registrations\/\{id\}$/, ['complete_registrations', 'verify_registrations']],
  [/^\w+ \/\{lang\}\/staff\/(registrations\/(\{id\}\/)?complete|temporary-card)$/, ['complete_registrations']],
  [/^\w+ \/\{lang\}\/staff\/registrations(\/|$)/, ['verify_registrations']],
  [/^GET \/\{lang\}\/staff\/activities$/, ['manage_activities', 'run_activities']],
  [/^\w+ \/\{lang\}\/staff\/activities\/\{id\}\/(enrolments|enrolments\.csv|attendance)$/, ['run_activities']],
  [/^\w+ \/\{lang\}\/staff\/activities(\/|$)/, ['manage_activities']],
  [/^\w+ \/\{lang\}\/staff\/(enquiries|faq)(\/|$)/, ['answer_enquiries']],
  [/^GET \/\{lang\}\/staff\/readers(\/\{card\})?$/, ['find_readers']],
  [/^GET \/\{lang\}\/staff\/study-room\/check\/\{token\}$/, ['check_admission_cards']],
  [/^\w+ \/\{lang\}\/staff\/study-room(\/|$)/, ['manage_study_rooms']],
  [/^GET \/\{lang\}\/staff\/audit(\.csv)?$/, ['read_audit']],
  [/^\w+ \/\{lang\}\/staff\/readers\/\{card\}\/(edit|membership|blocks|notes|pin|password-reset)(\/|$)/, ['edit_readers']],
];

// ----- helpers -----

const payload = `<script>x</script>"'`;
const defaults = { id: '1', document: '1', code: 'CL', date: '2031-01-01', token: 'none', file: 'none.css', card: '2100000006' };
function fill(pattern, values = {}) {
  return pattern.replace('{lang}', 'en').replace(/\{(\w+)\}/g, (_, name) => values[name] ?? defaults[name]);
}
const expired = (response) => response.status === 403 && /This form has expired/.test(response.text_);
const staffRoutes = () => routes.filter((r) => r.access === 'staff');
const readerRoutes = () => routes.filter((r) => r.access === 'reader');
const describe = (route) => `${route.method} ${route.pattern}`;

async function signInStaff(username, password) {
  const client = new Client(server.url);
  const response = await client.login(username, password);
  assert.equal(response.status, 303, `${username} signs in`);
  client.csrf = client.csrfFrom((await client.request('/en/staff/')).text_);
  return client;
}

async function signInReader(card) {
  const client = new Client(server.url);
  const page = await client.request('/en/login');
  const response = await client.request('/en/login', { method: 'POST', form: { csrf: client.csrfFrom(page.text_), card, password: `demo reader ${card.slice(-4)}` } });
  assert.equal(response.status, 303, `${card} signs in`);
  const account = await client.request('/en/account');
  client.csrf = client.csrfFrom(account.text_);
  client.card = card;
  client.name = /Signed in as ([^<]+)</.exec(account.text_)[1].trim();
  return client;
}

// The database without the tables every request may touch (sessions, throttles): what a refused form
// must leave as it was.
function databaseState() {
  const dump = execFileSync('sqlite3', [join(server.dir, 'shelfmark.db'), '.dump'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return dump.split('\n').filter((line) => !/^INSERT INTO "?\w*(session|failure|throttle)\w*"?/i.test(line)).join('\n');
}

before(async () => {
  server = await startShelfmark([], { catalogueRecords: 300 });
  routes = JSON.parse(execFileSync(binary, ['routes', '--json'], { encoding: 'utf8' }));
  staff.administrator = await signInStaff('admin', server.password);
  for (const role of roles.slice(1)) {
    execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', `${role}.one`, '--role', role, '--password-stdin'],
      { input: 'a passphrase long enough\n', encoding: 'utf8' });
    staff[role] = await signInStaff(`${role}.one`, 'a passphrase long enough');
  }
  readerA = await signInReader('2100000006');
  readerB = await signInReader('2100000007');
});
after(async () => { await server?.stop(); });

// ----- the table itself -----

test('the table lists every kind of route, and its text and JSON forms agree', () => {
  assert.ok(routes.length >= 100, `only ${routes.length} routes`);
  for (const route of routes) {
    assert.match(route.method, /^(GET|POST)$/);
    assert.ok(['public', 'sign-in', 'reader', 'staff'].includes(route.access), describe(route));
  }
  const text = execFileSync(binary, ['routes'], { encoding: 'utf8' });
  assert.match(text, new RegExp(`${routes.length} routes`));
  assert.match(text, /POST\s+\/\{lang\}\/staff\/notices\/\{id\}\/expire\s+staff: manage_notices/);
  const seen = new Set(routes.map(describe));
  assert.equal(seen.size, routes.length, 'no route twice');
});

test('every route has the access the policy gives it', () => {
  for (const route of routes) {
    const key = describe(route);
    const staffArea = /^\/\{lang\}\/staff(\/|$)/.test(route.pattern) && route.pattern !== '/{lang}/staff/login';
    if (staffArea) {
      assert.equal(route.access, 'staff', `${key} is for staff`);
      const rule = staffPolicy.find(([pattern]) => pattern.test(key));
      assert.ok(rule, `${key}: no rule in the policy; add one with the permission it needs`);
      assert.deepEqual([...route.permissions].sort(), rule[1], `${key} needs ${rule[1].join(' or ') || 'any staff member'}`);
    } else {
      assert.notEqual(route.access, 'staff', `${key} is outside /{lang}/staff`);
    }
    if (/^\/\{lang\}\/(account|logout)(\/|$)/.test(route.pattern)) assert.equal(route.access, 'reader', `${key} is a reader's`);
    if (route.method === 'POST' && !staffArea && !publicPosts.has(route.pattern))
      assert.equal(route.access, 'reader', `${key}: a form outside the staff pages is a signed-in reader's, or listed as public`);
    if (publicPosts.has(route.pattern) && route.method === 'POST') assert.ok(['public', 'sign-in'].includes(route.access), key);
  }
});

// ----- who may use each route -----

test('signed out, every staff route sends to the staff sign-in and every reader route to the reader sign-in', async () => {
  const client = new Client(server.url);
  for (const route of routes.filter((r) => r.access === 'staff' || r.access === 'reader')) {
    const path = fill(route.pattern);
    const response = await client.request(path, { method: route.method, form: route.method === 'POST' ? { csrf: 'x' } : undefined });
    if (route.access === 'staff') {
      assert.equal(response.status, 303, describe(route));
      assert.equal(response.headers.get('location'), '/en/staff/login', describe(route));
    } else if (route.method === 'GET') {
      assert.equal(response.status, 303, describe(route));
      assert.equal(response.headers.get('location'), `/en/login?next=${encodeURIComponent(path)}`, describe(route));
    } else {
      assert.ok(expired(response), `${describe(route)}: ${response.status}`);
    }
  }
});

test('a signed-in reader is refused every staff route', async () => {
  for (const route of staffRoutes()) {
    const response = await readerA.request(fill(route.pattern), { method: route.method, form: route.method === 'POST' ? { csrf: readerA.csrf } : undefined });
    assert.equal(response.status, 303, describe(route));
    assert.equal(response.headers.get('location'), '/en/staff/login', describe(route));
  }
});

test('staff whose role lacks a route\'s permission get 403, and staff whose role has it get past the check', async () => {
  let refused = 0;
  for (const route of staffRoutes()) {
    for (const role of roles) {
      const client = staff[role];
      const allowed = route.roles.includes(role);
      if (allowed && (route.method === 'POST' || role !== 'administrator')) continue;  // posting for real is not the point
      const response = await client.request(fill(route.pattern), { method: route.method, form: route.method === 'POST' ? { csrf: client.csrf } : undefined });
      if (allowed) {
        assert.notEqual(response.status, 403, `${describe(route)} as ${role}`);
        assert.notEqual(response.headers.get('location'), '/en/staff/login', `${describe(route)} as ${role}`);
      } else {
        assert.equal(response.status, 403, `${describe(route)} as ${role}: ${response.status}`);
        assert.match(response.text_, /Not allowed/, `${describe(route)} as ${role}`);
        refused++;
      }
    }
  }
  assert.ok(refused > 100, `only ${refused} refusals checked`);
});

// ----- CSRF -----

test('every form refuses a missing or wrong CSRF token, and changes nothing', async () => {
  const before_ = databaseState();
  for (const route of routes.filter((r) => r.method === 'POST')) {
    const client = route.access === 'staff' ? staff.administrator : route.access === 'reader' ? readerA : new Client(server.url);
    if (route.access === 'public' || route.access === 'sign-in') await client.request('/en/login');  // the sign-in cookie
    for (const form of [{}, { csrf: 'wrong-token-wrong-token-wrong' }, { csrf: route.access === 'reader' ? staff.administrator.csrf : readerA.csrf }]) {
      const response = await client.request(fill(route.pattern), { method: 'POST', form: { ...form, name: 'x', card: readerB.card } });
      assert.ok(expired(response), `${describe(route)} with ${JSON.stringify(form)}: ${response.status}`);
    }
  }
  assert.equal(databaseState(), before_, 'refused forms changed the database');
});

// ----- another reader's things -----

test('on every reader route, reader B reaches nothing of reader A\'s with A\'s ids', async () => {
  // A reserves a title, borrows an e-book, enrols in an activity and applies for a study room place.
  const books = await (await fetch(`${server.url}/api/v1/search?q=&format=book&limit=3`)).json();
  const record = books.records[2].id;
  let response = await readerA.request(`/en/records/${record}/reserve`, { method: 'POST', form: { csrf: readerA.csrf, pickup: 'CL' } });
  assert.equal(response.status, 200, response.text_.slice(0, 300));
  const ebooks = await (await fetch(`${server.url}/api/v1/search?q=&format=e_book&limit=50`)).json();
  const ebook = ebooks.records.find((r) => r.available > 0);
  response = await readerA.request(`/en/records/${ebook.id}/borrow`, { method: 'POST', form: { csrf: readerA.csrf } });
  assert.equal(response.status, 200, response.text_.slice(0, 300));
  let activity;
  for (const [, id] of (await readerA.request('/en/activities')).text_.matchAll(/href="\/en\/activities\/(\d+)"/g)) {
    response = await readerA.request(`/en/activities/${id}/enrol`, { method: 'POST', form: { csrf: readerA.csrf } });
    if (response.status === 200) { activity = id; break; }
  }
  assert.ok(activity, 'A enrols in some activity');
  const period = /action="\/en\/study-room\/periods\/(\d+)\/apply"/.exec((await readerA.request('/en/study-room')).text_)[1];
  response = await readerA.request(`/en/study-room/periods/${period}/apply`, { method: 'POST', form: { csrf: readerA.csrf, session: '1', exam_candidate: 'no' } });
  assert.equal(response.status, 303, response.text_.slice(0, 300));
  const account = (await readerA.request('/en/account')).text_;
  const reservation = /name="reservation" value="(\d+)"/.exec(account)[1];
  const barcode = /name="barcode" value="([^"]+)"/.exec(account)[1];
  const application = /\/en\/study-room\/applications\/(\d+)\/withdraw/.exec((await readerA.request('/en/study-room')).text_)[1];
  const aIds = { '/{lang}/records/': record, '/{lang}/activities/': activity, '/{lang}/study-room/periods/': period };
  const idFor = (pattern) => Object.entries(aIds).find(([prefix]) => pattern.startsWith(prefix))?.[1] ?? application;
  const aState = async () => {
    const page = (await readerA.request('/en/account')).text_;
    return { reservation: page.includes(`name="reservation" value="${reservation}"`), ebook: page.includes(`value="${barcode}"`),
      application: (await readerA.request('/en/study-room')).text_.includes(`applications/${application}/withdraw`) };
  };
  const beforeState = await aState();
  assert.deepEqual(beforeState, { reservation: true, ebook: true, application: true });

  // Signing out and reporting the card lost end B's session: they go last.
  const last = (r) => (/logout|card-lost/.test(r.pattern) ? 1 : 0);
  let checked = 0;
  for (const route of readerRoutes().sort((x, y) => last(x) - last(y))) {
    const path = fill(route.pattern, { id: idFor(route.pattern) });
    const form = route.method === 'POST'
      ? { csrf: readerB.csrf, reservation, barcode, card: readerA.card, reader_id: '1', application, pickup: 'KLN', session: '1', exam_candidate: 'no' }
      : undefined;
    response = await readerB.request(path, { method: route.method, form });
    assert.ok(response.status !== 500, `${describe(route)}: 500`);
    assert.ok(!response.text_.includes(readerA.card), `${describe(route)} shows A's card number`);
    assert.ok(!response.text_.includes(readerA.name), `${describe(route)} shows A's name`);
    checked++;
  }
  assert.ok(checked >= 20, `only ${checked} reader routes`);
  // B's own admission card pages never show A's application.
  response = await readerB.request(`/en/account/study-room/${application}/card`);
  assert.equal(response.status === 404 || response.status === 303, true, `A's card: ${response.status}`);
  assert.deepEqual(await aState(), beforeState, "A's things are as they were");
});

// ----- escaping -----

test('every page echoes a script in a path or query parameter only escaped', async () => {
  const query = ['q', 'next', 'library', 'card', 'status', 'type', 'district', 'kind', 'page', 'token', 'as', 'done',
    'saved', 'enquiry', 'format', 'issued', 'opened', 'reset'].map((name) => `${name}=${encodeURIComponent(payload)}`).join('&');
  let pages = 0;
  for (const route of routes.filter((r) => r.method === 'GET')) {
    const client = route.access === 'staff' ? staff.administrator : route.access === 'reader' ? readerA : new Client(server.url);
    const texts = {};
    for (const name of ['code', 'date', 'token', 'file']) texts[name] = encodeURIComponent(payload);
    for (const path of [fill(route.pattern), fill(route.pattern, texts)]) {
      const response = await client.request(`${path}?${query}`);
      const type = response.headers.get('content-type') || '';
      if (!type.startsWith('text/html')) continue;
      pages++;
      assert.ok(!response.text_.includes('<script>x'), `${describe(route)} (${path}) echoes the script raw`);
      assert.ok(!response.text_.includes(`"'`), `${describe(route)} (${path}) echoes quotes raw`);
    }
  }
  assert.ok(pages >= 60, `only ${pages} pages checked`);
});
