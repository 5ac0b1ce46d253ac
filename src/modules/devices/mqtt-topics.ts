/** The ThingsBoard device API topics the MQTT endpoint speaks, exactly as ThingsBoard names them. */
export const topics = {
  telemetry: 'v1/devices/me/telemetry',
  attributes: 'v1/devices/me/attributes',
  attributesRequest: 'v1/devices/me/attributes/request/',
  attributesResponse: 'v1/devices/me/attributes/response/',
  rpcRequest: 'v1/devices/me/rpc/request/',
  rpcResponse: 'v1/devices/me/rpc/response/',
  gatewayConnect: 'v1/gateway/connect',
  gatewayDisconnect: 'v1/gateway/disconnect',
  gatewayTelemetry: 'v1/gateway/telemetry',
  gatewayAttributes: 'v1/gateway/attributes',
  gatewayAttributesRequest: 'v1/gateway/attributes/request',
  gatewayAttributesResponse: 'v1/gateway/attributes/response',
  gatewayRpc: 'v1/gateway/rpc',
  provisionRequest: '/provision/request',
  provisionResponse: '/provision/response',
} as const;

/** What a device publishes: the kind of message, and the request id a topic carries. */
export type DeviceTopic =
  | { kind: 'telemetry' | 'attributes' }
  | { kind: 'attributesRequest' | 'rpcReply' | 'rpcRequest'; id: number }
  | { kind: 'gatewayConnect' | 'gatewayDisconnect' | 'gatewayTelemetry' | 'gatewayAttributes' | 'gatewayAttributesRequest' | 'gatewayRpc' }
  | { kind: 'forbidden' | 'unknown' };

const gatewayTopics = new Map<string, DeviceTopic>([
  [topics.gatewayConnect, { kind: 'gatewayConnect' }],
  [topics.gatewayDisconnect, { kind: 'gatewayDisconnect' }],
  [topics.gatewayTelemetry, { kind: 'gatewayTelemetry' }],
  [topics.gatewayAttributes, { kind: 'gatewayAttributes' }],
  [topics.gatewayAttributesRequest, { kind: 'gatewayAttributesRequest' }],
  [topics.gatewayRpc, { kind: 'gatewayRpc' }],
]);

// Topics only the server publishes on: a device writing there is refused, not unknown.
const serverTopics = [topics.attributesResponse, topics.gatewayAttributesResponse, topics.provisionResponse];

/** A request id on a topic: ThingsBoard uses non-negative integers. */
function requestId(topic: string, prefix: string): number | undefined {
  const rest = topic.slice(prefix.length);
  if (!/^\d{1,15}$/.test(rest)) return undefined;
  return Number(rest);
}

/** Classifies a topic a device published on; gateway topics only for gateways. */
export function classifyPublish(topic: string, isGateway: boolean): DeviceTopic {
  if (topic === topics.telemetry) return { kind: 'telemetry' };
  if (topic === topics.attributes) return { kind: 'attributes' };
  for (const [prefix, kind] of [
    [topics.attributesRequest, 'attributesRequest'],
    [topics.rpcResponse, 'rpcReply'],
    [topics.rpcRequest, 'rpcRequest'],
  ] as const) {
    if (topic.startsWith(prefix)) {
      const id = requestId(topic, prefix);
      return id === undefined ? { kind: 'unknown' } : { kind, id };
    }
  }
  const gateway = gatewayTopics.get(topic);
  if (gateway) return isGateway ? gateway : { kind: 'forbidden' };
  if (topic.startsWith('v1/devices/') || topic.startsWith('v1/gateway/') || serverTopics.some((t) => topic.startsWith(t))) return { kind: 'forbidden' };
  return { kind: 'unknown' };
}

/** The filters a device may subscribe to (ThingsBoard accepts exactly these; anything else gets SUBACK 0x80). */
const deviceFilters = new Set<string>([topics.attributes, `${topics.attributesResponse}+`, `${topics.rpcRequest}+`, `${topics.rpcResponse}+`]);
const gatewayFilters = new Set<string>([topics.gatewayAttributes, topics.gatewayAttributesResponse, topics.gatewayRpc]);
const provisionFilters = new Set<string>([topics.provisionResponse]);

/** Whether a connection of this kind may subscribe to the filter: only its own topics, never another device's. */
export function maySubscribe(filter: string, session: 'device' | 'gateway' | 'provision'): boolean {
  if (session === 'provision') return provisionFilters.has(filter);
  if (deviceFilters.has(filter)) return true;
  // A device may also wait on one response id, as some firmware does.
  if (filter.startsWith(topics.attributesResponse) && requestId(filter, topics.attributesResponse) !== undefined) return true;
  if (filter.startsWith(topics.rpcResponse) && requestId(filter, topics.rpcResponse) !== undefined) return true;
  return session === 'gateway' && gatewayFilters.has(filter);
}

/** Whether a subscription (MQTT filter, possibly with `+`) covers the topic a message goes out on. */
export function filterMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  if (!filter.endsWith('/+')) return false;
  const prefix = filter.slice(0, -1);
  return topic.startsWith(prefix) && topic.indexOf('/', prefix.length) === -1;
}
