#!/usr/bin/env node
// MarketFeed soak: hundreds of WebSocket clients with churn, stallers and fuzzers against the
// real server process for minutes, sampling the server's GC heap, working set, open handles and
// threads over time; fails (exit 1) if memory or handles grow after the warm-up, if a reader sees
// a gap or an unexpected close, if any connection is closed with 1011, or if the server does not
// exit 0 on SIGTERM at the end.
//
//   node loadtests/soak/soak.mjs [--duration 300] [--warmup 60] [--readers 200] [--churners 40]
//        [--stallers 20] [--fuzzers 20] [--rate 10000] [--journal N] [--stall 15] [--sample 5] [--csv out.csv]
//        [--server-dll PATH | --url http://HOST:PORT --pid PID]
// Stallers subscribe to every symbol in full mode and stop reading for --stall s: the server drops
// them with 4001 once they are --journal ticks behind (Feed:JournalCapacity, default about 4 s of
// ticks) or 4002 when a send stalls 2 s; they see a reset (1006) when they read again.
//
// Without --url it starts src/MarketFeed.Server/bin/Release/net10.0/MarketFeed.Server.dll (build it
// first) on a free loopback port and stops it with SIGTERM at the end. Node packages: tests/node
// (npm ci there). Docs: docs/load-testing.md, "Soak".
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const require = createRequire(path.join(root, 'tests', 'node', 'package.json'));
const WebSocket = require('ws');
const { encode, decode } = require('@msgpack/msgpack');

const opts = {
  duration: 300, warmup: 60, readers: 200, churners: 40, stallers: 20, fuzzers: 20, rate: 10000, sample: 5,
  csv: null, url: null, pid: null, serverDll: null, seed: 1, journal: 0, stall: 15, maxGrowthPct: 25, maxGrowthMb: 24,
};
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  if (!(key in opts)) { console.error(`unknown option --${key}`); process.exit(2); }
  const v = process.argv[i + 1];
  opts[key] = typeof opts[key] === 'number' || opts[key] === null && /^\d+$/.test(v) ? Number(v) : v;
}
for (const k of ['journal', 'stall', 'duration', 'warmup', 'readers', 'churners', 'stallers', 'fuzzers', 'rate', 'sample', 'seed', 'maxGrowthPct', 'maxGrowthMb']) opts[k] = Number(opts[k]);
if (!(opts.duration > opts.warmup && opts.sample > 0)) { console.error('--duration must exceed --warmup'); process.exit(2); }
// Journal: about 4 s of ticks (at least 16,384), so a paused staller is lapped within its pause.
if (!opts.journal) opts.journal = Math.max(16384, 2 ** Math.ceil(Math.log2(opts.rate * 4)));

let seed = opts.seed >>> 0 || 1;
const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 4294967296; };
const pick = (a) => a[Math.floor(rnd() * a.length)];

const failures = [];
const fail = (msg) => { if (failures.length < 50) failures.push(msg); };
const stats = { readerMsgs: 0, gaps: 0, churnCycles: 0, stallerDrops: 0, fuzzMsgs: 0, fuzzReplies: 0, closes: new Map(), connectErrors: 0 };
const countClose = (role, code) => { const k = `${role}:${code}`; stats.closes.set(k, (stats.closes.get(k) ?? 0) + 1); if (code === 1011) fail(`${role} closed with 1011`); };
let stopping = false;
const started = Date.now();
const elapsed = () => (Date.now() - started) / 1000;

// ---- server -------------------------------------------------------------------------------
let server = null;
let base = opts.url;
let pid = opts.pid;
if (!base) {
  const dll = opts.serverDll ?? path.join(root, 'src', 'MarketFeed.Server', 'bin', 'Release', 'net10.0', 'MarketFeed.Server.dll');
  server = spawn('dotnet', [dll, '--urls', 'http://127.0.0.1:0', '--rate', String(opts.rate),
    '--Feed:SlowConsumerTimeoutMs=2000', '--Feed:CloseTimeoutMs=1000', `--Feed:JournalCapacity=${opts.journal}`, '--Logging:LogLevel:Default=Warning'], { cwd: path.dirname(dll), stdio: ['ignore', 'pipe', 'pipe'] });
  pid = server.pid;
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 60 s')), 60_000);
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /MarketFeed listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    server.stderr.on('data', (d) => process.stderr.write(d));
    server.on('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
}
const wsUrl = `${base.replace('http', 'ws')}/ws/v1`;
const symbols = (await (await fetch(`${base}/api/symbols`)).json()).map((s) => s.symbol);
console.log(`soak: ${base} pid ${pid ?? '?'}, ${symbols.length} symbols, ${opts.rate} ticks/s, journal ${opts.journal}; ${opts.readers} readers, ${opts.churners} churners, ${opts.stallers} stallers, ${opts.fuzzers} fuzzers; ${opts.duration} s (warm-up ${opts.warmup} s)`);

// ---- clients ------------------------------------------------------------------------------
const decodeFrame = (data) => decode(data, { useBigInt64: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function open(onMessage) {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, ['marketfeed.v1']);
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => resolve(ws));
    ws.on('error', () => { stats.connectErrors++; resolve(null); });
    if (onMessage) ws.on('message', onMessage);
  });
}

function closed(ws) { return new Promise((r) => ws.once('close', (code) => r(code))); }

async function reader(i) {
  // Fast readers; every third in full mode with a gap check, the others conflated.
  while (!stopping) {
    const full = i % 3 === 0;
    const last = new Map();
    const ws = await open((data) => {
      for (const m of decodeFrame(data)) {
        const kind = m[0];
        if (kind === 4) last.set(Number(m[1]), BigInt(m[2]));
        else if (kind === 1 || kind === 2) {
          stats.readerMsgs++;
          if (full) {
            const id = Number(m[1]);
            const seq = BigInt(m[2]);
            if (last.has(id) && seq !== last.get(id) + 1n) { stats.gaps++; fail(`reader ${i}: gap on ${id}`); }
            last.set(id, seq);
          }
        }
      }
    });
    if (!ws) { await sleep(500); continue; }
    const subs = Array.from({ length: 10 }, () => pick(symbols));
    ws.send(JSON.stringify({ op: 'subscribe', id: 1, symbols: [...new Set(subs)], mode: full ? 'full' : 'conflated' }));
    const code = await closed(ws);
    countClose('reader', code);
    if (!stopping) fail(`reader ${i} closed with ${code}`);
  }
}

async function churner() {
  // connect, subscribe, wait for the ack, close; again.
  while (!stopping) {
    let acked;
    const ack = new Promise((r) => { acked = r; });
    const ws = await open((data) => { for (const m of decodeFrame(data)) if (m[0] === 3) acked(); });
    if (!ws) { await sleep(200); continue; }
    ws.send(JSON.stringify({ op: 'subscribe', id: 1, symbols: [pick(symbols), pick(symbols)], mode: rnd() < 0.5 ? 'full' : 'conflated' }));
    const ok = await Promise.race([ack.then(() => true), sleep(10_000).then(() => false)]);
    if (!ok && !stopping) fail('churner: no ack within 10 s');
    ws.close(1000);
    countClose('churner', await closed(ws));
    stats.churnCycles++;
    await sleep(rnd() * 200);
  }
}

async function staller() {
  // Full mode on every symbol, stop reading (pause the TCP socket) for --stall s, then read again:
  // by then the server has dropped it (4001/4002, or a reset when the close frame could not be sent).
  while (!stopping) {
    const ws = await open(null);
    if (!ws) { await sleep(500); continue; }
    const done = closed(ws);
    ws.send(JSON.stringify({ op: 'subscribe', id: 1, symbols, mode: 'full' }));
    await sleep(200);
    ws._socket.pause();
    await sleep(opts.stall * 1000);
    ws._socket.resume();
    const code = await Promise.race([done, sleep(15_000).then(() => 'none')]);
    if (code === 'none') { if (!stopping) fail(`staller still connected ${opts.stall} s after it stopped reading and 15 s after it read again`); ws.terminate(); continue; }
    countClose('staller', code);
    if (!stopping) stats.stallerDrops++;
  }
}

function fuzzMessage() {
  const valid = { op: pick(['subscribe', 'unsubscribe', 'ping', 'symbols', 'replay', 'bars', 'nope']), id: Math.floor(rnd() * 1e6), symbols: [pick(symbols), 'ZZZ' + Math.floor(rnd() * 100)], mode: pick(['full', 'conflated', 'x']) };
  switch (Math.floor(rnd() * 7)) {
    case 0: { const b = Buffer.from(encode(valid)); for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256); return b; }
    case 1: return Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
    case 2: return JSON.stringify(valid).slice(0, Math.floor(rnd() * 40));
    case 3: return '{"op":"subscribe","id":1,"symbols":["\\ud800"]}';
    case 4: return Buffer.from([0x82, 0xa2, 0x6f, 0x70, 0xa4, 0x70, 0x69, 0x6e, 0x67, 0xa2, 0x69, 0x64, 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]); // id = 2^64-1
    case 5: return Buffer.from([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]); // str32 claiming 4 GB
    default: return Buffer.from(encode(valid));
  }
}

async function fuzzer() {
  // Random and mutated control messages at ~20/s; the server answers 400s and closes after too many errors.
  while (!stopping) {
    const ws = await open(() => { stats.fuzzReplies++; });
    if (!ws) { await sleep(200); continue; }
    const done = closed(ws);
    let open_ = true;
    done.then(() => { open_ = false; });
    while (open_ && !stopping) {
      ws.send(fuzzMessage());
      stats.fuzzMsgs++;
      await sleep(50);
    }
    if (open_) ws.close(1000);
    countClose('fuzzer', await done);
  }
}

// ---- sampling ----------------------------------------------------------------------------
async function sampleServer() {
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(metrics)?.[1] ?? NaN);
  let handles = NaN;
  let threads = NaN;
  if (pid) {
    try { handles = readdirSync(`/proc/${pid}/fd`).length; } catch { /* not ours */ }
    try { threads = Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]); } catch { /* not ours */ }
  }
  return { t: Math.round(elapsed()), heapMb: value('dotnet_gc_heap_bytes') / 1048576, wsMb: value('process_working_set_bytes') / 1048576, handles, threads, connections: value('marketfeed_connections') };
}

const samples = [];
const tasks = [];
for (let i = 0; i < opts.readers; i++) tasks.push(reader(i));
for (let i = 0; i < opts.churners; i++) tasks.push(churner());
for (let i = 0; i < opts.stallers; i++) tasks.push(staller());
for (let i = 0; i < opts.fuzzers; i++) tasks.push(fuzzer());
console.log('     t  heap MB    WS MB  handles  threads  conns   reader msgs  churn  staller drops  fuzz msgs');
while (elapsed() < opts.duration) {
  await sleep(Math.max(0, opts.sample * 1000 - ((Date.now() - started) % (opts.sample * 1000))));
  let s;
  try { s = await sampleServer(); } catch (err) { fail(`server unreachable: ${err.message}`); break; }
  samples.push(s);
  console.log(`${String(s.t).padStart(6)} ${s.heapMb.toFixed(1).padStart(8)} ${s.wsMb.toFixed(1).padStart(8)} ${String(s.handles).padStart(8)} ${String(s.threads).padStart(8)} ${String(s.connections).padStart(6)} ${String(stats.readerMsgs).padStart(13)} ${String(stats.churnCycles).padStart(6)} ${String(stats.stallerDrops).padStart(14)} ${String(stats.fuzzMsgs).padStart(10)}`);
}
stopping = true;

// ---- verdict -----------------------------------------------------------------------------
const after = samples.filter((s) => s.t >= opts.warmup);
const third = Math.max(1, Math.floor(after.length / 3));
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };
const verdict = [];
for (const [name, key, pct, abs] of [['working set', 'wsMb', opts.maxGrowthPct, opts.maxGrowthMb], ['GC heap', 'heapMb', opts.maxGrowthPct, opts.maxGrowthMb], ['handles', 'handles', opts.maxGrowthPct, 64], ['threads', 'threads', 50, 16]]) {
  if (after.length < 3 || after.some((s) => Number.isNaN(s[key]))) { verdict.push(`${name}: not enough samples`); fail(`${name}: no samples (metric missing from /metrics?)`); continue; }
  const first = median(after.slice(0, third).map((s) => s[key]));
  const last = median(after.slice(-third).map((s) => s[key]));
  const limit = first * (1 + pct / 100) + abs;
  verdict.push(`${name}: ${first.toFixed(1)} -> ${last.toFixed(1)} (median of first/last third after warm-up; limit ${limit.toFixed(1)})`);
  if (last > limit) fail(`${name} grew after the warm-up: ${first.toFixed(1)} -> ${last.toFixed(1)}`);
}
if (stats.readerMsgs === 0) fail('readers received nothing');
if (stats.churnCycles === 0 || (opts.stallers > 0 && stats.stallerDrops === 0) || (opts.fuzzers > 0 && stats.fuzzReplies === 0)) fail('a client kind made no progress');

if (opts.csv) writeFileSync(opts.csv, 't,heap_mb,working_set_mb,handles,threads,connections\n' + samples.map((s) => `${s.t},${s.heapMb.toFixed(2)},${s.wsMb.toFixed(2)},${s.handles},${s.threads},${s.connections}`).join('\n') + '\n');

if (server) {
  const t0 = Date.now();
  server.kill('SIGTERM');
  const code = await Promise.race([new Promise((r) => server.on('exit', (c) => r(c))), sleep(15_000).then(() => 'timeout')]);
  verdict.push(`server SIGTERM -> exit ${code} in ${Date.now() - t0} ms`);
  if (code !== 0) { fail(`server exit on SIGTERM: ${code}`); if (code === 'timeout') server.kill('SIGKILL'); }
}
await Promise.race([Promise.allSettled(tasks), sleep(5000)]);
console.log(verdict.join('\n'));
console.log(`closes (role:code x n): ${[...stats.closes].map(([k, n]) => `${k} x${n}`).join(', ')}; connect errors ${stats.connectErrors}; fuzz replies ${stats.fuzzReplies}; gaps ${stats.gaps}`);
if (failures.length) {
  console.log(`soak: FAILED\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('soak: ok');
process.exit(0);
