// Load generator for `storeos bench`: runs autocannon in its own process so it does not share the server's event loop.
// Usage: node bench/load.mjs '<json autocannon options>'  → prints the result summary as JSON on stdout.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
const result = await autocannon({ ...opts, renderProgressBar: false, renderResultsTable: false });
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
  }),
);
