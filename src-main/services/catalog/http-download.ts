import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

function request(url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { headers, timeout: 30000 }, resolve);
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
  });
}

async function follow(url: string, headers: Record<string, string>, hops = 5): Promise<IncomingMessage> {
  const res = await request(url, headers);
  const location = res.headers.location;
  if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location && hops > 0) {
    res.resume();
    return follow(new URL(location, url).toString(), headers, hops - 1);
  }
  return res;
}

/** GETs a small text document (a catalog). */
export async function httpGetText(url: string): Promise<string> {
  const res = await follow(url, {});
  if (res.statusCode !== 200) {
    res.resume();
    throw new Error(`HTTP ${res.statusCode}`);
  }
  let text = '';
  for await (const chunk of res) text += (chunk as Buffer).toString('utf8');
  return text;
}

/**
 * Downloads `url` into `part`, resuming from the bytes `part` already holds (HTTP Range; a server that answers
 * 200 instead of 206 restarts it). Returns the final size. The .part file is kept when the transfer breaks.
 */
export async function httpDownload(url: string, part: string, onProgress: (bytes: number, total: number | null) => void): Promise<number> {
  const have = (await stat(part).catch(() => null))?.size ?? 0;
  const res = await follow(url, have > 0 ? { Range: `bytes=${have}-` } : {});
  if (res.statusCode === 416 && have > 0) {
    res.resume();
    return have;
  }
  if (res.statusCode !== 200 && res.statusCode !== 206) {
    res.resume();
    throw new Error(`${url}: HTTP ${res.statusCode}`);
  }
  const resumed = res.statusCode === 206;
  let bytes = resumed ? have : 0;
  const length = Number(res.headers['content-length'] ?? NaN);
  const total = Number.isFinite(length) ? length + bytes : null;
  const meter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      bytes += chunk.length;
      onProgress(bytes, total);
      cb(null, chunk);
    },
  });
  await pipeline(res, meter, createWriteStream(part, { flags: resumed ? 'a' : 'w' }));
  if (total !== null && bytes !== total) throw new Error(`${url}: the transfer stopped at ${bytes} of ${total} bytes`);
  return bytes;
}
