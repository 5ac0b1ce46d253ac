/** The devices module: profiles, devices, credentials, telemetry, attributes, RPC, the device APIs and live updates. */
export type { AlarmEngine, DataPoint, DeviceIdentity, DeviceIngress, DeviceOutbound, LiveEvent, LiveFeed, RpcRequest } from './contract.ts';
export { createDevices, type Devices, type DevicesOptions } from './create-devices.ts';
export { demoDeviceToken, demoDeviceTemplates, seedDemoDevices } from './demo-devices.ts';
export { findDeviceInScope, insertDevices, type NewDevice, rewriteDevicePaths } from './devices.ts';
export { alarmRuleList, type AlarmSeverity, alarmSeverities, severityRank } from './alarm-rules.ts';
export { onClientRpc } from './client-rpc.ts';
export { deviceProfiles, devices } from './schema.ts';
export { openAlarmsOf, rewriteAlarmPaths } from './alarms.ts';
export { readLatestValues } from './latest-reads.ts';
