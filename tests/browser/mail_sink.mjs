// A real SMTP server for tests (Debian's python3-aiosmtpd) writing each message into a Maildir, and the
// decoding of what it received, shared by the tests that check emails.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness.mjs';

export async function startSmtpSink() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'shelfmark-mail-'));
  const child = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c',
    'aiosmtpd.handlers.Mailbox', join(dir, 'maildir')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk) => { output += chunk; });
  const deadline = Date.now() + 10000;
  for (;;) {
    const open = await new Promise((resolveOpen) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => { socket.end(); resolveOpen(true); });
      socket.on('error', () => resolveOpen(false));
    });
    if (open) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`SMTP sink did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const sink = {
    url: `smtp://127.0.0.1:${port}`,
    messages() {
      const fresh = join(dir, 'maildir', 'new');
      if (!existsSync(fresh)) return [];
      return readdirSync(fresh).map((name) => decodeMessage(readFileSync(join(fresh, name), 'utf8')));
    },
    // Waits (the email job runs every 15 seconds) for messages matching `predicate`.
    async waitFor(predicate, what) {
      const deadline = Date.now() + 45000;
      for (;;) {
        const found = sink.messages().filter(predicate);
        if (found.length) return found;
        if (Date.now() > deadline) throw new Error(`no email ${what}; got: ${JSON.stringify(sink.messages())}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    stop() {
      if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return sink;
}

// The text of a message as the reader sees it: base64 bodies and encoded-word subjects decoded.
export function decodeMessage(raw) {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const subject = (/^Subject: ([\s\S]*?)(?:\r?\n(?! ))/m.exec(head)?.[1] || '').replace(/\r?\n /g, ' ')
    .replace(/=\?UTF-8\?B\?([^?]+)\?=\s*/gi, (_, b64) => Buffer.from(b64, 'base64').toString('utf8'));
  const text = /Content-Transfer-Encoding: base64/i.test(head) ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  const to = /^To: (.*)$/m.exec(head)?.[1].trim();
  return { to, subject, text };
}
