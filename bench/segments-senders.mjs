// Senders of `storeos bench segments` (a): in their own process, so the server's event loop is not shared with a load
// generator. Each of `connections` senders posts one `Order Completed` track for a random generated profile, waits
// for its answer, and posts the next, for `durationMs`.
// Usage: node bench/segments-senders.mjs <options as JSON> with {url, writeKey, connections, durationMs, profiles,
// seed, prefix (of the messageIds)} → prints {sent, acked: [[messageId, at], …], cpuSeconds} as JSON on stdout, `at` the time the 200 arrived in
// milliseconds since the epoch (performance.timeOrigin + performance.now(): comparable across processes).
import http from 'node:http';

const opts = JSON.parse(process.argv[2]);
const auth = `Basic ${Buffer.from(`${opts.writeKey}:`).toString('base64')}`;
const url = new URL(opts.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });

// mulberry32, as bench/segments.ts generates with.
let a = opts.seed;
const rnd = () => {
  a = (a + 0x6d2b79f5) | 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

function post(body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/v1/track',
        agent,
        headers: { 'content-type': 'application/json', authorization: auth, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const acked = [];
let sent = 0;
const until = Date.now() + opts.durationMs;
await Promise.all(
  Array.from({ length: opts.connections }, async (_, c) => {
    for (let n = 0; Date.now() < until; n++) {
      const k = Math.floor(rnd() * opts.profiles);
      const messageId = `${opts.prefix}-${c}-${n}`;
      const status = await post(JSON.stringify({ userId: `bu${k}`, event: 'Order Completed', messageId, properties: { total: 99 } }));
      if (status === 200) acked.push([messageId, performance.timeOrigin + performance.now()]);
      sent++;
    }
  }),
);
agent.destroy();
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ sent, acked, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
