// The shapes the journeys API answers with (src/modules/marketing/journey-routes.ts, journey-definition.ts).

export type JourneyStatus = 'draft' | 'active' | 'paused' | 'archived';
export const journeyStatuses: readonly JourneyStatus[] = ['draft', 'active', 'paused', 'archived'];

export interface Duration {
  amount: number;
  unit: 'minutes' | 'hours' | 'days';
}

export type ConditionOp = 'eq' | 'neq' | 'contains' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists' | 'not_exists';
export const conditionOps: readonly ConditionOp[] = ['eq', 'neq', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists'];

export interface PropertyCondition {
  property: string;
  op: ConditionOp;
  value?: string | number | boolean | null;
}

export type TriggerKind = 'segment_entered' | 'segment_exited' | 'event';

export interface JourneyTrigger {
  kind: TriggerKind;
  segmentId?: string;
  event?: string;
  where?: PropertyCondition[];
  unless?: { event: string; within: Duration };
}

export type JourneyCondition =
  | { kind: 'trait'; trait: string; op: ConditionOp; value?: string | number | boolean | null }
  | { kind: 'computed_trait'; key: string; op: ConditionOp; value?: string | number | boolean | null }
  | { kind: 'segment'; segmentId: string; member: boolean }
  | { kind: 'event_since_entry'; event: string; where?: PropertyCondition[] };

export type StepType = 'wait' | 'branch' | 'send' | 'set_trait' | 'exit';
export const stepTypes: readonly StepType[] = ['wait', 'branch', 'send', 'set_trait', 'exit'];

export type JourneyStep =
  | { id: string; type: 'wait'; duration?: Duration; untilTime?: string }
  | { id: string; type: 'branch'; condition: JourneyCondition; yes: JourneyStep[]; no: JourneyStep[] }
  | { id: string; type: 'send'; channelId: string; templateId: string }
  | { id: string; type: 'set_trait'; trait: string; value: string | number | boolean | null }
  | { id: string; type: 'exit' };

export type JourneyReentry = { mode: 'once' } | { mode: 'every_time' } | { mode: 'cooldown'; cooldown: Duration };

export interface Journey {
  id: string;
  name: string;
  status: JourneyStatus;
  orgUnitId: string;
  trigger: JourneyTrigger;
  steps: JourneyStep[];
  reentry: JourneyReentry;
  purpose: string;
  quietStart: string;
  quietEnd: string;
  createdAt: string;
  updatedAt: string;
}

export interface StepRun {
  stepId: string;
  outcome: string;
  detail: string | null;
  messageId: string | null;
  at: string;
}

export interface Enrollment {
  id: string;
  journeyId: string;
  journeyName: string;
  profileId: string;
  profileName: string | null;
  status: 'active' | 'completed' | 'exited';
  stepId: string | null;
  stepEnteredAt: string;
  wakeAt: string | null;
  exitReason: string | null;
  enteredAt: string;
  finishedAt: string | null;
  history?: StepRun[];
}

export interface JourneyCounts {
  entered: number;
  active: number;
  completed: number;
  exited: number;
  steps: { stepId: string; now: number; outcomes: Record<string, number> }[];
}
