// Online registration over HTTP against a real server: both types end to end, upload attacks, one
// application per HKID (also 20 at once), staff verification with documents destroyed down to the last
// byte on disk, counter completion, emails through a real SMTP server on loopback, and no identity data
// in the logs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startShelfmark, Client, binary } from './harness.mjs';
import { startSmtpSink } from './mail_sink.mjs';
import { png, hugePng, jpegWithExif, zipBytes, pdfBytes, hkid } from './images.mjs';

let server;
let smtp;
const secrets = { hkids: new Set(), passwords: new Set(), addresses: new Set() };

const waitForMail = (predicate, what) => smtp.waitFor(predicate, what);

before(async () => {
  smtp = await startSmtpSink();
  server = await startShelfmark(['--registration-starts-per-hour', '1000', '--registration-submissions-per-hour', '1000',
    '--smtp-url', smtp.url, '--smtp-from', 'library@example.org']);
});
after(async () => {
  await server?.stop();
  smtp?.stop();
});

function files(entries) {
  const form = new FormData();
  for (const [name, value] of Object.entries(entries)) {
    if (Buffer.isBuffer(value)) form.append(name, new Blob([value]), `${name}.jpg`);
    else form.append(name, value);
  }
  return form;
}

// The applicant's steps; each returns the response so tests can look at it.
class Applicant {
  constructor(lang = 'en') {
    this.lang = lang;
    this.client = new Client(server.url);
  }
  async start(type) {
    const page = await this.client.request(`/${this.lang}/register`);
    assert.equal(page.status, 200);
    this.csrf = this.client.csrfFrom(page.text_);
    const response = await this.client.request(`/${this.lang}/register/start`, { method: 'POST', form: { csrf: this.csrf, type } });
    assert.equal(response.status, 303, response.text_);
    assert.equal(response.headers.get('location'), `/${this.lang}/register/terms`);
    return response;
  }
  acceptTerms() {
    return this.client.request(`/${this.lang}/register/terms`, { method: 'POST',
      form: { csrf: this.csrf, statement: 'yes', declarations: 'yes', regulation: 'yes' } });
  }
  details(fields) {
    return this.client.request(`/${this.lang}/register/details`, { method: 'POST', form: { csrf: this.csrf, ...fields } });
  }
  upload(entries) {
    return this.client.request(`/${this.lang}/register/documents`, { method: 'POST', body: files({ csrf: this.csrf, ...entries }) });
  }
  submit() {
    return this.client.request(`/${this.lang}/register/review`, { method: 'POST', form: { csrf: this.csrf } });
  }
}

function person(id, extra = {}) {
  const fields = { name_en: 'CHAN, Tai Man', name_zh: '陳大文', hkid: id, date_of_birth: '1990-05-01', sex: '',
    email: `applicant-${id.replace(/\W/g, '')}@example.com`, mobile: '', language: 'en', smart_id_card: 'yes',
    password: 'river walk 2468', password_repeat: 'river walk 2468', ...extra };
  secrets.hkids.add(id.replace(/\W/g, ''));
  secrets.passwords.add(fields.password);
  if (fields.address) secrets.addresses.add(fields.address);
  return fields;
}

async function readyApplicant(type, id, extra = {}, lang = 'en') {
  const applicant = new Applicant(lang);
  await applicant.start(type);
  assert.equal((await applicant.acceptTerms()).status, 303);
  const saved = await applicant.details(person(id, extra));
  assert.equal(saved.status, 303, saved.text_);
  const documents = { identity: png(80, 60) };
  if (type === 'library_card') documents.address = png(60, 80);
  const uploaded = await applicant.upload(documents);
  assert.equal(uploaded.status, 303, uploaded.text_);
  assert.equal(uploaded.headers.get('location'), `/${lang}/register/review`);
  return applicant;
}

async function staff() {
  const client = new Client(server.url);
  const response = await client.login('admin', server.password);
  assert.equal(response.status, 303);
  const home = await client.request('/en/staff/');
  client.csrf = client.csrfFrom(home.text_);
  return client;
}

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

test('Type A: the form keeps what was typed, EXIF is gone, and the applicant can sign in at once', async () => {
  const id = hkid('A', '234567');
  const applicant = new Applicant('en');
  await applicant.start('e_account');
  // Skipping ahead goes back to the step that is missing.
  const early = await applicant.client.request('/en/register/documents');
  assert.equal(early.status, 303);
  assert.equal(early.headers.get('location'), '/en/register/details');
  const terms = await applicant.client.request('/en/register/terms');
  assert.match(terms.text_, /Personal Information Collection Statement/);
  assert.equal(terms.headers.get('cache-control'), 'no-store');
  const refused = await applicant.client.request('/en/register/terms', { method: 'POST', form: { csrf: applicant.csrf, statement: 'yes' } });
  assert.equal(refused.status, 422);
  assert.match(refused.text_, /tick the box/);
  assert.equal((await applicant.acceptTerms()).status, 303);

  const wrongCheck = `${id.slice(0, -2)}${id.at(-2) === '1' ? '2' : '1'})`;
  const wrong = await applicant.details(person(wrongCheck, {
    email: 'not-an-email', date_of_birth: '2999-01-01', password: 'short', password_repeat: 'short' }));
  assert.equal(wrong.status, 422);
  assert.match(wrong.text_, /does not match its check digit/);
  assert.match(wrong.text_, /email address such as/);
  assert.match(wrong.text_, /cannot be in the future/);
  assert.match(wrong.text_, /at least 8 characters/);
  assert.match(wrong.text_, /value="CHAN, Tai Man"/);  // nothing typed is lost
  assert.match(wrong.text_, /value="陳大文"/);
  assert.match(wrong.text_, /value="not-an-email"/);
  assert.doesNotMatch(wrong.text_, /value="short"/);  // passwords are never echoed

  assert.equal((await applicant.details(person(id))).status, 303);
  const marker = 'SHELFMARK-GPS-22.2783N-114.1747E';
  const uploaded = await applicant.upload({ identity: jpegWithExif(marker) });
  assert.equal(uploaded.status, 303, uploaded.text_);
  // The marker is nowhere on disk: the image was re-encoded before it was sealed.
  for (const path of filesUnder(server.dir)) assert.ok(!readFileSync(path).includes(marker), path);

  const review = await applicant.client.request('/en/register/review');
  assert.equal(review.status, 200);
  assert.match(review.text_, new RegExp(id.replace(/[()]/g, '\\$&')));
  const done = await applicant.submit();
  assert.equal(done.status, 200, done.text_);
  const reference = /class="reference">([^<]+)</.exec(done.text_)[1];
  assert.match(reference, /^R[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  assert.match(done.text_, /Your E-Account is ready/);
  // The draft is gone: going back shows the start page.
  assert.equal((await applicant.client.request('/en/register/review')).status, 303);

  const reader = new Client(server.url);
  const login = await reader.request('/en/login');
  const signed = await reader.request('/en/login', { method: 'POST',
    form: { csrf: reader.csrfFrom(login.text_), card: id.toLowerCase(), password: 'river walk 2468' } });
  assert.equal(signed.status, 303, signed.text_);
  const account = await reader.request('/en/account');
  assert.equal(account.status, 200);
  assert.match(account.text_, /CHAN, Tai Man/);

  const mail = await waitForMail((m) => m.to.includes(`applicant-${id.replace(/\W/g, '')}`) && m.subject.includes(reference), 'acknowledging the application');
  assert.equal(mail.length, 1);
  assert.match(mail[0].text, /Your E-Account is ready/);
});

test('a forgotten password is reset through an emailed link that works once', async () => {
  const id = hkid('A', '234567');  // registered by the first test, with an email address
  const client = new Client(server.url);
  const forgot = await client.request('/en/login/forgot');
  assert.equal(forgot.status, 200);
  const csrf = client.csrfFrom(forgot.text_);
  const unknown = await client.request('/en/login/forgot', { method: 'POST', form: { csrf, card: hkid('Z', '999999') } });
  const known = await client.request('/en/login/forgot', { method: 'POST', form: { csrf, card: id } });
  assert.equal(unknown.status, 200);
  assert.equal(known.status, 200);
  assert.equal(unknown.text_.replace(/value="[^"]*"/g, ''), known.text_.replace(/value="[^"]*"/g, ''));  // says nothing
  const mail = await waitForMail((m) => m.to.includes(`applicant-${id.replace(/\W/g, '')}`) && /new password/.test(m.subject), 'with a reset link');
  const link = /(http:\/\/\S+\/login\/reset\?token=\S+)/.exec(mail[0].text)[1];
  const path = link.replace(server.url, '');
  const form = await client.request(path);
  assert.equal(form.status, 200);
  assert.equal(form.headers.get('cache-control'), 'no-store');
  const token = /name="token" value="([^"]+)"/.exec(form.text_)[1];
  const newPassword = 'morning tram ride 7';
  secrets.passwords.add(newPassword);
  const reset = await client.request('/en/login/reset', { method: 'POST',
    form: { csrf: client.csrfFrom(form.text_), token, new_password: newPassword, repeated_password: newPassword } });
  assert.equal(reset.status, 303);
  assert.equal(reset.headers.get('location'), '/en/login?reset=1');
  const again = await client.request(path);
  assert.match(again.text_, /expired or has already been used/);
  const login = await client.request('/en/login');
  const signed = await client.request('/en/login', { method: 'POST', form: { csrf: client.csrfFrom(login.text_), card: id, password: newPassword } });
  assert.equal(signed.status, 303);
  await waitForMail((m) => m.to.includes(`applicant-${id.replace(/\W/g, '')}`) && /was changed/.test(m.subject), 'telling of the change');
});

test('uploads are checked on the server whatever the browser says', async () => {
  const applicant = new Applicant('tc');
  await applicant.start('library_card');
  await applicant.acceptTerms();
  assert.equal((await applicant.details(person(hkid('B', '345678'), { address: 'Flat 8, 12/F, 3 Secret Street', library_code: 'CL', language: 'tc' }))).status, 303);
  const cases = [
    [Buffer.concat([png(), Buffer.alloc(3 * 1024 * 1024 + 1 - png().length)]), /大於 3 MB/],
    [Buffer.concat([png(), zipBytes]), /附有其他資料/],
    [png().subarray(0, 100), /不完整或已損壞/],
    [pdfBytes, /不是 JPG 或 PNG/],
    [hugePng(), /像素尺寸過大/],
  ];
  for (const [bytes, message] of cases) {
    const response = await applicant.upload({ identity: bytes, address: png() });
    assert.equal(response.status, 422, String(message));
    assert.match(response.text_, message);
    assert.match(response.text_, /aria-invalid="true"/);
  }
  // Files the form did not ask for are ignored; more files than any form has are refused outright.
  const extra = await applicant.upload({ identity: png(), address: png(), evil: pdfBytes });
  assert.equal(extra.status, 303);
  const many = await applicant.upload({ identity: png(), address: png(), a: png(), b: png(), c: png() });
  assert.equal(many.status, 413);
});

test('one person, one application, with no HKID oracle: 20 at once, and later (Hardening 4)', async () => {
  const id = hkid('C', '456789');
  const drafts = [];
  for (let i = 0; i < 20; i++) drafts.push(await readyApplicant('e_account', id));
  const results = await Promise.all(drafts.map((applicant) => applicant.submit()));
  // Every submission gets the same page, bar its own reference: nothing tells the duplicates apart.
  const pages = results.map((r) => r.text_.replace(/class="reference">[^<]+</, 'class="reference"><'));
  assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));
  assert.equal(new Set(pages).size, 1);
  assert.doesNotMatch(pages[0], /already|E\d{10}/);
  const client = await staff();
  const queue = await client.request('/en/staff/registrations?type=e_account');
  const masked = `${id.slice(0, 4)}\\*\\*\\*\\(\\*\\)`;
  assert.equal([...queue.text_.matchAll(new RegExp(masked, 'g'))].length, 1, 'one application is made');
  // The applicant is told at the address they gave with the application that is being processed.
  const email = `applicant-${id.replace(/\W/g, '')}`;
  const told = await waitForMail((m) => m.to.includes(email) && /identity card number/.test(m.subject), 'telling the holder');
  assert.match(told[0].text, /while your application R[2-9A-Z]{4}-[2-9A-Z]{4} is being processed/);

  // Later: the details step says nothing, and the submission gets the same answer again.
  const late = new Applicant('en');
  await late.start('e_account');
  await late.acceptTerms();
  const details = await late.details(person(id, { email: 'someone.else@example.com' }));
  assert.equal(details.status, 303, 'the details step tells nothing about the HKID');
  assert.equal((await late.upload({ identity: png(80, 60) })).status, 303);
  const submitted = await late.submit();
  assert.equal(submitted.status, 200);
  assert.equal(submitted.text_.replace(/class="reference">[^<]+</, 'class="reference"><'), pages[0]);
  // Told once a day at most; the address typed by the late applicant hears nothing (the email job runs every 15 s).
  await new Promise((resolve) => setTimeout(resolve, 16000));
  assert.equal(smtp.messages().filter((m) => m.to.includes(email) && /identity card number/.test(m.subject)).length, 1);
  assert.equal(smtp.messages().filter((m) => m.to.includes('someone.else')).length, 0);
});

test('counter staff see only what completing a Type B application needs (Hardening 7)', async () => {
  execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', 'counter.seven', '--role', 'counter',
    '--display-name', 'Counter', '--password-stdin'], { input: 'counter desk passphrase 2026\n', stdio: ['pipe', 'pipe', 'pipe'] });
  const counter = new Client(server.url);
  assert.equal((await counter.login('counter.seven', 'counter desk passphrase 2026')).status, 303);
  counter.csrf = counter.csrfFrom((await counter.request('/en/staff/')).text_);
  const typeA = hkid('H', '112233');
  const typeB = hkid('K', '223344');
  assert.equal((await (await readyApplicant('e_account', typeA, { mobile: '9123 4567' })).submit()).status, 200);
  assert.equal((await (await readyApplicant('library_card', typeB, { mobile: '9123 4567', address: 'Flat 2, 4/F, 9 Counter Road', library_code: 'CL' })).submit()).status, 200);
  const admin = await staff();
  const queue = await admin.request('/en/staff/registrations');
  const idOf = (id) => new RegExp(`href="/en/staff/registrations/(\\d+)">R[^<]+</a></td><td>CHAN, Tai Man 陳大文</td><td>${id.slice(0, 4)}`).exec(queue.text_)[1];
  const [aId, bId] = [idOf(typeA), idOf(typeB)];

  // The E-Account is neither found nor opened at the counter.
  const searchA = await counter.request('/en/staff/registrations/complete', { method: 'POST', form: { csrf: counter.csrf, q: typeA } });
  assert.doesNotMatch(searchA.text_, /registrations\/\d+\/complete/);
  assert.equal((await counter.request(`/en/staff/registrations/${aId}/complete`)).status, 404);
  assert.equal((await counter.request(`/en/staff/registrations/${aId}`)).status, 403);
  assert.equal((await counter.request(`/en/staff/registrations/${bId}`)).status, 403, 'the verifiers\' page is not the counter\'s');

  // The Type B one: the name, masked HKID, address and library; no date of birth, email or mobile.
  const searchB = await counter.request('/en/staff/registrations/complete', { method: 'POST', form: { csrf: counter.csrf, q: typeB } });
  assert.match(searchB.text_, new RegExp(`registrations/${bId}/complete`));
  const page = await counter.request(`/en/staff/registrations/${bId}/complete`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /CHAN, Tai Man/);
  assert.match(page.text_, /K223\*\*\*\(\*\)/);
  assert.match(page.text_, /Flat 2, 4\/F, 9 Counter Road/);
  assert.match(page.text_, /Central Library/);
  for (const hidden of [/1990/, /Date of birth/, /applicant-K/, /@example\.com/, /9123 ?4567/, new RegExp(typeB.replace(/[()]/g, '\\$&'))])
    assert.doesNotMatch(page.text_, hidden);
  // The verifier still sees what verification needs.
  const verifierPage = await admin.request(`/en/staff/registrations/${bId}`);
  assert.match(verifierPage.text_, /1990-05-01|1 May 1990/);
  assert.match(verifierPage.text_, /applicant-K223344/);
  assert.match(verifierPage.text_, /9123 ?4567/);
});

test('fields an applicant may not set are ignored (mass assignment)', async () => {
  const id = hkid('D', '567890');
  const applicant = await readyApplicant('e_account', id, { smart_id_card: 'no', category: 'staff', status: 'active',
    role: 'administrator', reader_id: '1' });
  const done = await applicant.submit();
  assert.equal(done.status, 200);
  assert.match(done.text_, /will check your document/);
  const reader = new Client(server.url);
  const login = await reader.request('/en/login');
  const signed = await reader.request('/en/login', { method: 'POST', form: { csrf: reader.csrfFrom(login.text_), card: id, password: 'river walk 2468' } });
  assert.equal(signed.status, 303);
  const account = await reader.request('/en/account');
  assert.match(account.text_, /Pending/i);
  assert.equal((await reader.request('/en/staff/registrations')).status, 303);  // to the staff sign-in
});

// Long base64 runs in the database files: sealed documents (forms are far shorter).
function sealedRuns() {
  const db = readFileSync(join(server.dir, 'shelfmark.db'));
  const wal = existsSync(join(server.dir, 'shelfmark.db-wal')) ? readFileSync(join(server.dir, 'shelfmark.db-wal')) : Buffer.alloc(0);
  return new Set([...Buffer.concat([db, wal]).toString('latin1').matchAll(/[A-Za-z0-9+/]{2000,}/g)].map((m) => m[0].slice(500, 560)));
}

test('staff verify: documents beside the data, served as attachments, destroyed down to the last byte', async () => {
  const id = hkid('E', '678901');
  const before_ = sealedRuns();
  const applicant = await readyApplicant('library_card', id, { address: 'Flat 9, 1/F, 7 Private Road', library_code: 'CL' });
  assert.equal((await applicant.submit()).status, 200);
  const client = await staff();
  const queue = await client.request('/en/staff/registrations?type=library_card');
  assert.equal(queue.status, 200);
  const row = new RegExp(`href="/en/staff/registrations/(\\d+)">(R[^<]+)</a></td><td>CHAN, Tai Man 陳大文</td><td>E678\\*\\*\\*\\(\\*\\)`).exec(queue.text_);
  assert.ok(row, 'the queue lists the application with a masked HKID');
  const [, applicationId, reference] = row;
  const page = await client.request(`/en/staff/registrations/${applicationId}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, new RegExp(id.replace(/[()]/g, '\\$&')));  // in full for the verifier
  const images = [...page.text_.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(images.length, 2);
  const image = await client.request(images[0]);
  assert.equal(image.status, 200);
  assert.match(image.headers.get('content-disposition'), /^attachment; filename="(identity|address)-\d+\.png"$/);
  assert.equal(image.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(image.headers.get('cache-control'), 'no-store');
  // A reader, or nobody, cannot fetch it.
  assert.equal((await new Client(server.url).request(images[0])).status, 303);

  // Take pieces of this application's sealed documents as stored, then look for them after the decision.
  const runs = [...sealedRuns()].filter((piece) => !before_.has(piece));
  assert.ok(runs.length >= 2, 'the sealed documents are in the database before the decision');

  const rejected = await client.request(`/en/staff/registrations/${applicationId}/reject`, { method: 'POST',
    form: { csrf: client.csrf, reason: 'details_do_not_match' } });
  assert.equal(rejected.status, 303);
  for (const path of filesUnder(server.dir))
    for (const piece of runs) assert.ok(!readFileSync(path).toString('latin1').includes(piece), `${path} still holds a document`);
  const after_ = await client.request(`/en/staff/registrations/${applicationId}`);
  assert.match(after_.text_, /Documents destroyed/);
  assert.match(after_.text_, /rejected/);
  assert.equal((await client.request(images[0])).status, 404);

  const mail = await waitForMail((m) => m.subject.includes(reference) && /could not accept/.test(m.text), 'telling of the rejection');
  assert.match(mail[0].text, /does not match the documents/);
});

test('Type B is completed at the counter and the new card signs in', async () => {
  const id = hkid('F', '789012');
  const applicant = await readyApplicant('library_card', id, { address: 'Room 1, 2/F, 5 Quiet Lane', library_code: 'CL', language: 'tc' }, 'tc');
  const done = await applicant.submit();
  assert.equal(done.status, 200);
  assert.match(done.text_, /30/);
  const client = await staff();
  // The search is posted (Hardening 5): a typed HKID stays out of URLs; a query string is not searched.
  const ignored = await client.request(`/en/staff/registrations/complete?q=${encodeURIComponent(id.toLowerCase())}`);
  assert.doesNotMatch(ignored.text_, /registrations\/\d+\/complete/);
  const found = await client.request('/en/staff/registrations/complete', { method: 'POST',
    form: { csrf: client.csrf, q: id.toLowerCase() } });
  assert.equal(found.status, 200);
  const forged = await client.request('/en/staff/registrations/complete', { method: 'POST', form: { csrf: 'x'.repeat(32), q: id } });
  assert.equal(forged.status, 403);
  assert.doesNotMatch(forged.text_, /registrations\/\d+\/complete/);
  const applicationId = /registrations\/(\d+)\/complete/.exec(found.text_)[1];
  const form = await client.request(`/en/staff/registrations/${applicationId}/complete`);
  assert.equal(form.status, 200);
  const wrongCard = await client.request(`/en/staff/registrations/${applicationId}/complete`, { method: 'POST',
    form: { csrf: client.csrf, link_smart_id: 'yes', smart_id_number: hkid('G', '123456'), smart_id_issue_date: '2019-03-01', issue_card: 'yes', card_number: '2188000001' } });
  assert.equal(wrongCard.status, 422);
  assert.match(wrongCard.text_, /does not match the application/);
  const completed = await client.request(`/en/staff/registrations/${applicationId}/complete`, { method: 'POST',
    form: { csrf: client.csrf, link_smart_id: 'yes', smart_id_number: id, smart_id_issue_date: '2019-03-01', issue_card: 'yes', card_number: '2188000001' } });
  assert.equal(completed.status, 303, completed.text_);
  assert.equal(completed.headers.get('location'), '/en/staff/registrations/complete?done=1');
  const banner = await client.request(completed.headers.get('location'));
  assert.match(banner.text_, /Registration completed\. The new account is ready to use\./);
  const reader = new Client(server.url);
  const login = await reader.request('/tc/login');
  const signed = await reader.request('/tc/login', { method: 'POST', form: { csrf: reader.csrfFrom(login.text_), card: '2188000001', password: 'river walk 2468' } });
  assert.equal(signed.status, 303);
  const mail = await waitForMail((m) => m.to.includes(`applicant-${id.replace(/\W/g, '')}`) && /2188000001/.test(m.text), 'telling of completion');
  assert.match(mail[0].subject, /登記/);
});

test('success banners show no text from the URL (Hardening 8)', async () => {
  const client = await staff();
  const crafted = 'CRAFTED-call-2900-0000-now';
  for (const path of [`/en/staff/registrations/complete?done=1&card=${crafted}`, `/en/staff/temporary-card?issued=${crafted}`,
    `/en/staff/temporary-card?issued=1&card=${crafted}`, `/tc/staff/registrations/complete?done=1&card=${encodeURIComponent('<b>' + crafted)}`]) {
    const page = await client.request(path);
    assert.equal(page.status, 200, path);
    assert.ok(!page.text_.includes(crafted), `${path} shows the crafted text`);
  }
  const issued = await client.request('/en/staff/temporary-card?issued=1');
  assert.match(issued.text_, /The temporary card has been issued\./);
});

test('no HKID, password or address appears in the log', async () => {
  const log = server.log();
  assert.ok(log.length > 1000);
  for (const id of secrets.hkids) {
    assert.ok(!log.includes(id), `HKID ${id} in the log`);
    assert.ok(!log.includes(`${id.slice(0, -1)}(${id.slice(-1)})`), `HKID ${id} in the log`);
  }
  for (const password of secrets.passwords) assert.ok(!log.includes(password), 'a password in the log');
  for (const address of secrets.addresses) assert.ok(!log.includes(address), 'an address in the log');
});
