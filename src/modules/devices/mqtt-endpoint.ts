import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Config } from '../../kernel/config.ts';
import type { Logger } from '../../kernel/logger.ts';
import { addGauge, type Metrics } from '../../kernel/metrics.ts';
import { type DeviceIdentity, type DeviceIngress, DroppedMessage } from './contract.ts';
import { handleGatewayMessage, releaseSubDevice } from './gateway-topics.ts';
import { PubackBatcher } from './mqtt-acks.ts';
import { DeviceConnection, RateLimiter } from './mqtt-connection.ts';
import { answerAttributesRequest, answerClientRpc, answerProvisioning, type MessageContext } from './mqtt-messages.ts';
import { MqttConnections } from './mqtt-outbound.ts';
import { type IncomingPublish, publishFlowOf, readPublishesDirectly } from './mqtt-publish-reader.ts';
import { classifyPublish, maySubscribe, topics } from './mqtt-topics.ts';
import { guardPacketSize } from './mqtt-wire.ts';

/** How the endpoint is set up; `port: 0` picks a free port (tests). */
export interface MqttEndpointOptions {
  ingress: DeviceIngress;
  log: Logger;
  metrics?: Metrics;
  host: string;
  port: number;
  /** MQTT over TLS, on its own port. */
  tls?: { port: number; cert: Buffer; key: Buffer };
  maxPayload: number;
  deviceRate: number;
}

/** A running MQTT device endpoint. */
export interface MqttEndpoint {
  port: number;
  tlsPort: number | undefined;
  /** The connections, and how the devices service reaches them. */
  connections: MqttConnections;
  close(): Promise<void>;
}

/** The endpoint options a node runs with, from its configuration (reads the TLS files). */
export function mqttOptionsFromConfig(config: Config, ingress: DeviceIngress, log: Logger, metrics?: Metrics): MqttEndpointOptions {
  const tlsFiles = config.mqttTls;
  return {
    ingress,
    log,
    metrics,
    host: config.host,
    port: config.mqttPort,
    tls: tlsFiles ? { port: config.mqttsPort, cert: readFileSync(tlsFiles.certFile), key: readFileSync(tlsFiles.keyFile) } : undefined,
    maxPayload: config.mqttMaxPayload,
    deviceRate: config.mqttDeviceRate,
  };
}

function refused(returnCode: 3 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

/** Starts the ThingsBoard-compatible MQTT 3.1.1 device endpoint (aedes) on MQTT_PORT, and on MQTTS_PORT when TLS is configured. */
export async function startMqttEndpoint(opts: MqttEndpointOptions): Promise<MqttEndpoint> {
  const { ingress, log } = opts;
  const connections = new MqttConnections(opts.deviceRate);
  const ctx: MessageContext = { ingress, connections, log };
  const byClient = new WeakMap<Client, DeviceConnection>();
  const pubacks = new PubackBatcher((err) => log.error({ err }, 'MQTT publish handling failed after its PUBACK'));
  const broker = await Aedes.createBroker({ heartbeatInterval: 60_000, connectTimeout: 10_000 });

  broker.authenticate = (client, username, password, done) => {
    // MQTT 3.1.1 §3.2.2.3: CONNACK 0x04 when no user name (token) is given.
    if (!username) return done(refused(4, 'bad user name or password'), false);
    if (username === 'provision') {
      byClient.set(client, new DeviceConnection(client, undefined, new RateLimiter(opts.deviceRate)));
      return done(null, true);
    }
    const secret = password && password.length > 0 ? password.toString('utf8') : undefined;
    const lookup = secret === undefined ? ingress.byAccessToken(username) : ingress.byBasicCredentials(client.id, username, secret);
    lookup.then(
      (device) => {
        // MQTT 3.1.1 §3.2.2.3: CONNACK 0x05 "not authorized" for a token or credentials nobody has.
        if (!device) return done(refused(5, 'not authorized'), false);
        // The socket may have gone while we looked: aedes drops such a client, so nothing is registered for it.
        if (client.closed) return done(refused(5, 'connection closed'), false);
        byClient.set(client, new DeviceConnection(client, device, connections.limiterFor(device.deviceId)));
        done(null, true);
      },
      (err) => {
        log.warn({ err }, 'MQTT authentication failed');
        // §3.2.2.3: 0x03 "server unavailable" when the credential store cannot answer.
        done(refused(3, 'server unavailable'), false);
      },
    );
  };

  broker.authorizeSubscribe = (client, sub: Subscription, done) => {
    const conn = byClient.get(client);
    // MQTT 3.1.1 §3.9.3: 0x80 in SUBACK for a filter the device may not use (aedes sends it for a null subscription).
    if (!conn || !maySubscribe(sub.topic, conn.kind)) return done(null, null);
    // §3.8.4: the server may grant a lower QoS than asked; device-bound messages go at most at QoS 1.
    const qos = sub.qos >= 1 ? 1 : 0;
    conn.subscriptions.set(sub.topic, qos);
    done(null, { ...sub, qos });
  };
  broker.on('unsubscribe', (filters: string[], client: Client) => {
    const conn = byClient.get(client);
    for (const f of filters) conn?.subscriptions.delete(f);
  });

  /**
   * Ends a message that was not stored: a refusal is acknowledged and counted, a failure closes the connection. With
   * `packet`, the endpoint writes a QoS 1 refusal's PUBACK itself (a telemetry message, which aedes does not answer).
   */
  const failed = (conn: DeviceConnection, client: Client, done: (err: Error | null) => void, err: unknown, packet?: PublishPacket) => {
    if (err instanceof DroppedMessage) {
      // MQTT 3.1.1 §3.3.5: a refused message still gets its positive ack; it is dropped and counted, the connection
      // stays — unless the device itself is refused now (deleted, or its credentials revoked): then its session ends.
      ingress.dropped(conn.device, err.reason);
      if (err.reason === 'suppressed') conn.closeAfterPublish = true;
      if (packet?.qos === 1) return pubacks.add(client, packet, done);
      return done(null);
    }
    // Not stored (the database is down): no PUBACK (§3.3.5: positive ack or close); the device resends after reconnecting.
    log.warn({ err, clientId: client.id }, 'MQTT message not stored; closing the connection');
    done(err as Error);
  };

  /** A telemetry message is committed or refused. QoS 1: the endpoint writes the PUBACK itself, with the others the same COMMIT releases (mqtt-acks.ts). */
  const telemetryStored = (err: Error | null, m: TelemetryPublish) => {
    if (err) failed(m.conn, m.conn.client, m.release, err, m.packet);
    else if (m.packet.qos === 1) pubacks.add(m.conn.client, m.packet, m.release);
    else m.release(null);
  };

  /** The hot path: the ingest call with one shared callback and the message's context; no JSON here (the ingest parses once). */
  const storeTelemetry = (conn: DeviceConnection, packet: PublishPacket, release: (err: Error | null) => void) => {
    const receivedAt = Date.now();
    const payload = packet.payload as Buffer;
    try {
      screen(conn, payload, receivedAt);
    } catch (err) {
      return failed(conn, conn.client, release, err, packet);
    }
    const context: TelemetryPublish = { conn, packet, release };
    ingress.telemetryThen?.(conn.device as DeviceIdentity, payload, receivedAt, telemetryStored, context);
  };

  /**
   * Telemetry PUBLISH packets of a connected device skip aedes' publish handling (its topic checks, callback chain,
   * authorizePublish and publish, a closure or two per message): the endpoint takes them as they are read and paces
   * the connection as aedes would (mqtt-publish-reader.ts). Anything else, or a client aedes is not ready for, goes
   * to aedes.
   */
  const takeTelemetry = (client: Client, packet: IncomingPublish): boolean => {
    if (packet.topic !== topics.telemetry || !ingress.telemetryThen) return false;
    const conn = byClient.get(client);
    if (!conn?.device) return false;
    if (conn.publishFlow === undefined) {
      conn.publishFlow =
        publishFlowOf(client, (err) => {
          if (!err && conn.closeAfterPublish) closeAfterResponse(client);
        }) ?? null;
    }
    const flow = conn.publishFlow;
    if (!flow?.open()) return false;
    flow.took();
    storeTelemetry(conn, packet as unknown as PublishPacket, flow.release);
    return true;
  };

  broker.authorizePublish = (client, packet, done) => {
    const conn = client ? byClient.get(client) : undefined;
    // A last will (published while the client closes) is not part of the device API: refused quietly.
    if (!client || !conn || client.closed) return done(new Error('not accepted'));
    // Persist before you acknowledge: aedes sends the PUBACK (§3.3.4) only when `done` is called, after the commit.
    if (conn.device && packet.topic === topics.telemetry && ingress.telemetryThen) return storeTelemetry(conn, packet, done);
    let work: Promise<unknown>;
    try {
      work = dispatch(conn, packet);
    } catch (err) {
      return failed(conn, client, done, err);
    }
    work.then(
      () => done(null),
      (err) => failed(conn, client, done, err),
    );
  };

  // Device messages end in authorizePublish. aedes would then route them to subscribers and its persistence:
  // `v1/devices/me/telemetry` is the same topic for every device, so fan-out would leak and costs per message.
  const brokerPublish = broker.publish.bind(broker);
  broker.publish = ((packet: PublishPacket, client: Client | null | ((err?: Error) => void), done?: (err?: Error) => void) => {
    if (typeof client === 'function') return brokerPublish(packet, client);
    if (!client) return brokerPublish(packet, done ?? (() => {}));
    done?.();
    if (byClient.get(client)?.closeAfterPublish) closeAfterResponse(client);
  }) as typeof broker.publish;

  /** Closes a connection once what was written to it left: a provisioning answer, or a PUBACK to a refused device. */
  function closeAfterResponse(client: Client): void {
    // end() flushes the response and the PUBACK before the FIN; close() is the fallback for a peer that stays.
    client.conn.end();
    setTimeout(() => client.close(), 2000).unref();
  }

  /** Starts handling one message: throws DroppedMessage at once, or answers a promise that settles once it is committed. */
  function dispatch(conn: DeviceConnection, packet: PublishPacket): Promise<unknown> {
    const receivedAt = Date.now();
    const device = conn.device;
    const payload = packet.payload as Buffer;
    screen(conn, payload, receivedAt);
    if (!device) {
      if (packet.topic !== topics.provisionRequest) throw new DroppedMessage('forbidden_topic', 'only /provision/request');
      return answerProvisioning(ctx, conn, payload);
    }
    // The hot path: one string compare and the ingress call, no JSON here (the devices service parses once).
    if (packet.topic === topics.telemetry) return ingress.telemetry(device, payload, receivedAt);
    const topic = classifyPublish(packet.topic, device.isGateway);
    switch (topic.kind) {
      case 'attributes':
        return ingress.clientAttributes(device, payload);
      case 'attributesRequest':
        return answerAttributesRequest(ctx, conn, device, topic.id, payload);
      case 'rpcReply':
        return ingress.rpcReply(device, topic.id, payload);
      case 'rpcRequest':
        return answerClientRpc(ctx, conn, device, topic.id, payload);
      case 'forbidden':
        throw new DroppedMessage('forbidden_topic', 'not this device’s topic');
      case 'unknown':
        throw new DroppedMessage('unknown_topic', 'not a device API topic');
      default:
        return handleGatewayMessage(ctx, conn, device, topic, payload, receivedAt);
    }
  }

  /** The connection's rate limit and the payload limit: throws DroppedMessage when the message is over one. */
  function screen(conn: DeviceConnection, payload: Buffer, receivedAt: number): void {
    if (!conn.limiter.take(receivedAt)) throw new DroppedMessage('rate_limited', 'over the device message rate');
    if (payload.length > opts.maxPayload) throw new DroppedMessage('too_large', `payload over ${opts.maxPayload} bytes`);
  }

  broker.on('clientReady', (client: Client) => {
    const conn = byClient.get(client);
    if (!conn?.device) return;
    conn.online = true;
    connections.add(conn, conn.device);
    ingress.connected(conn.device, connections);
  });
  const ended = (client: Client) => {
    const conn = byClient.get(client);
    if (!conn) return;
    byClient.delete(client);
    conn.ended();
    for (const name of [...conn.onlineSubDevices.keys()]) releaseSubDevice(ctx, conn, name);
    const device: DeviceIdentity | undefined = conn.device;
    if (!device) return;
    connections.releaseLimiter(device.deviceId);
    if (!conn.online) return;
    conn.online = false;
    connections.remove(conn, device);
    ingress.disconnected(device, connections);
  };
  // PUBACKs for what the endpoint sent reach aedes' persistence (§4.3.2); the connection waiting for them hears here.
  const persistence = (broker as unknown as { persistence: AckPersistence }).persistence;
  const clear = persistence.outgoingClearMessageId.bind(persistence);
  persistence.outgoingClearMessageId = (client, packet) => {
    byClient.get(client)?.acked(packet.messageId);
    return clear(client, packet);
  };

  const maxPacket = Math.max(opts.maxPayload * 4, 1024 * 1024);
  const accept = (socket: net.Socket) => {
    socket.setNoDelay(true);
    const client = broker.handle(socket);
    // PUBLISH packets are read by the endpoint, the rest by aedes' parser (mqtt-publish-reader.ts).
    readPublishesDirectly(client, (packet) => takeTelemetry(client, packet));
    // The socket closing is the one event every connection ends with, registered with aedes or not.
    socket.once('close', () => ended(client));
    // A packet far beyond the payload limit would be buffered whole by the parser: close such a connection early.
    guardPacketSize(socket, maxPacket, (reason) => ingress.dropped(byClient.get(client)?.device, reason === 'too_large' ? 'too_large' : 'invalid_shape'));
  };
  const plain = net.createServer(accept);
  await listen(plain, opts.port, opts.host);
  let secure: tls.Server | undefined;
  if (opts.tls) {
    secure = tls.createServer({ cert: opts.tls.cert, key: opts.tls.key }, accept);
    await listen(secure, opts.tls.port, opts.host);
  }
  // One gauge per registry: a second endpoint on the same registry (tests) leaves the first one's in place.
  if (opts.metrics && !opts.metrics.registry.getSingleMetric('storeos_mqtt_connections')) {
    addGauge(opts.metrics, 'storeos_mqtt_connections', 'MQTT device connections open on this node', () => broker.connectedClients);
  }
  log.info({ port: portOf(plain), tlsPort: secure ? portOf(secure) : undefined }, 'MQTT device endpoint listening');

  return {
    port: portOf(plain),
    tlsPort: secure ? portOf(secure) : undefined,
    connections,
    async close() {
      const servers = [plain, secure].filter((s): s is net.Server => s !== undefined);
      const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await Promise.all(closed);
    },
  };
}

/** A telemetry message waiting for its commit: its connection, its packet and aedes' callback to let it go on. */
interface TelemetryPublish {
  conn: DeviceConnection;
  packet: PublishPacket;
  release: (err: Error | null) => void;
}

interface AckPersistence {
  outgoingClearMessageId(client: Client, packet: { messageId: number }): Promise<unknown>;
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`MQTT port ${port} is already in use: stop what holds it or set MQTT_PORT/MQTTS_PORT`) : err),
    );
    server.listen(port, host, () => resolve());
  });
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}
