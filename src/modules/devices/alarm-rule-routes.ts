import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams } from '../../kernel/schemas.ts';
import { exportAlarmRules, importAlarmRules, testDraftRules, testProfileRules } from './alarm-rule-profiles.ts';
import { alarmRuleList, alarmRulesDocument, alarmSeverities, conditionSpec, keySources } from './alarm-rules.ts';

const exported = z.object({
  format: z.literal('storeos.alarm-rules/v1'),
  profile: z.object({ id: z.string(), name: z.string(), kind: z.string() }),
  exportedAt: z.string(),
  rules: z.array(z.unknown()).describe('The rules, in the format of PUT (see docs/alarms.md)'),
});

const sampleValue = z.union([z.number(), z.boolean(), z.string().max(2000), z.record(z.string(), z.unknown()), z.array(z.unknown())]);
const sampleMap = z.record(z.string().min(1).max(100), sampleValue);
const testSample = {
  telemetry: z
    .array(z.strictObject({ ts: z.number().int().min(0), values: sampleMap }))
    .min(1)
    .max(1000)
    .describe('Telemetry messages as devices send them with a time: [{"ts": 1700000000000, "values": {"temperature": 9.1}}]'),
  attributes: z.strictObject({ client: sampleMap.optional(), server: sampleMap.optional(), shared: sampleMap.optional() }).optional(),
  until: z.number().int().min(0).optional().describe('Keep the clock running to this time (ms) after the last message: durations that come due fire'),
};

type Explain = {
  text: string;
  result: boolean;
  key?: string;
  source?: string;
  actual?: unknown;
  expected?: unknown;
  min?: unknown;
  max?: unknown;
  children?: Explain[];
};
const explainNode: z.ZodType<Explain> = z.object({
  text: z.string(),
  result: z.boolean(),
  key: z.string().optional(),
  source: z.enum(keySources).optional(),
  actual: z.unknown().optional(),
  expected: z.unknown().optional(),
  min: z.unknown().optional(),
  max: z.unknown().optional(),
  get children() {
    return z.array(explainNode).optional();
  },
});
const severityOrClear = z.enum([...alarmSeverities, 'clear']);
const testReport = z.object({
  rules: z.array(
    z.object({
      alarmType: z.string(),
      conditions: z.array(
        z.object({
          severity: severityOrClear,
          expression: z.string(),
          spec: conditionSpec,
          fired: z.boolean(),
          firstFiredAt: z.number().nullable(),
          pending: z.object({ since: z.number(), firesAt: z.number() }).nullable(),
          evaluations: z.array(
            z.object({
              ts: z.number(),
              trigger: z.enum(['data', 'timer']),
              matched: z.boolean(),
              fires: z.boolean(),
              heldMs: z.number().optional(),
              firesAt: z.number().optional(),
              count: z.number().optional(),
              explain: explainNode,
            }),
          ),
        }),
      ),
      timeline: z.array(
        z.object({
          ts: z.number(),
          change: z.enum(['created', 'severity_changed', 'cleared']),
          severity: z.enum(alarmSeverities),
          trigger: z.enum(['data', 'timer']),
        }),
      ),
      finalAlarm: z.object({ severity: z.enum(alarmSeverities) }).nullable(),
    }),
  ),
});

function fileName(profileName: string): string {
  const slug = profileName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  return `${slug || 'profile'}-alarm-rules.json`;
}

/** Import, export and the test bench of a profile's alarm rules, under /api/v1. */
export function alarmRuleRoutes(deps: Deps) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/device-profiles/:id/alarm-rules',
      { schema: { tags: ['alarms'], summary: "Export a profile's alarm rules as a JSON file", params: idParams, response: { 200: exported, ...errors } } },
      async (req, reply) => {
        const doc = await exportAlarmRules(ctxOf(db, req), req.params.id);
        reply.header('content-disposition', `attachment; filename="${fileName(doc.profile.name)}"`);
        return doc;
      },
    );
    app.put(
      '/device-profiles/:id/alarm-rules',
      {
        schema: {
          tags: ['alarms'],
          summary: "Import (replace) a profile's alarm rules",
          description:
            'Takes the document GET answers (or just `{"rules": [...]}`). A bad rule answers 400 naming its path, e.g. `body.rules.0.createConditions.MAJOR.expression.op`.',
          params: idParams,
          body: alarmRulesDocument,
          response: { 200: exported, ...errors },
        },
      },
      async (req) => importAlarmRules(ctxOf(db, req), req.params.id, req.body),
    );
    app.post(
      '/device-profiles/:id/alarm-rules/test',
      {
        schema: {
          tags: ['alarms'],
          summary: "Test a profile's alarm rules against sample telemetry",
          description: 'Runs the sample through the stored rules (or `rules` from the body, unsaved) and explains every evaluation.',
          params: idParams,
          body: z.strictObject({ ...testSample, rules: alarmRuleList.optional() }),
          response: { 200: testReport, ...errors },
        },
      },
      async (req) => ({ rules: await testProfileRules(ctxOf(db, req), req.params.id, req.body) }),
    );
    app.post(
      '/alarm-rules/test',
      {
        schema: {
          tags: ['alarms'],
          summary: 'Test alarm rules given in the body against sample telemetry (nothing is saved)',
          body: z.strictObject({ ...testSample, rules: alarmRuleList }),
          response: { 200: testReport, ...errors },
        },
      },
      async (req) => ({ rules: testDraftRules(ctxOf(db, req), req.body.rules, req.body) }),
    );
  };
}
