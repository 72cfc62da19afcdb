// Ask a Librarian over HTTP against a real server: the public form (errors, honeypot, CSRF, reference
// number), acknowledgement and reply emails through a real SMTP server, the staff queue (claim by one at a
// time, reply, transfer, close, FAQ publish and unpublish), a reader's own enquiries and no one else's,
// access control on every route, and the rate limits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startShelfmark, Client, binary } from './harness.mjs';
import { startSmtpSink } from './mail_sink.mjs';

let server;
let smtp;
const staffPassword = 'reference desk passphrase 2026';

function addStaff(username, role) {
  execFileSync(binary, [...server.common, 'user', 'add-staff', '--username', username, '--role', role,
    '--display-name', `${username} (${role})`, '--password-stdin'], { input: `${staffPassword}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

before(async () => {
  smtp = await startSmtpSink();
  server = await startShelfmark(['--smtp-url', smtp.url, '--smtp-from', 'library@example.org',
    '--enquiries-per-address-per-hour', '1000', '--enquiries-per-email-per-day', '3']);
  addStaff('ref.one', 'reference');
  addStaff('ref.two', 'reference');
  addStaff('counter.one', 'counter');
});
after(async () => {
  await server?.stop();
  smtp?.stop();
});

const referencePattern = /Q[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/;

async function staffClient(username) {
  const client = new Client(server.url);
  const response = await client.login(username, username === 'admin' ? server.password : staffPassword);
  assert.equal(response.status, 303, response.text_);
  client.csrf = client.csrfFrom((await client.request('/en/staff/')).text_);
  return client;
}

async function readerClient(card) {
  const reader = new Client(server.url);
  const page = await reader.request('/en/login');
  const response = await reader.request('/en/login', { method: 'POST',
    form: { csrf: reader.csrfFrom(page.text_), card, password: `demo reader ${card.slice(-4)}` } });
  assert.equal(response.status, 303);
  reader.csrf = reader.csrfFrom((await reader.request('/en/account')).text_);
  return reader;
}

// Sends an enquiry as a visitor; returns the response.
async function ask(client, lang, fields) {
  const page = await client.request(`/${lang}/ask`);
  assert.equal(page.status, 200);
  return client.request(`/${lang}/ask`, { method: 'POST', form: { csrf: client.csrfFrom(page.text_), ...fields } });
}

const question = 'Where can I find photographs of Kowloon Walled City from the 1980s?';

async function enquiryIdOf(staff, reference) {
  for (const status of ['', 'new', 'claimed', 'answered', 'closed', 'transferred']) {
    const queue = await staff.request(`/en/staff/enquiries?status=${status}`);
    const match = new RegExp(`href="/en/staff/enquiries/(\\d+)">${reference}<`).exec(queue.text_);
    if (match) return match[1];
  }
  throw new Error(`${reference} is in no queue`);
}

test('a visitor sends an enquiry: errors keep what was typed, the reference is shown and acknowledged by email', async () => {
  const visitor = new Client(server.url);
  let response = await ask(visitor, 'en', { name: '', email: 'not an address', subject: 'nonsense', language: 'en', question: 'Hi' });
  assert.equal(response.status, 422);
  assert.match(response.text_, /class="error-summary"/);
  for (const field of ['name', 'email', 'subject', 'question']) {
    assert.match(response.text_, new RegExp(`href="#${field}"`), field);
    assert.match(response.text_, new RegExp(`id="${field}"[^>]*aria-invalid="true"`), field);
  }
  assert.match(response.text_, /value="not an address"/, 'what was typed is shown back');
  assert.match(response.text_, /too short: at least 10 characters/);

  response = await ask(visitor, 'en', { name: 'Bot', email: 'bot@example.com', subject: 'other', language: 'en', question, website: 'http://spam.example' });
  assert.equal(response.status, 400, 'the honeypot field refuses bots');
  response = await visitor.request('/en/ask', { method: 'POST', form: { csrf: 'forged', name: 'A', email: 'a@example.com', subject: 'other', language: 'en', question } });
  assert.equal(response.status, 403, 'a forged form is refused');

  response = await ask(visitor, 'en', { name: 'Lee Siu Ming', email: 'lee.sm@example.com', subject: 'hong_kong_studies', language: 'en', library: 'CL', question });
  assert.equal(response.status, 200, response.text_);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const reference = referencePattern.exec(response.text_)?.[0];
  assert.ok(reference, 'a reference number is shown');
  const [ack] = await smtp.waitFor((m) => m.to.includes('lee.sm@example.com'), 'acknowledging the enquiry');
  assert.match(ack.subject, new RegExp(reference));
  assert.match(ack.text, /Hong Kong studies/);
  assert.match(ack.text, /72 hours/);

  // In Chinese, with the reply in Chinese: the acknowledgement is in Chinese.
  response = await ask(new Client(server.url), 'tc', { name: '陳小姐', email: 'chan.tc@example.com', subject: 'e_resources', language: 'tc', question: '請問如何在家使用電子資料庫？謝謝。' });
  assert.equal(response.status, 200);
  const tcReference = referencePattern.exec(response.text_)[0];
  assert.match(response.text_, /你的查詢已經送出|查詢編號|參考編號/);
  const [tcAck] = await smtp.waitFor((m) => m.to.includes('chan.tc@example.com'), 'in Chinese');
  assert.match(tcAck.subject, new RegExp(tcReference));
  assert.match(tcAck.text, /電子資源/);
  assert.match(tcAck.text, /香港公共圖書館/);
});

test('staff claim one at a time, reply by email, transfer and close; every step is in the history', async () => {
  const visitor = new Client(server.url);
  const sent = await ask(visitor, 'en', { name: 'Wong Tai Sin', email: 'wong.ts@example.com', subject: 'reference', language: 'en', library: 'CL', question });
  const reference = referencePattern.exec(sent.text_)[0];
  const one = await staffClient('ref.one');
  const two = await staffClient('ref.two');

  const queue = await one.request('/en/staff/enquiries');
  assert.equal(queue.status, 200);
  assert.match(queue.text_, new RegExp(reference));
  assert.match(queue.text_, /QDEMO-0001[\s\S]*?Overdue/, 'the demo enquiry sent four days ago stands out');
  assert.ok(queue.text_.indexOf('QDEMO-0001') < queue.text_.indexOf(reference), 'oldest first');
  const id = await enquiryIdOf(one, reference);

  let page = await one.request(`/en/staff/enquiries/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /Wong Tai Sin/);
  assert.match(page.text_, /wong\.ts@example\.com/);
  let response = await one.request(`/en/staff/enquiries/${id}/reply`, { method: 'POST', form: { csrf: one.csrf, reply: 'Too early' } });
  assert.equal(response.status, 409);
  assert.match(response.text_, /Please claim this enquiry before replying/);
  response = await one.request(`/en/staff/enquiries/${id}/claim`, { method: 'POST', form: { csrf: one.csrf } });
  assert.equal(response.status, 303);
  page = await two.request(`/en/staff/enquiries/${id}`);
  assert.match(page.text_, /Handled by<\/dt><dd>ref\.one \(reference\)/);
  assert.doesNotMatch(page.text_, /Claim this enquiry/);
  response = await two.request(`/en/staff/enquiries/${id}/claim`, { method: 'POST', form: { csrf: two.csrf } });
  assert.equal(response.status, 409);
  assert.match(response.text_, /Another member of staff is handling this enquiry/);
  assert.doesNotMatch(page.text_, /Release the claim/, 'another reference librarian cannot release it');
  response = await two.request(`/en/staff/enquiries/${id}/release`, { method: 'POST', form: { csrf: two.csrf } });
  assert.equal(response.status, 409);
  // The holder gives it back to the queue, and claims it again.
  page = await one.request(`/en/staff/enquiries/${id}`);
  assert.match(page.text_, /Give this enquiry back to the queue/);
  response = await one.request(`/en/staff/enquiries/${id}/release`, { method: 'POST', form: { csrf: one.csrf } });
  assert.equal(response.status, 303);
  page = await one.request(response.headers.get('location'));
  assert.match(page.text_, /The enquiry is back in the queue for anyone to claim/);
  assert.match(page.text_, /Claim this enquiry/);
  response = await one.request(`/en/staff/enquiries/${id}/claim`, { method: 'POST', form: { csrf: one.csrf } });
  assert.equal(response.status, 303);

  response = await one.request(`/en/staff/enquiries/${id}/reply`, { method: 'POST', form: { csrf: one.csrf, reply: '' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /id="reply"[^>]*aria-invalid="true"/);
  const reply = 'The Hong Kong Collection on the 10th floor of the Central Library has photographs of the Walled City.';
  response = await one.request(`/en/staff/enquiries/${id}/reply`, { method: 'POST', form: { csrf: one.csrf, reply } });
  assert.equal(response.status, 303);
  const [mail] = await smtp.waitFor((m) => m.to.includes('wong.ts@example.com') && m.subject.startsWith('Reply'), 'with the reply');
  assert.match(mail.subject, new RegExp(reference));
  assert.match(mail.text, /10th floor of the Central Library/);

  // Anyone may close an answered enquiry; after that nothing more can be done to it.
  response = await two.request(`/en/staff/enquiries/${id}/close`, { method: 'POST', form: { csrf: two.csrf } });
  assert.equal(response.status, 303);
  page = await one.request(`/en/staff/enquiries/${id}`);
  assert.match(page.text_, /Claimed the enquiry[\s\S]*Replied[\s\S]*Closed the enquiry/);
  response = await one.request(`/en/staff/enquiries/${id}/claim`, { method: 'POST', form: { csrf: one.csrf } });
  assert.equal(response.status, 409);
  assert.match(response.text_, /This enquiry is closed/);

  // Transfer: leaves Central's queue for Kowloon's, unclaimed, with the note in the history.
  const other = await ask(new Client(server.url), 'en', { name: 'Ho Man Tin', email: 'ho.mt@example.com', subject: 'borrowing', language: 'en', library: 'CL', question: 'Can I return books to the Kowloon Public Library?' });
  const otherReference = referencePattern.exec(other.text_)[0];
  const otherId = await enquiryIdOf(one, otherReference);
  response = await one.request(`/en/staff/enquiries/${otherId}/transfer`, { method: 'POST', form: { csrf: one.csrf, library: '', note: '' } });
  assert.equal(response.status, 422);
  response = await one.request(`/en/staff/enquiries/${otherId}/transfer`, { method: 'POST', form: { csrf: one.csrf, library: 'KLN', note: 'Their branch question' } });
  assert.equal(response.status, 303, response.text_);
  const centralQueue = await one.request('/en/staff/enquiries?library=CL');
  assert.doesNotMatch(centralQueue.text_, new RegExp(otherReference), 'it left Central\'s queue');
  const transferred = await one.request('/en/staff/enquiries?status=transferred');
  assert.match(transferred.text_, new RegExp(otherReference));
  page = await one.request(`/en/staff/enquiries/${otherId}`);
  assert.match(page.text_, /Transferred from Hong Kong Central Library to Kowloon Public Library/);
  assert.match(page.text_, /Their branch question/);
  assert.match(page.text_, /Claim this enquiry/, 'unclaimed at its new library');
});

test('a good answer becomes an anonymised FAQ entry that the public can search, and can be unpublished', async () => {
  const sent = await ask(new Client(server.url), 'en', { name: 'Cheung Sha Wan', email: 'cheung.sw@example.com', subject: 'borrowing', language: 'en', question: 'How long can I keep a DVD borrowed from the library?' });
  const reference = referencePattern.exec(sent.text_)[0];
  const one = await staffClient('ref.one');
  const id = await enquiryIdOf(one, reference);
  await one.request(`/en/staff/enquiries/${id}/claim`, { method: 'POST', form: { csrf: one.csrf } });
  await one.request(`/en/staff/enquiries/${id}/reply`, { method: 'POST', form: { csrf: one.csrf, reply: 'Audio-visual materials are lent for 14 days.' } });
  let page = await one.request(`/en/staff/faq/new?enquiry=${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /How long can I keep a DVD/, 'the question is pre-filled');
  assert.match(page.text_, /lent for 14 days/, 'and the answer');
  assert.doesNotMatch(page.text_, /Cheung Sha Wan|cheung\.sw@example\.com/, 'never the enquirer');

  let response = await one.request('/en/staff/faq', { method: 'POST', form: { csrf: one.csrf, enquiry: id, question_en: 'How long can I keep a DVD?', answer_en: '' } });
  assert.equal(response.status, 422);
  assert.match(response.text_, /value="How long can I keep a DVD\?"|>How long can I keep a DVD\?</);
  response = await one.request('/en/staff/faq', { method: 'POST', form: { csrf: one.csrf, enquiry: id,
    question_en: 'How long can I keep a DVD?', answer_en: 'Audio-visual materials are lent for 14 days.',
    question_tc: '影碟可以借多久？', answer_tc: '視聽資料的借期為14天。' } });
  assert.equal(response.status, 303);

  page = await fetch(`${server.url}/en/ask/faq?q=dvd`).then((r) => r.text());
  assert.match(page, /How long can I keep a DVD\?/);
  page = await fetch(`${server.url}/tc/ask/faq?q=${encodeURIComponent('影碟')}`).then((r) => r.text());
  assert.match(page, /影碟可以借多久？/);
  // A very long search in Chinese is cut at a character boundary, never in the middle of one.
  const long = await fetch(`${server.url}/tc/ask/faq?q=${encodeURIComponent('影碟'.repeat(150))}`);
  assert.equal(long.status, 200);
  const shownBack = /id="q"[^>]*value="([^"]*)"/.exec(await long.text())[1];
  assert.doesNotMatch(shownBack, /\uFFFD/, 'no broken character');
  assert.equal(Buffer.byteLength(shownBack), 198);
  page = await fetch(`${server.url}/en/ask/faq?q=${encodeURIComponent('no such words here')}`).then((r) => r.text());
  assert.match(page, /No questions match your search/);

  const list = await one.request('/en/staff/faq');
  // The entry's row: its question, then its own unpublish form.
  const faqId = /How long can I keep a DVD[\s\S]*?action="\/en\/staff\/faq\/(\d+)\/unpublish"/.exec(list.text_)[1];
  response = await one.request(`/en/staff/faq/${faqId}/unpublish`, { method: 'POST', form: { csrf: one.csrf } });
  assert.equal(response.status, 303);
  page = await fetch(`${server.url}/en/ask/faq?q=dvd`).then((r) => r.text());
  assert.doesNotMatch(page, /How long can I keep a DVD\?/);
});

test('a reader asks signed in, reads the reply in My Account; another reader sees none of it', async () => {
  const alice = await readerClient('2100000006');
  let response = await alice.request('/en/account/contact', { method: 'POST', form: { csrf: alice.csrf, email: 'reader.six@example.com', mobile: '', address: '', contact_secret: 'demo reader 0006' } });
  assert.equal(response.status, 200, response.text_);
  const form = await alice.request('/en/ask');
  assert.doesNotMatch(form.text_, /id="email"/, 'a signed-in reader gives no name or email');
  assert.match(form.text_, /account\/enquiries|My Account/);
  response = await alice.request('/en/ask', { method: 'POST', form: { csrf: alice.csrf, subject: 'borrowing', language: 'en', question: 'Can my child use my card to borrow picture books?' } });
  assert.equal(response.status, 200, response.text_);
  const reference = referencePattern.exec(response.text_)[0];
  await smtp.waitFor((m) => m.to.includes('reader.six@example.com') && m.subject.includes(reference), 'acknowledging to the reader');

  const one = await staffClient('ref.one');
  const id = await enquiryIdOf(one, reference);
  const page = await one.request(`/en/staff/enquiries/${id}`);
  assert.match(page.text_, /library member/);
  await one.request(`/en/staff/enquiries/${id}/claim`, { method: 'POST', form: { csrf: one.csrf } });
  await one.request(`/en/staff/enquiries/${id}/reply`, { method: 'POST', form: { csrf: one.csrf, reply: 'Each child needs a card of their own; it is free.' } });

  let mine = await alice.request('/en/account/enquiries');
  assert.equal(mine.status, 200);
  assert.equal(mine.headers.get('cache-control'), 'no-store');
  assert.match(mine.text_, new RegExp(reference));
  assert.match(mine.text_, /Each child needs a card of their own/);
  const account = await alice.request('/en/account');
  assert.match(account.text_, /href="\/en\/account\/enquiries"/, 'linked from My Account');

  const bob = await readerClient('2100000007');
  const theirs = await bob.request('/en/account/enquiries');
  assert.equal(theirs.status, 200);
  assert.doesNotMatch(theirs.text_, new RegExp(reference));
  assert.doesNotMatch(theirs.text_, /Each child needs a card/);
  assert.match(theirs.text_, /You have not sent any enquiries/);
  // No way to reach an enquiry by id or reference without being staff.
  for (const path of [`/en/account/enquiries/${id}`, `/en/ask/${reference}`, `/en/ask/${id}`, `/en/staff/enquiries/${id}`]) {
    const r = await bob.request(path);
    assert.ok([303, 404].includes(r.status), `${path}: ${r.status}`);
    assert.doesNotMatch(r.text_, /Each child needs a card/);
  }
  mine = await alice.request('/tc/account/enquiries');
  assert.match(mine.text_, new RegExp(reference));
  // The enquiries are part of the reader's data, and only of theirs.
  const data = JSON.parse((await alice.request('/en/account/data.json')).text_);
  assert.equal(data.enquiries.length, 1);
  assert.equal(data.enquiries[0].reference, reference);
  assert.match(data.enquiries[0].replies[0].text, /Each child needs a card/);
  const csv = (await alice.request('/en/account/data.csv')).text_;
  assert.match(csv, new RegExp(`"enquiry_reply","${reference}","Each child needs a card`));
  assert.equal(JSON.parse((await bob.request('/en/account/data.json')).text_).enquiries.length, 0);
  assert.doesNotMatch((await bob.request('/en/account/data.csv')).text_, new RegExp(reference));
});

test('every staff route needs the permission to answer enquiries; readers\' pages need a reader', async () => {
  const counter = await staffClient('counter.one');
  const admin = await staffClient('admin');
  const paths = ['/en/staff/enquiries', '/en/staff/enquiries/1', '/en/staff/faq', '/en/staff/faq/new', '/en/staff/faq/new?enquiry=1'];
  for (const path of paths) {
    assert.equal((await counter.request(path)).status, 403, path);
    assert.equal((await admin.request(path)).status, 200, path);
    const anonymous = await new Client(server.url).request(path);
    assert.equal(anonymous.status, 303, path);
    assert.match(anonymous.headers.get('location'), /\/staff\/login$/);
  }
  for (const action of ['claim', 'reply', 'transfer', 'close', 'release'])
    assert.equal((await counter.request(`/en/staff/enquiries/1/${action}`, { method: 'POST', form: { csrf: counter.csrf, reply: 'x', library: 'CL', note: 'x' } })).status, 403, action);
  assert.equal((await counter.request('/en/staff/faq', { method: 'POST', form: { csrf: counter.csrf, question_en: 'Q', answer_en: 'A' } })).status, 403);
  assert.equal((await counter.request('/en/staff/faq/1/unpublish', { method: 'POST', form: { csrf: counter.csrf } })).status, 403);
  // A forged form from a permitted member of staff is refused too.
  assert.equal((await admin.request('/en/staff/enquiries/1/claim', { method: 'POST', form: { csrf: 'forged' } })).status, 403);
  assert.equal((await admin.request('/en/staff/enquiries/999999')).status, 404);
  const signedOut = await new Client(server.url).request('/en/account/enquiries');
  assert.equal(signedOut.status, 303);
  assert.equal(signedOut.headers.get('location'), '/en/login?next=%2Fen%2Faccount%2Fenquiries');
  // The public pages are public.
  for (const path of ['/en/ask', '/tc/ask', '/en/ask/faq', '/tc/ask/faq'])
    assert.equal((await fetch(server.url + path)).status, 200, path);
});

test('rate limits: per email address per day on this server, per network address on another', async () => {
  const email = 'many.questions@example.com';
  for (let i = 0; i < 3; i++) {
    const response = await ask(new Client(server.url), 'en', { name: 'Many', email, subject: 'other', language: 'en', question: `${question} (${i})` });
    assert.equal(response.status, 200, `enquiry ${i}`);
  }
  let response = await ask(new Client(server.url), 'en', { name: 'Many', email, subject: 'other', language: 'en', question });
  assert.equal(response.status, 429);
  assert.match(response.text_, /Too many enquiries have been sent for this email address today/);
  assert.match(response.text_, /value="many\.questions@example\.com"/, 'nothing typed is lost');
  assert.match(response.text_, /Kowloon Walled City/);
  response = await ask(new Client(server.url), 'tc', { name: 'Many', email: email.toUpperCase().replace('@EXAMPLE.COM', '@Example.com'), subject: 'other', language: 'tc', question });
  assert.equal(response.status, 429, 'the same address in another spelling');
  assert.match(response.text_, /電郵地址/);

  const limited = await startShelfmark(['--enquiries-per-address-per-hour', '2'], { catalogueRecords: 50 });
  try {
    for (let i = 0; i < 2; i++) {
      const ok = await ask(new Client(limited.url), 'en', { name: 'N', email: `n${i}@example.com`, subject: 'other', language: 'en', question });
      assert.equal(ok.status, 200);
    }
    response = await ask(new Client(limited.url), 'en', { name: 'N', email: 'n9@example.com', subject: 'other', language: 'en', question });
    assert.equal(response.status, 429);
    assert.match(response.text_, /Too many enquiries have been sent from your network/);
  } finally {
    await limited.stop();
  }
});

test('the anonymising job runs from the command line too, and leaves recent enquiries alone', async () => {
  const output = execFileSync(binary, [...server.common, 'jobs', 'anonymise-enquiries'], { encoding: 'utf8' });
  assert.match(output, /^Anonymised 0 closed enquiries\.$/m, 'the enquiries closed in these tests are recent');
  const one = await staffClient('ref.one');
  const closed = await one.request('/en/staff/enquiries?status=closed');
  const id = /href="\/en\/staff\/enquiries\/(\d+)"/.exec(closed.text_)[1];
  const page = await one.request(`/en/staff/enquiries/${id}`);
  assert.match(page.text_, /Replies go to<\/dt><dd>[^<]+@example\.com/, 'the email is still there');
});
