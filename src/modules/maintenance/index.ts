/** The maintenance module: assets, QR request form, work orders, SLAs and escalation, preventive maintenance, reports. */
export { type AlarmFacts, alarmClearedForWorkOrders, workOrderForAlarm } from './alarm-work-orders.ts';
export { seedBenchWorkOrders } from './bench-seed.ts';
export { createMaintenance, type Maintenance } from './create-maintenance.ts';
export { escalateWorkOrders } from './escalation.ts';
export { rewriteMaintenancePaths } from './org-paths.ts';
export { runPreventiveMaintenance } from './pm-run.ts';
export { assets, workOrders } from './schema.ts';
