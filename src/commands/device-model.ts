/**
 * What a simulated device is: the messages it sends, the RPC answers it gives, and the behaviour every kind shares
 * (firmware attributes, faults that start and end, reboot, getStatus). The kinds are in device-kinds.ts.
 */

/** The kinds the simulator plays (the demo seed gives every store one or more of each). */
export const simulatedKinds = ['fridge', 'freezer', 'hvac', 'meter', 'people_counter', 'signage', 'pos'] as const;
export type SimulatedKind = (typeof simulatedKinds)[number];

/** A message a device sends: telemetry values, or a request to drop off the network for a while (a reboot). */
export type DeviceAction = { telemetry: Record<string, number | boolean | string> } | { offlineForMs: number };

/** The answer to an RPC: a result, or an error as ThingsBoard devices report one. */
export type RpcAnswer = { result: Record<string, unknown>; action?: DeviceAction } | { error: string };

/** One simulated device's behaviour. */
export interface DeviceModel {
  readonly kind: SimulatedKind;
  /** The fault going on now, if any (shown in the simulator's summary). */
  fault: string | undefined;
  /** Client attributes published on connect. */
  clientAttributes(): Record<string, unknown>;
  /** Advances the model to `now` and says what to send; `faultChance` is the chance that a fault starts at this step. */
  step(now: number, faultChance: number): DeviceAction[];
  /** Answers a server-side RPC. */
  rpc(method: string, params: unknown): RpcAnswer;
  /** Applies shared attributes pushed by the server (or deletes them). */
  applyShared(values: Record<string, unknown>): void;
}

/** Rounds to `digits` decimals, as devices report. */
export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
/** Uniform noise in ±amplitude. */
export const noise = (amplitude: number) => (Math.random() * 2 - 1) * amplitude;
/** Milliseconds in `n` minutes. */
export const minutes = (n: number) => n * 60_000;
/** A number from RPC params given as a bare number or as `{[key]: number}`. */
export const numberParam = (params: unknown, key: string): number | undefined => {
  const v = typeof params === 'number' ? params : typeof params === 'object' && params !== null ? (params as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/** A fault that lasts until `until` (or until repaired by a reboot). */
export interface Fault {
  name: string;
  until: number;
}

/** Shared machinery of every kind: firmware attributes, fault start and end, reboot, getStatus. */
export abstract class BaseModel implements DeviceModel {
  abstract readonly kind: SimulatedKind;
  protected current: Fault | undefined;
  protected readonly serial = Math.random().toString(36).slice(2, 10).toUpperCase();
  protected firmware = '2.4.1';

  get fault(): string | undefined {
    return this.current?.name;
  }

  clientAttributes(): Record<string, unknown> {
    return { firmwareVersion: this.firmware, model: this.modelName(), serialNumber: this.serial, kind: this.kind };
  }

  step(now: number, faultChance: number): DeviceAction[] {
    if (this.current && now >= this.current.until) this.current = undefined;
    if (!this.current && Math.random() < faultChance) this.current = this.startFault(now);
    return this.report(now);
  }

  rpc(method: string, params: unknown): RpcAnswer {
    if (method === 'getStatus') return { result: { ...this.status(), fault: this.fault ?? null, firmwareVersion: this.firmware } };
    if (method === 'reboot') {
      this.current = undefined;
      return { result: { rebooting: true }, action: { offlineForMs: 5_000 } };
    }
    return this.handle(method, params) ?? { error: `unknown method ${method}` };
  }

  applyShared(values: Record<string, unknown>): void {
    if (typeof values.firmwareVersion === 'string') this.firmware = values.firmwareVersion;
    this.apply(values);
  }

  protected abstract modelName(): string;
  protected abstract startFault(now: number): Fault | undefined;
  protected abstract report(now: number): DeviceAction[];
  protected abstract status(): Record<string, unknown>;
  protected handle(_method: string, _params: unknown): RpcAnswer | undefined {
    return undefined;
  }
  protected apply(_values: Record<string, unknown>): void {}
}
