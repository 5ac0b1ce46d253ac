import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery, text } from '../../kernel/schemas.ts';
import { fileRefSchema } from '../files/index.ts';
import { getWorkOrder, listWorkOrders, workOrderBoard } from './work-order-queries.ts';
import { priorities, workOrderStatuses } from './work-order-states.ts';
import { addWorkOrderNote, createWorkOrder, transitionWorkOrder, updateWorkOrder } from './work-orders.ts';
import type { WorkOrderRow } from './work-order-open.ts';

const id = z.string().min(1).max(64);
const card = z.object({
  id: z.string(),
  storeId: z.string(),
  storeName: z.string(),
  assetId: z.string().nullable(),
  assetName: z.string().nullable(),
  title: z.string(),
  priority: z.string(),
  status: z.enum(workOrderStatuses),
  source: z.string(),
  assigneeUserId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  contractorId: z.string().nullable(),
  contractorName: z.string().nullable(),
  dueAt: z.date().nullable(),
  responseDueAt: z.date().nullable(),
  resolutionDueAt: z.date().nullable(),
  escalationLevel: z.number(),
  version: z.number(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const checklistItem = z.strictObject({ id: z.string().min(1).max(20), label: text(200), done: z.boolean() });
const part = z.strictObject({ name: text(120), partNumber: z.string().trim().max(60).nullable().optional(), quantity: z.number().positive().max(100_000) });
const workOrder = z.object({
  id: z.string(),
  storeId: z.string(),
  assetId: z.string().nullable(),
  title: z.string(),
  description: z.string().nullable(),
  priority: z.string(),
  status: z.enum(workOrderStatuses),
  assigneeUserId: z.string().nullable(),
  contractorId: z.string().nullable(),
  checklist: z.array(z.object({ id: z.string(), label: z.string(), done: z.boolean() })),
  timeSpentMinutes: z.number(),
  parts: z.array(z.object({ name: z.string(), partNumber: z.string().nullable().optional(), quantity: z.number() })),
  photoIds: z.array(z.string()),
  signatureFileId: z.string().nullable(),
  source: z.string(),
  requestId: z.string().nullable(),
  alarmType: z.string().nullable(),
  alarmId: z.string().nullable(),
  pmScheduleId: z.string().nullable(),
  dueAt: z.date().nullable(),
  responseDueAt: z.date().nullable(),
  resolutionDueAt: z.date().nullable(),
  acknowledgedAt: z.date().nullable(),
  completedAt: z.date().nullable(),
  closedAt: z.date().nullable(),
  escalationLevel: z.number(),
  escalatedAt: z.date().nullable(),
  version: z.number(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const detail = workOrder.extend({
  orgUnitId: z.string(),
  storeName: z.string(),
  assetName: z.string().nullable(),
  assigneeName: z.string().nullable(),
  contractorName: z.string().nullable(),
  photos: z.array(fileRefSchema),
  signature: fileRefSchema.nullable(),
  allowedTransitions: z.array(z.enum(workOrderStatuses)),
  history: z.array(
    z.object({
      at: z.date(),
      actorLabel: z.string(),
      action: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      note: z.string().nullable(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});
const filters = {
  storeId: id.optional(),
  assetId: id.optional(),
  priority: z.enum(priorities).optional(),
  assigneeUserId: id.optional(),
  mine: z.enum(['true', 'false']).optional(),
};

/** A work order as the API answers a change: without its tenant and path. */
function shown(row: WorkOrderRow) {
  const { tenantId: _t, orgPath: _p, orgUnitId: _u, createdBy: _c, ...rest } = row;
  return rest;
}

/** Work orders: list, board, detail, create, change, transitions, notes — under /api/v1/work-orders. */
export function workOrderRoutes(deps: Deps) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/work-orders',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Work orders in your scope, newest first',
          querystring: z.object({ status: z.enum(workOrderStatuses).optional(), ...filters, ...pageQuery }),
          response: { 200: page(card), ...errors },
        },
      },
      async (req) => listWorkOrders(ctxOf(db, req), { ...req.query, mine: req.query.mine === 'true' }),
    );
    app.get(
      '/work-orders/board',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'The work-order board: each state with its count and newest cards',
          querystring: z.object({ ...filters, perColumn: z.coerce.number().int().min(1).max(100).default(30) }),
          response: {
            200: z.object({ columns: z.array(z.object({ status: z.enum(workOrderStatuses), count: z.number(), items: z.array(card) })) }),
            ...errors,
          },
        },
      },
      async (req) => workOrderBoard(ctxOf(db, req), { ...req.query, mine: req.query.mine === 'true' }),
    );
    app.get(
      '/work-orders/:id',
      { schema: { tags: ['maintenance'], summary: 'One work order with its history', params: idParams, response: { 200: detail, ...errors } } },
      async (req) => getWorkOrder(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/work-orders',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Open a work order',
          body: z.strictObject({
            storeId: id,
            assetId: id.nullable().optional(),
            title: text(200),
            description: z.string().trim().max(4000).nullable().optional(),
            priority: z.enum(priorities),
            assigneeUserId: id.nullable().optional(),
            contractorId: id.nullable().optional(),
            checklist: z.array(text(200)).max(100).optional(),
            photoIds: z.array(id).max(20).optional(),
            dueAt: z.coerce.date().nullable().optional(),
          }),
          response: { 201: workOrder, ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(shown(await createWorkOrder(ctxOf(db, req), req.body))),
    );
    app.patch(
      '/work-orders/:id',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Change a work order; send the version you saw (409 when someone changed it since)',
          params: idParams,
          body: z.strictObject({
            version: z.number().int().positive().optional(),
            title: text(200).optional(),
            description: z.string().trim().max(4000).nullable().optional(),
            priority: z.enum(priorities).optional(),
            assigneeUserId: id.nullable().optional(),
            contractorId: id.nullable().optional(),
            checklist: z.array(checklistItem).max(100).optional(),
            timeSpentMinutes: z.number().int().min(0).max(100_000).optional(),
            parts: z.array(part).max(100).optional(),
            photoIds: z.array(id).max(20).optional(),
          }),
          response: { 200: workOrder, ...errors },
        },
      },
      async (req) => shown(await updateWorkOrder(ctxOf(db, req), req.params.id, req.body)),
    );
    app.post(
      '/work-orders/:id/transitions',
      {
        schema: {
          tags: ['maintenance'],
          summary: 'Move a work order (OPEN → IN_PROGRESS ⇄ ON_HOLD → COMPLETE, or CANCELLED); 409 lists the allowed moves',
          params: idParams,
          body: z.strictObject({
            to: z.enum(workOrderStatuses),
            version: z.number().int().positive().optional(),
            note: z.string().trim().max(2000).optional(),
            signatureFileId: id.optional(),
          }),
          response: { 200: workOrder, ...errors },
        },
      },
      async (req) => shown(await transitionWorkOrder(ctxOf(db, req), req.params.id, req.body)),
    );
    app.post(
      '/work-orders/:id/notes',
      {
        schema: {
          tags: ['maintenance'],
          summary: "Add a note (and photos) to a work order's history",
          params: idParams,
          body: z.strictObject({ text: text(2000), photoIds: z.array(id).max(20).optional() }),
          response: { 200: workOrder, ...errors },
        },
      },
      async (req) => shown(await addWorkOrderNote(ctxOf(db, req), req.params.id, req.body)),
    );
  };
}
