// Baseline of `storeos bench telemetry`: aedes as it comes (any user name accepted, default in-memory persistence),
// storing nothing, in its own process. Usage: node bench/telemetry-bare.mjs <port>; prints {"port"} when listening,
// answers an IPC 'rss' with {"rss": peak bytes}.
import net from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker();
const server = net.createServer(broker.handle);
let peakRss = 0;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 500).unref();
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (msg) => {
  if (msg === 'rss') process.send?.({ rss: Math.max(peakRss, process.memoryUsage().rss) });
  if (msg === 'stop') {
    server.close();
    broker.close(() => process.exit(0));
  }
});
