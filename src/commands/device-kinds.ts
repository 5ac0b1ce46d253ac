import {
  BaseModel,
  type DeviceAction,
  type DeviceModel,
  type Fault,
  minutes,
  noise,
  numberParam,
  type RpcAnswer,
  round,
  type SimulatedKind,
} from './device-model.ts';

/**
 * How each simulated device kind behaves: the telemetry it reports (the keys the default alarm rules read, see
 * alarm-defaults.ts), the faults it runs into now and then, the RPC methods it answers and the shared attributes it
 * applies. Pure state machines driven by the clock, so they can be tested without a network.
 */

export { type DeviceAction, type DeviceModel, type SimulatedKind, simulatedKinds } from './device-model.ts';

/** A fridge (or, with other numbers, a freezer): temperature around its set point, door openings, compressor faults. */
class ColdCabinet extends BaseModel {
  readonly kind: 'fridge' | 'freezer';
  private temperature: number;
  private setpoint: number;
  private doorOpen = false;
  private reportedDoor = false;
  private doorClosesAt = 0;
  private compressor = true;
  private lastAt = 0;

  constructor(kind: 'fridge' | 'freezer') {
    super();
    this.kind = kind;
    this.setpoint = kind === 'fridge' ? 4 : -18;
    this.temperature = this.setpoint + noise(0.5);
  }

  protected modelName() {
    return this.kind === 'fridge' ? 'Haier SC-340 display fridge' : 'Aucma BD-520 chest freezer';
  }

  protected startFault(now: number): Fault {
    // Half of the faults: the compressor fails and the cabinet warms up; the other half: a door left open.
    if (Math.random() < 0.5) return { name: 'warming up', until: now + minutes(20 + Math.random() * 20) };
    this.doorOpen = true;
    this.doorClosesAt = now + minutes(6 + Math.random() * 4);
    return { name: 'door left open', until: this.doorClosesAt };
  }

  protected report(now: number): DeviceAction[] {
    const actions: DeviceAction[] = [];
    const minutesPassed = this.lastAt === 0 ? 1 / 60 : Math.min(10, (now - this.lastAt) / 60_000);
    this.lastAt = now;
    if (this.doorOpen && now >= this.doorClosesAt) this.doorOpen = false;
    if (!this.doorOpen && !this.current && Math.random() < 0.02) {
      this.doorOpen = true;
      this.doorClosesAt = now + 10_000 + Math.random() * 40_000;
    }
    // The door is reported when it changes, as the alarm rules expect.
    if (this.doorOpen !== this.reportedDoor) {
      this.reportedDoor = this.doorOpen;
      actions.push({ telemetry: { door: this.doorOpen } });
    }
    const warming = this.current?.name === 'warming up';
    this.compressor = !warming && this.temperature > this.setpoint - 0.5;
    // °C per minute: a failed compressor warms the cabinet past the alarm thresholds within a quarter of an hour.
    const drift = warming ? 0.6 : this.doorOpen ? 0.4 : this.compressor ? -0.5 : 0.1;
    const ceiling = this.kind === 'fridge' ? 16 : -2;
    this.temperature = Math.min(ceiling, Math.max(this.setpoint - 1.5, this.temperature + drift * minutesPassed + noise(0.05)));
    const power = this.compressor ? (this.kind === 'fridge' ? 0.35 : 0.55) + noise(0.03) : 0.02;
    actions.push({ telemetry: { temperature: round(this.temperature), compressor: this.compressor, power: round(power, 2) } });
    return actions;
  }

  protected status() {
    return { temperature: round(this.temperature), setpoint: this.setpoint, door: this.doorOpen, compressor: this.compressor };
  }

  protected handle(method: string, params: unknown): RpcAnswer | undefined {
    if (method === 'setSetpoint') {
      const v = numberParam(params, 'value');
      const [min, max] = this.kind === 'fridge' ? [0, 10] : [-30, -10];
      if (v === undefined || v < min || v > max) return { error: `setpoint must be a number from ${min} to ${max}` };
      this.setpoint = v;
      return { result: { setpoint: v } };
    }
    if (method === 'defrost' && this.kind === 'freezer') return { result: { defrosting: true } };
    return undefined;
  }

  protected apply(values: Record<string, unknown>) {
    const v = numberParam(values, 'setpoint');
    if (v !== undefined) this.setpoint = v;
  }
}

/** A rooftop HVAC unit: room temperature follows the set point, power follows the load; faults draw too much. */
class Hvac extends BaseModel {
  readonly kind = 'hvac' as const;
  private setpoint = 24;
  private room = 24 + noise(1);
  private mode: 'cool' | 'heat' | 'off' = 'cool';

  protected modelName() {
    return 'Gree GMV-280 rooftop unit';
  }
  protected startFault(now: number): Fault {
    return { name: 'power surge', until: now + minutes(8 + Math.random() * 10) };
  }
  protected report(): DeviceAction[] {
    const outside = 31;
    const target = this.mode === 'off' ? outside : this.setpoint;
    this.room += (target - this.room) * 0.05 + noise(0.1);
    const load = this.mode === 'off' ? 0 : Math.max(0, Math.abs(outside - this.setpoint)) * 1.1 + 2;
    const power = this.current ? 27 + noise(2) : load + noise(0.8);
    return [{ telemetry: { temperature: round(this.room), setpoint: this.setpoint, power: round(Math.max(0, power), 2) } }];
  }
  protected status() {
    return { temperature: round(this.room), setpoint: this.setpoint, mode: this.mode };
  }
  protected handle(method: string, params: unknown): RpcAnswer | undefined {
    if (method === 'setSetpoint') {
      const v = numberParam(params, 'value');
      if (v === undefined || v < 16 || v > 30) return { error: 'setpoint must be a number from 16 to 30' };
      this.setpoint = v;
      return { result: { setpoint: v } };
    }
    if (method === 'setMode') {
      const mode = typeof params === 'object' && params !== null ? (params as Record<string, unknown>).mode : params;
      if (mode !== 'cool' && mode !== 'heat' && mode !== 'off') return { error: 'mode must be cool, heat or off' };
      this.mode = mode;
      return { result: { mode } };
    }
    return undefined;
  }
  protected apply(values: Record<string, unknown>) {
    const v = numberParam(values, 'setpoint');
    if (v !== undefined) this.setpoint = v;
  }
}

/** A store's electricity meter: cumulative kWh, power by the time of day, and a voltage that sags now and then. */
class Meter extends BaseModel {
  readonly kind = 'meter' as const;
  private energy = 100_000 + Math.random() * 50_000;
  private last = Date.now();

  protected modelName() {
    return 'Chint DTSU666 three-phase meter';
  }
  protected startFault(now: number): Fault {
    return { name: Math.random() < 0.7 ? 'voltage sag' : 'voltage spike', until: now + minutes(2 + Math.random() * 3) };
  }
  protected report(now: number): DeviceAction[] {
    const hour = new Date(now).getHours();
    const open = hour >= 9 && hour < 22;
    const power = (open ? 60 : 18) + noise(open ? 10 : 3);
    this.energy += (power * (now - this.last)) / 3_600_000;
    this.last = now;
    const voltage = this.current?.name === 'voltage sag' ? 192 + noise(4) : this.current ? 266 + noise(3) : 221 + noise(3);
    return [{ telemetry: { energy: round(this.energy, 3), power: round(power, 2), voltage: round(voltage) } }];
  }
  protected status() {
    return { energy: round(this.energy, 3) };
  }
}

/** A door people counter: visitors in and out since the last report, and a battery that runs down. */
class PeopleCounter extends BaseModel {
  readonly kind = 'people_counter' as const;
  private battery = 40 + Math.random() * 60;

  protected modelName() {
    return 'Hikvision DS-2CD6825G0 counter';
  }
  protected startFault(now: number): Fault {
    this.battery = Math.min(this.battery, 16);
    return { name: 'battery running out', until: now + minutes(30) };
  }
  protected report(now: number): DeviceAction[] {
    const hour = new Date(now).getHours();
    const busy = hour >= 10 && hour < 21 ? 6 : 0.5;
    const visitors = Math.max(0, Math.round(busy + noise(busy)));
    this.battery = Math.max(0, this.battery - (this.current ? 0.5 : 0.002));
    return [{ telemetry: { in: visitors, out: Math.max(0, visitors + Math.round(noise(1))), battery: round(this.battery) } }];
  }
  protected status() {
    return { battery: round(this.battery) };
  }
  protected handle(method: string): RpcAnswer | undefined {
    if (method === 'replaceBattery') {
      this.battery = 100;
      this.current = undefined;
      return { result: { battery: 100 } };
    }
    return undefined;
  }
}

/** A digital signage player: heartbeat with uptime and temperature; now and then no signal on its display. */
class Signage extends BaseModel {
  readonly kind = 'signage' as const;
  private bootedAt = Date.now();
  private playlist = 'default';
  private brightness = 80;

  protected modelName() {
    return 'BOE 55" signage player';
  }
  protected startFault(now: number): Fault {
    return { name: 'no signal', until: now + minutes(5 + Math.random() * 10) };
  }
  protected report(now: number): DeviceAction[] {
    const status = this.current ? 'no_signal' : 'ok';
    return [{ telemetry: { status, uptime: Math.round((now - this.bootedAt) / 1000), cpuTemp: round(52 + noise(4)) } }];
  }
  protected status() {
    return { playlist: this.playlist, brightness: this.brightness };
  }
  protected handle(method: string, params: unknown): RpcAnswer | undefined {
    if (method === 'setPlaylist') {
      const playlist = typeof params === 'object' && params !== null ? (params as Record<string, unknown>).playlist : params;
      if (typeof playlist !== 'string' || playlist.length === 0) return { error: 'playlist must be a name' };
      this.playlist = playlist;
      return { result: { playlist } };
    }
    return undefined;
  }
  rpc(method: string, params: unknown): RpcAnswer {
    if (method === 'reboot') this.bootedAt = Date.now() + 5_000;
    return super.rpc(method, params);
  }
  protected apply(values: Record<string, unknown>) {
    if (typeof values.playlist === 'string') this.playlist = values.playlist;
    const b = numberParam(values, 'brightness');
    if (b !== undefined) this.brightness = b;
  }
}

/** A POS terminal: status and sales count; a fault takes it off the network long enough to be reported offline. */
class Pos extends BaseModel {
  readonly kind = 'pos' as const;
  private transactions = 0;
  private offlineSent = false;

  protected modelName() {
    return 'Sunmi T2s POS';
  }
  protected startFault(now: number): Fault {
    this.offlineSent = false;
    return { name: 'network down', until: now + minutes(12) };
  }
  protected report(now: number): DeviceAction[] {
    if (this.current && !this.offlineSent) {
      this.offlineSent = true;
      return [{ offlineForMs: this.current.until - now }];
    }
    const hour = new Date(now).getHours();
    this.transactions += hour >= 10 && hour < 21 ? Math.round(Math.random() * 3) : 0;
    return [{ telemetry: { status: 'ok', transactions: this.transactions, paperLow: Math.random() < 0.01 } }];
  }
  protected status() {
    return { transactions: this.transactions };
  }
}

/** A fresh model of the kind. */
export function createModel(kind: SimulatedKind): DeviceModel {
  switch (kind) {
    case 'fridge':
    case 'freezer':
      return new ColdCabinet(kind);
    case 'hvac':
      return new Hvac();
    case 'meter':
      return new Meter();
    case 'people_counter':
      return new PeopleCounter();
    case 'signage':
      return new Signage();
    case 'pos':
      return new Pos();
  }
}
