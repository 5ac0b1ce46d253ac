import { type AlarmRule, alarmRuleList } from './alarm-rules.ts';

/**
 * Alarm rules a new profile of a known kind starts with (the demo seed uses them). The telemetry keys they read are
 * the ones the simulator sends: fridge/freezer `temperature` (°C) and `door` (true while open, sent on change), hvac
 * `power` (kW) and `temperature`, meter `voltage` (V) and `power` (kW), people counter `battery` (%), network `cpu` (%).
 * "Offline" rules read the server attribute `active`, which the devices module sets when a device goes quiet for the
 * profile's inactivity timeout (as ThingsBoard does).
 */

/** The profile kinds that have default rules. */
export const alarmRuleKinds = ['fridge', 'freezer', 'hvac', 'meter', 'people_counter', 'signage', 'pos', 'network'] as const;
export type AlarmRuleKind = (typeof alarmRuleKinds)[number];

const offline = (severity: 'CRITICAL' | 'MAJOR' | 'WARNING', what: string): AlarmRule => ({
  alarmType: 'Device Offline',
  createConditions: { [severity]: { expression: { op: '==', key: 'active', source: 'server', value: false } } },
  clearCondition: { expression: { op: '==', key: 'active', source: 'server', value: true } },
  propagate: true,
  details: `${what} stopped reporting (no heartbeat within the inactivity timeout)`,
});

const doorRules = (minutes: number): AlarmRule[] => [
  {
    alarmType: 'Door Open Too Long',
    createConditions: { MAJOR: { expression: { op: '==', key: 'door', value: true }, spec: { type: 'duration', value: minutes, unit: 'minutes' } } },
    clearCondition: { expression: { op: '==', key: 'door', value: false } },
    propagate: true,
    details: `Door open for more than ${minutes} minutes`,
  },
  {
    alarmType: 'Frequent Door Opening',
    createConditions: {
      WARNING: { expression: { op: '==', key: 'door', value: true }, spec: { type: 'repeating', count: 5, within: { value: 10, unit: 'minutes' } } },
    },
    details: 'Door opened 5 times within 10 minutes',
  },
];

const rules: Record<AlarmRuleKind, () => AlarmRule[]> = {
  fridge: () => [
    {
      alarmType: 'High Temperature',
      createConditions: {
        CRITICAL: { expression: { op: '>', key: 'temperature', value: 12 } },
        // The set point may be tuned per fridge with the server attribute `temperatureMax`.
        MAJOR: {
          expression: { op: '>', key: 'temperature', value: { attribute: 'temperatureMax', scope: 'server', default: 8 } },
          spec: { type: 'duration', value: 10, unit: 'minutes' },
        },
      },
      clearCondition: { expression: { op: '<=', key: 'temperature', value: 7 }, spec: { type: 'duration', value: 2, unit: 'minutes' } },
      propagate: true,
      details: `Fridge at \${temperature} °C`,
    },
    ...doorRules(5),
  ],
  freezer: () => [
    {
      alarmType: 'High Temperature',
      createConditions: {
        CRITICAL: { expression: { op: '>', key: 'temperature', value: -5 } },
        MAJOR: { expression: { op: '>', key: 'temperature', value: -12 }, spec: { type: 'duration', value: 10, unit: 'minutes' } },
      },
      clearCondition: { expression: { op: '<=', key: 'temperature', value: -15 } },
      propagate: true,
      details: `Freezer at \${temperature} °C`,
    },
    ...doorRules(3),
  ],
  hvac: () => [
    {
      alarmType: 'High Power',
      createConditions: {
        CRITICAL: { expression: { op: '>', key: 'power', value: 25 }, spec: { type: 'duration', value: 5, unit: 'minutes' } },
        MAJOR: {
          expression: { op: '>', key: 'power', value: { attribute: 'powerMax', scope: 'server', default: 15 } },
          spec: { type: 'duration', value: 15, unit: 'minutes' },
        },
      },
      clearCondition: { expression: { op: '<', key: 'power', value: 12 }, spec: { type: 'duration', value: 5, unit: 'minutes' } },
      details: `HVAC drawing \${power} kW`,
    },
    {
      alarmType: 'Room Too Warm',
      createConditions: { WARNING: { expression: { op: '>', key: 'temperature', value: 28 }, spec: { type: 'duration', value: 15, unit: 'minutes' } } },
      clearCondition: { expression: { op: '<', key: 'temperature', value: 26 } },
      details: `Sales floor at \${temperature} °C`,
    },
  ],
  meter: () => [
    {
      alarmType: 'Voltage Out Of Range',
      createConditions: {
        CRITICAL: { expression: { op: 'outside', key: 'voltage', min: 180, max: 260 } },
        MAJOR: { expression: { op: 'outside', key: 'voltage', min: 198, max: 242 }, spec: { type: 'duration', value: 1, unit: 'minutes' } },
      },
      clearCondition: { expression: { op: 'between', key: 'voltage', min: 200, max: 240 } },
      propagate: true,
      details: `Supply at \${voltage} V`,
    },
    {
      alarmType: 'Power Over Contract',
      createConditions: {
        MINOR: {
          expression: { op: '>', key: 'power', value: { attribute: 'contractPower', scope: 'server', default: 120 } },
          spec: { type: 'duration', value: 5, unit: 'minutes' },
        },
      },
      clearCondition: { expression: { op: '<=', key: 'power', value: { attribute: 'contractPower', scope: 'server', default: 120 } } },
      details: `Store drawing \${power} kW`,
    },
  ],
  people_counter: () => [
    {
      alarmType: 'Low Battery',
      createConditions: { MINOR: { expression: { op: '<', key: 'battery', value: 5 } }, WARNING: { expression: { op: '<', key: 'battery', value: 15 } } },
      clearCondition: { expression: { op: '>', key: 'battery', value: 20 } },
      details: `Battery at \${battery} %`,
    },
  ],
  signage: () => [
    offline('MAJOR', 'Signage player'),
    {
      alarmType: 'Display Fault',
      createConditions: {
        MAJOR: {
          expression: {
            op: 'or',
            conditions: [
              { op: '==', key: 'status', value: 'error' },
              { op: '==', key: 'status', value: 'no_signal' },
            ],
          },
        },
      },
      clearCondition: { expression: { op: '==', key: 'status', value: 'ok' } },
      details: `Display reports \${status}`,
    },
  ],
  pos: () => [offline('MAJOR', 'POS terminal')],
  network: () => [
    offline('CRITICAL', 'Network device'),
    {
      alarmType: 'High CPU',
      createConditions: { WARNING: { expression: { op: '>', key: 'cpu', value: 90 }, spec: { type: 'duration', value: 10, unit: 'minutes' } } },
      clearCondition: { expression: { op: '<', key: 'cpu', value: 70 } },
      details: `CPU at \${cpu} %`,
    },
  ],
};

/** The default alarm rules for a profile kind (a fresh copy, valid against the rule schema); none for an unknown kind. */
export function defaultAlarmRules(kind: string): AlarmRule[] {
  const make = (rules as Record<string, (() => AlarmRule[]) | undefined>)[kind];
  return make ? alarmRuleList.parse(make()) : [];
}
