import { DroppedMessage } from './contract.ts';
import type { DeviceState } from './device-state.ts';
import type { DevicesRuntime } from './devices-runtime.ts';

/** A client-side RPC handler: the device asks, the handler answers (what goes back on `.../rpc/response/{id}`). */
export type ClientRpcHandler = (device: DeviceState, params: unknown) => unknown | Promise<unknown>;

const handlers = new Map<string, ClientRpcHandler>();

/** Registers the answer to a client-side RPC method (other modules' flows may add theirs). */
export function onClientRpc(method: string, handler: ClientRpcHandler): void {
  handlers.set(method, handler);
}

/**
 * Answers a device's request `{"method","params"}`. Built in, as ThingsBoard devices expect: `getCurrentTime`
 * (`{"time": ms}`) and `getSessionLimits`; an unknown method is answered `{"error": …}` rather than left to time out.
 */
export async function answerClientRpc(rt: DevicesRuntime, state: DeviceState, request: unknown): Promise<unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    throw new DroppedMessage('invalid_shape', 'a client RPC is {"method": "...", "params": ...}');
  const { method, params } = request as { method?: unknown; params?: unknown };
  if (typeof method !== 'string' || method.length === 0 || method.length > 255) throw new DroppedMessage('invalid_shape', 'method must be a non-empty string');
  if (method === 'getCurrentTime') return { time: Date.now() };
  if (method === 'getSessionLimits') {
    const rate = rt.limits.deviceRate;
    return { maxPayloadSize: rt.limits.maxPayload, rateLimits: rate > 0 ? { messages: `${rate * 2}:1` } : {} };
  }
  const handler = handlers.get(method);
  if (!handler) return { error: `unknown method ${method}` };
  return handler(state, params ?? {});
}
