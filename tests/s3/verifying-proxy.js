// Test-only S3 front: s3rver accepts any Signature V4 (it checks only that
// the access key exists), so this proxy recomputes every request's signature
// with AWS's own signer (@smithy/signature-v4) and answers 403
// SignatureDoesNotMatch on a mismatch; it also checks x-amz-content-sha256
// against the body and session tokens against the key's. Verified requests
// go on to s3rver as the S3RVER account.
//
//   node verifying-proxy.js LISTEN_PORT UPSTREAM_PORT KEYS.json
//   KEYS.json: {"ACCESSKEY": {"secret": "...", "token": "optional session token",
//                             "flaky": N (every Nth request gets 503 SlowDown),
//                             "failParts": true (parts 2+ always get 500),
//                             "cutEvery": N (every Nth request loses its connection, as
//                               when the server restarts: a GET half-way through the
//                               body, any other request before it reaches s3rver)}, ...}
// GET /__proxy/events lists what was forwarded or injected, for assertions.
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const [listenPort, upstreamPort, keysFile] = process.argv.slice(2);
const keys = JSON.parse(fs.readFileSync(keysFile, 'utf8'));
const events = [];
const counts = {};

function refuse(res, status, code, message) {
  process.stderr.write(`proxy: ${status} ${code}: ${message}\n`);
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

function parseQuery(raw) {
  const query = {};
  if (!raw) return query;
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    const v = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    query[k] = v;
  }
  return query;
}

async function verify(req, body) {
  const auth = req.headers['authorization'] || '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return [403, 'AccessDenied', 'request is not signed with AWS4-HMAC-SHA256'];
  const [, accessKey, , region, service, signedHeaders, signature] = m;
  const key = keys[accessKey];
  if (!key) return [403, 'InvalidAccessKeyId', `unknown access key ${accessKey}`];
  const token = req.headers['x-amz-security-token'];
  if ((key.token || token) && key.token !== token) return [403, 'InvalidToken', 'session token does not match'];
  const claimed = req.headers['x-amz-content-sha256'];
  if (!claimed) return [400, 'InvalidRequest', 'missing x-amz-content-sha256'];
  if (/^[0-9a-f]{64}$/.test(claimed) && crypto.createHash('sha256').update(body).digest('hex') !== claimed) {
    return [400, 'XAmzContentSHA256Mismatch', 'payload hash does not match'];
  }
  const md5 = req.headers['content-md5'];
  if (md5 !== undefined && crypto.createHash('md5').update(body).digest('base64') !== md5) {
    return [400, 'BadDigest', 'Content-MD5 does not match the body'];
  }
  const names = signedHeaders.split(';');
  const headers = {};
  for (const name of names) {
    if (req.headers[name] === undefined) return [403, 'SignatureDoesNotMatch', `signed header ${name} missing`];
    headers[name] = String(req.headers[name]);
  }
  const amzDate = req.headers['x-amz-date'] || '';
  const date = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const q = req.url.indexOf('?');
  const signer = new SignatureV4({
    credentials: { accessKeyId: accessKey, secretAccessKey: key.secret, sessionToken: token },
    region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: false,
  });
  const signed = await signer.sign({
    method: req.method, protocol: 'http:', hostname: String(req.headers.host).split(':')[0],
    path: q < 0 ? req.url : req.url.slice(0, q), query: parseQuery(q < 0 ? '' : req.url.slice(q + 1)), headers,
  }, { signingDate: date, signableHeaders: new Set(names) });
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization)[1];
  if (expected !== signature) return [403, 'SignatureDoesNotMatch', 'the signature does not match'];
  // Faults injected for the retry and abort tests.
  counts[accessKey] = (counts[accessKey] || 0) + 1;
  if (key.flaky && counts[accessKey] % key.flaky === 0) return [503, 'SlowDown', 'injected throttling'];
  const part = /[?&]partNumber=(\d+)/.exec(req.url);
  if (key.failParts && part && Number(part[1]) >= 2) return [500, 'InternalError', 'injected part failure'];
  req.cut = Boolean(key.cutEvery && counts[accessKey] % key.cutEvery === 0);
  return null;
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/__proxy/events') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(events));
    }
    let verdict;
    try {
      verdict = await verify(req, body);
    } catch (e) {
      verdict = [500, 'InternalError', `proxy: ${e.message}`];
    }
    const sse = req.headers['x-amz-server-side-encryption'];
    const md5 = req.headers['content-md5'] ? ' md5' : '';
    events.push(`${verdict ? verdict[0] : req.cut ? 'cut' : 'forward'} ${req.method} ${req.url}${sse ? ' sse=' + sse : ''}${md5}`);
    if (verdict) return refuse(res, ...verdict);
    if (req.cut && req.method !== 'GET') return req.socket.destroy();
    const headers = { ...req.headers };
    headers['authorization'] = headers['authorization'].replace(/Credential=[^/]+\//, 'Credential=S3RVER/');
    delete headers['x-amz-security-token'];
    const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      if (!req.cut) return upRes.pipe(res);
      const got = [];
      upRes.on('data', (c) => got.push(c));
      upRes.on('end', () => {
        const all = Buffer.concat(got);
        res.write(all.subarray(0, all.length >> 1), () => res.socket.destroy());
      });
    });
    up.on('error', (e) => refuse(res, 502, 'BadGateway', e.message));
    up.end(body);
  });
}).listen(Number(listenPort), '127.0.0.1');
