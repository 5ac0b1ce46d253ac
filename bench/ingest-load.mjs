// Load generator of `storeos bench ingest`: autocannon in its own process, posting Segment batches of 100 events to
// /v1/batch. The bodies are a few prebuilt templates; setupRequest stamps unique messageIds into each request, so
// every request is new events, not a retry the dedupe would drop.
// Usage: node bench/ingest-load.mjs <options.json>, the file holding {url, connections, duration, writeKey,
// templates: [[part, part, …]]} → prints the result summary as JSON on stdout.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const opts = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const auth = `Basic ${Buffer.from(`${opts.writeKey}:`).toString('base64')}`;
let seq = 0;
const prefix = `${process.pid.toString(36)}${Date.now().toString(36)}`;

function stamp(parts) {
  // parts[i] is followed by the i-th messageId; the last part closes the body.
  const n = seq++;
  let body = '';
  for (let i = 0; i < parts.length - 1; i++) body += `${parts[i]}${prefix}-${n}-${i}`;
  return body + parts[parts.length - 1];
}

const result = await autocannon({
  url: opts.url,
  connections: opts.connections,
  duration: opts.duration,
  renderProgressBar: false,
  renderResultsTable: false,
  requests: [
    {
      method: 'POST',
      path: '/v1/batch',
      headers: { 'content-type': 'application/json', authorization: auth },
      setupRequest(req) {
        req.body = stamp(opts.templates[seq % opts.templates.length]);
        return req;
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
  }),
);
