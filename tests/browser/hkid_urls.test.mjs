// Hardening 5: no HKID number in any URL. A typed HKID must not reach browser history, proxy logs or the
// language switch: the counter's registration search is posted, and a crawl of every page a staff member
// and a reader reach (same-site links and GET forms, as filled in) finds no HKID-looking string in a URL,
// an href, a form action or a Location header.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startShelfmark, Client } from './harness.mjs';
import { hkid } from './images.mjs';

let server;

before(async () => {
  server = await startShelfmark();
});
after(async () => {
  await server?.stop();
});

const hkidPattern = /[A-Z]{1,2}[0-9]{6}\(?[0-9A]\)?/;

function decoded(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function unescapeHtml(text) {
  return text.replace(/&amp;/g, '&').replace(/&#x2F;/gi, '/').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
}

function assertNoHkid(what, text, where) {
  for (const form of [text, decoded(text)])
    assert.doesNotMatch(form, hkidPattern, `an HKID in ${what} ${JSON.stringify(text)} (on ${where})`);
}

// The URL a GET form goes to when submitted as the page shows it: its fields with their values.
function getFormUrls(html) {
  const urls = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attributes = match[1];
    const action = unescapeHtml(/action="([^"]*)"/.exec(attributes)?.[1] ?? '');
    const method = (/method="([^"]*)"/.exec(attributes)?.[1] ?? 'get').toLowerCase();
    urls.push({ action, method });
    if (method !== 'get') continue;
    const params = new URLSearchParams();
    for (const input of match[2].matchAll(/<input\b([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(input[1])?.[1];
      if (!name) continue;
      const type = /type="([^"]*)"/.exec(input[1])?.[1] ?? 'text';
      if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(input[1])) continue;
      params.append(name, unescapeHtml(/value="([^"]*)"/.exec(input[1])?.[1] ?? ''));
    }
    urls.push({ action, method, submitted: `${action}${action.includes('?') ? '&' : '?'}${params}` });
  }
  return urls;
}

// Breadth-first over same-site GET pages, at most a few pages per URL shape (numbers stand for any id).
async function crawl(client, starts, seenHtml = []) {
  const queue = [...starts];
  const visited = new Set();
  const shapes = new Map();
  let pages = 0;
  const enqueue = (url, where) => {
    assertNoHkid('a URL', url, where);
    if (!url.startsWith('/') || url.startsWith('//') || url.startsWith('/static/')) return;
    if (/\/logout\b|\.ics$|\/documents\/\d+/.test(url)) return;
    const path = url.split('#')[0];
    if (visited.has(path)) return;
    const shape = path.split('?')[0].replace(/\d+/g, 'N');
    if ((shapes.get(shape) ?? 0) >= 3) return;
    shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    visited.add(path);
    queue.push(path);
  };
  const look = (html, where) => {
    for (const match of html.matchAll(/href="([^"]*)"/g)) {
      const href = unescapeHtml(match[1]);
      assertNoHkid('an href', href, where);
      enqueue(href, where);
    }
    for (const form of getFormUrls(html)) {
      assertNoHkid('a form action', form.action, where);
      if (form.submitted) enqueue(form.submitted, where);
    }
  };
  for (const [html, where] of seenHtml) look(html, where);
  for (const start of starts) visited.add(start);
  while (queue.length > 0 && pages < 400) {
    const url = queue.shift();
    const response = await client.request(url);
    pages += 1;
    const location = response.headers.get('location');
    if (location) {
      assertNoHkid('a Location header', location, url);
      enqueue(location.replace(server.url, ''), url);
    }
    if (/text\/html/.test(response.headers.get('content-type') ?? '')) look(response.text_, url);
  }
  return pages;
}

test('the counter registration search is posted, and no page a staff member reaches has an HKID in a URL', async (t) => {
  const client = new Client(server.url);
  assert.equal((await client.login('admin', server.password)).status, 303);
  const home = await client.request('/en/staff/');
  const csrf = client.csrfFrom(home.text_);
  const id = hkid('K', '345678');
  const page = await client.request('/en/staff/registrations/complete');
  assert.match(page.text_, /<form method="post" action="\/en\/staff\/registrations\/complete"/);
  const searched = await client.request('/en/staff/registrations/complete', { method: 'POST', form: { csrf, q: id } });
  assert.equal(searched.status, 200);
  assert.ok(searched.text_.includes(id), 'the search box keeps what was typed');
  const tcSearched = await client.request('/tc/staff/registrations/complete', { method: 'POST', form: { csrf, q: id.replace(/[()]/g, '') } });
  const pages = await crawl(client, ['/en/staff/', '/en/staff/counter', '/tc/staff/', '/en/staff/registrations'],
    [[searched.text_, 'the search result'], [tcSearched.text_, 'the search result in Chinese']]);
  t.diagnostic(`crawled ${pages} pages`);
  assert.ok(pages > 30, `crawled ${pages} pages`);
});

test('no page a reader reaches has an HKID in a URL', async (t) => {
  const reader = new Client(server.url);
  const login = await reader.request('/en/login');
  const signed = await reader.request('/en/login', { method: 'POST', form: { csrf: reader.csrfFrom(login.text_), card: '2100000004', password: 'demo reader 0004' } });
  assert.equal(signed.status, 303);
  const pages = await crawl(reader, ['/en/account', '/tc/account', '/en/']);
  t.diagnostic(`crawled ${pages} pages`);
  assert.ok(pages > 10, `crawled ${pages} pages`);
});

test('the crawl would catch an HKID in a URL', async () => {
  assert.throws(() => assertNoHkid('a URL', `/en/x?q=${encodeURIComponent('A123456(7)')}`, 'here'));
  assert.throws(() => assertNoHkid('a URL', '/en/x?q=AB9876543', 'here'));
  const forms = getFormUrls('<form method="get" action="/en/x"><input name="q" value="A123456(7)"></form>');
  assert.throws(() => assertNoHkid('a URL', forms[1].submitted, 'here'));
});
