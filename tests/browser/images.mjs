// Small real images for upload tests, built here so that no binary test file is kept in the repository
// (the one JPEG comes from the image fuzzer's seed corpus).
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// An RGB PNG of width x height with a gradient; `text` goes into a tEXt chunk (metadata to be stripped).
export function png(width = 64, height = 48, text = '') {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([(x * 4) & 255, (y * 5) & 255, ((x + y) * 3) & 255], 1 + x * 3);
    rows.push(row);
  }
  const parts = [signature, chunk('IHDR', header)];
  if (text) parts.push(chunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')));
  parts.push(chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

// A PNG whose header claims absurd dimensions (a decompression bomb's shape), with valid CRCs.
export function hugePng() {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100000, 0);
  header.writeUInt32BE(100000, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0))]);
}

// A real JPEG with an EXIF segment carrying `marker` (as GPS data would be) inserted after the start marker.
export function jpegWithExif(marker) {
  const base = readFileSync(resolve(here, '../../fuzz/corpus/fuzz_image/orientation6.jpg'));
  const payload = Buffer.concat([Buffer.from('Exif\0\0MM\0\x2a\0\0\0\x08', 'latin1'), Buffer.from(marker, 'latin1')]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length + 2);
  return Buffer.concat([base.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, payload, base.subarray(2)]);
}

export const zipBytes = Buffer.from('PK\x03\x04\x14\0\0\0\0\0secret.txt PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0', 'latin1');
export const pdfBytes = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

// A valid HKID with its check character, from a letter and six digits.
export function hkid(letter, digits) {
  const body = letter + digits;
  const padded = (body.length === 7 ? ' ' : '') + body;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = padded[i];
    const value = c === ' ' ? 36 : /[A-Z]/.test(c) ? c.charCodeAt(0) - 55 : Number(c);
    sum += value * (9 - i);
  }
  const check = (11 - (sum % 11)) % 11;
  return `${body}(${check === 10 ? 'A' : check})`;
}
