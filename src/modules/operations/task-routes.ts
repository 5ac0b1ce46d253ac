import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { sendFile } from '../files/index.ts';
import { attachedFileParams, errors, fileBytes, idParams, page, pageQuery, text } from '../../kernel/schemas.ts';
import { boardOut, previewOut, sendOut, taskListItem, taskOut, templateOut } from './api-schemas.ts';
import { templateDefinition } from './checklist.ts';
import { getSend, listSends, previewSend, sendBody, sendTask, stopSend } from './distribution.ts';
import { taskStatuses } from './lifecycles.ts';
import { readSettings, settingsBody, writeSettings } from './settings.ts';
import type { Notifier } from './task-clock.ts';
import { assignableStaff, assignTask, decideTask, saveAnswers, submitTask } from './task-actions.ts';
import { approvalQueue, listTasks, storeBoard, taskDetail, taskFile } from './tasks.ts';
import { createTemplate, getTemplate, listTemplates, templateFile, templateKinds, templateVersions, updateTemplate } from './templates.ts';

const tags = ['operations'];
const answersBody = z.record(z.string().max(40), z.unknown()).refine((a) => Object.keys(a).length <= 200, { error: 'at most 200 answers' });
const version = z.number().int().min(1).optional();

/** Task templates, sends, the store board, task execution and approval, and operations settings under /api/v1. */
export function taskRoutes(deps: Deps, notifier: Notifier) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/task-templates',
      {
        schema: {
          tags,
          summary: 'Task and audit templates you may see (yours, and those of the units above you)',
          querystring: z.object({ kind: z.enum(templateKinds).optional(), includeArchived: z.enum(['true', 'false']).optional() }),
          response: { 200: z.object({ data: z.array(templateOut) }), ...errors },
        },
      },
      async (req) => ({ data: await listTemplates(ctxOf(db, req), { kind: req.query.kind, includeArchived: req.query.includeArchived === 'true' }) }),
    );
    app.post(
      '/task-templates',
      {
        schema: {
          tags,
          summary: 'Create a template: checklist items, instructions, estimated minutes, approval, SLA',
          body: z.strictObject({
            orgUnitId: z.string().min(1).max(64),
            kind: z.enum(templateKinds).default('task'),
            name: text(200),
            definition: templateDefinition,
          }),
          response: { 201: templateOut, ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await createTemplate(ctxOf(db, req), req.body)),
    );
    app.get(
      '/task-templates/:id',
      {
        schema: {
          tags,
          summary: 'One template (its current version, or ?version=)',
          params: idParams,
          querystring: z.object({ version: z.coerce.number().int().min(1).optional() }),
          response: { 200: templateOut, ...errors },
        },
      },
      async (req) => getTemplate(ctxOf(db, req), req.params.id, req.query.version),
    );
    app.get(
      '/task-templates/:id/files/:fileId',
      {
        schema: { tags, summary: "An instruction image of a template's versions", params: attachedFileParams, response: { 200: fileBytes, ...errors } },
      },
      async (req, reply) => {
        const { ref, stream } = await templateFile(ctxOf(db, req), req.params.id, req.params.fileId);
        return sendFile(reply, ref, stream);
      },
    );
    app.patch(
      '/task-templates/:id',
      {
        schema: {
          tags,
          summary: 'Change a template; a new definition makes a new version (sent tasks keep theirs)',
          params: idParams,
          body: z.strictObject({ name: text(200).optional(), definition: templateDefinition.optional(), archived: z.boolean().optional(), version }),
          response: { 200: templateOut, ...errors },
        },
      },
      async (req) => updateTemplate(ctxOf(db, req), req.params.id, req.body),
    );
    app.get(
      '/task-templates/:id/versions',
      {
        schema: {
          tags,
          summary: 'The versions of a template, newest first',
          params: idParams,
          response: { 200: z.object({ data: z.array(z.object({ version: z.number(), createdBy: z.string(), createdAt: z.date() })) }), ...errors },
        },
      },
      async (req) => ({ data: await templateVersions(ctxOf(db, req), req.params.id) }),
    );

    app.post(
      '/task-sends/preview',
      {
        schema: {
          tags,
          summary: 'How many stores a send reaches, and the stores it would overload (load guard)',
          body: sendBody,
          response: { 200: previewOut, ...errors },
        },
      },
      async (req) => previewSend(ctxOf(db, req), req.body),
    );
    app.post(
      '/task-sends',
      {
        schema: {
          tags,
          summary: 'Send a template to stores (once, or on an RRULE); 409 with the overloaded stores unless acknowledgeLoad',
          body: sendBody,
          response: { 201: sendOut, ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await sendTask(ctxOf(db, req), req.body)),
    );
    app.get(
      '/task-sends',
      {
        schema: {
          tags,
          summary: 'Sends to units in your scope, newest first',
          querystring: z.object({ limit: pageQuery.limit }),
          response: { 200: z.object({ data: z.array(sendOut) }), ...errors },
        },
      },
      async (req) => ({ data: await listSends(ctxOf(db, req), req.query) }),
    );
    app.get(
      '/task-sends/:id',
      { schema: { tags, summary: 'One send with its tasks counted by state', params: idParams, response: { 200: sendOut, ...errors } } },
      async (req) => getSend(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/task-sends/:id/stop',
      { schema: { tags, summary: 'Stop a recurring send', params: idParams, response: { 200: sendOut, ...errors } } },
      async (req) => stopSend(ctxOf(db, req), req.params.id),
    );

    app.get(
      '/stores/:id/tasks',
      {
        schema: {
          tags,
          summary: "A store's today board: your tasks (or your role's), overdue first",
          params: idParams,
          querystring: z.object({ view: z.enum(['mine', 'all']).default('mine') }),
          response: { 200: boardOut, ...errors },
        },
      },
      async (req) => storeBoard(ctxOf(db, req), req.params.id, req.query.view),
    );
    app.get(
      '/stores/:id/tasks/assignees',
      {
        schema: {
          tags,
          summary: "The store's staff a task can be given to",
          params: idParams,
          response: { 200: z.object({ data: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })) }), ...errors },
        },
      },
      async (req) => ({ data: await assignableStaff(ctxOf(db, req), req.params.id) }),
    );
    app.post(
      '/tasks/:id/assign',
      {
        schema: {
          tags,
          summary: 'Give a task to one person of the store, or back to its role (userId null); store managers',
          params: idParams,
          body: z.strictObject({ userId: z.string().max(64).nullable(), version }),
          response: { 200: taskOut, ...errors },
        },
      },
      async (req) => assignTask(ctxOf(db, req), req.params.id, req.body, notifier),
    );
    app.get(
      '/tasks',
      {
        schema: {
          tags,
          summary: 'Tasks of stores in your scope, by due time',
          querystring: z.object({
            storeId: z.string().max(64).optional(),
            sendId: z.string().max(64).optional(),
            status: z.enum(taskStatuses).optional(),
            ...pageQuery,
          }),
          response: { 200: page(taskListItem), ...errors },
        },
      },
      async (req) => listTasks(ctxOf(db, req), req.query),
    );
    app.get(
      '/tasks/approvals',
      {
        schema: {
          tags,
          summary: 'Submitted tasks you may approve, oldest first',
          querystring: z.object({ limit: pageQuery.limit }),
          response: { 200: z.object({ data: z.array(taskListItem) }), ...errors },
        },
      },
      async (req) => ({ data: await approvalQueue(ctxOf(db, req), req.query) }),
    );
    app.get(
      '/tasks/:id',
      { schema: { tags, summary: 'One task with its checklist and answers', params: idParams, response: { 200: taskOut, ...errors } } },
      async (req) => taskDetail(ctxOf(db, req), req.params.id),
    );
    app.get(
      '/tasks/:id/files/:fileId',
      {
        schema: {
          tags,
          summary: "A task's instruction image, or a photo or signature of its answers",
          params: attachedFileParams,
          response: { 200: fileBytes, ...errors },
        },
      },
      async (req, reply) => {
        const { ref, stream } = await taskFile(ctxOf(db, req), req.params.id, req.params.fileId);
        return sendFile(reply, ref, stream);
      },
    );
    app.put(
      '/tasks/:id/answers',
      {
        schema: {
          tags,
          summary: 'Save answers as a draft (each checked against its item)',
          params: idParams,
          body: z.strictObject({ answers: answersBody, version }),
          response: { 200: taskOut, ...errors },
        },
      },
      async (req) => saveAnswers(ctxOf(db, req), req.params.id, req.body),
    );
    app.post(
      '/tasks/:id/submit',
      {
        schema: {
          tags,
          summary: 'Submit a task: every required item answered',
          params: idParams,
          body: z.strictObject({ answers: answersBody.optional(), version }),
          response: { 200: taskOut, ...errors },
        },
      },
      async (req) => submitTask(ctxOf(db, req), req.params.id, req.body),
    );
    app.post(
      '/tasks/:id/approve',
      {
        schema: {
          tags,
          summary: 'Approve a submitted task (one of two deciding at once gets 409)',
          params: idParams,
          body: z.strictObject({ version }),
          response: { 200: taskOut, ...errors },
        },
      },
      async (req) => decideTask(ctxOf(db, req), req.params.id, { decision: 'approve', version: req.body.version }),
    );
    app.post(
      '/tasks/:id/return',
      {
        schema: {
          tags,
          summary: 'Return a submitted task with a reason, to be worked again',
          params: idParams,
          body: z.strictObject({ reason: text(1000), version }),
          response: { 200: taskOut, ...errors },
        },
      },
      async (req) => decideTask(ctxOf(db, req), req.params.id, { decision: 'return', reason: req.body.reason, version: req.body.version }),
    );

    app.get(
      '/operations/settings',
      { schema: { tags, summary: 'Operations settings (the load guard’s weekly cap)', response: { 200: settingsBody, ...errors } } },
      async (req) => readSettings(ctxOf(db, req)),
    );
    app.put(
      '/operations/settings',
      { schema: { tags, summary: 'Change operations settings (tenant-wide)', body: settingsBody, response: { 200: settingsBody, ...errors } } },
      async (req) => writeSettings(ctxOf(db, req), req.body),
    );
  };
}
