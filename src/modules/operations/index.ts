/** The operations module: task templates and checklists, distribution to stores, execution and approval, SLA escalation, audits, corrective actions, reports. */
export { createOperations, type Operations } from './create-operations.ts';
export { runTaskClock, type Notifier } from './task-clock.ts';
export { materialiseRecurrences } from './materialise.ts';
export { auditScoreReport, complianceReport } from './reports.ts';
export { audits, correctiveActions, taskInstances, taskSends, taskTemplates, taskTemplateVersions } from './schema.ts';
