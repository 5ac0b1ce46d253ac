import { expressionText, type Facts } from './alarm-rule-eval.ts';
import type { AlarmSeverity } from './alarm-rules.ts';
import type { CompiledRule } from './alarm-rule-state.ts';
import type { AlarmDetails } from './alarms-schema.ts';

/** What an alarm keeps of the moment it fired or cleared: the rule's text with values filled in, the condition, the values. */
export function alarmDetailsOf(rule: CompiledRule, which: AlarmSeverity | 'clear', facts: Facts): AlarmDetails {
  const values: Record<string, unknown> = {};
  for (const k of rule.telemetryKeys) if (facts.telemetry.has(k)) values[k] = facts.telemetry.get(k);
  for (const k of rule.attributeKeys) {
    if (k in values) continue; // a telemetry key of the same name is what the rule compared
    const v = facts.server.get(k) ?? facts.shared.get(k) ?? facts.client.get(k);
    if (v !== undefined) values[k] = v;
  }
  const condition = which === 'clear' ? rule.clear : rule.create.find((c) => c.severity === which);
  const message = rule.rule.details?.replace(/\$\{([^}]+)\}/g, (_m, key: string) => (key in values ? String(values[key]) : '?'));
  return { ...(message ? { message } : {}), ...(condition ? { condition: expressionText(condition.condition.expression) } : {}), values };
}
