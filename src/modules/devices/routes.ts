import { z } from 'zod';
import { ctxOf, type Deps } from '../../kernel/context.ts';
import type { HttpApp } from '../../kernel/http.ts';
import { errors, idParams, page, pageQuery } from '../../kernel/schemas.ts';
import { getCredentials, revokeCredentials, rotateCredentials, setCredentials } from './credentials.ts';
import { createDeviceBody, credentialsBody, deviceFilters, profileBody, profilePatch, updateDeviceBody } from './device-input.ts';
import { listDevices, listStoreDevices } from './device-list.ts';
import { credentialsOut, deviceDetailOut, deviceOut, profileOut } from './device-output.ts';
import { createDevice, deleteDevice, findDeviceInScope, updateDevice } from './devices.ts';
import type { DevicesRuntime } from './devices-runtime.ts';
import { deviceDetail } from './device-views.ts';
import { createProfile, deleteProfile, getProfile, listProfiles, updateProfile } from './profiles.ts';

const tags = ['devices'];
const online = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

/** Device profiles, devices, credentials and a store's devices, for people, under /api/v1. */
export function deviceRoutes(deps: Deps, rt: DevicesRuntime) {
  const { db } = deps;
  return async (app: HttpApp) => {
    app.get(
      '/device-profiles',
      { schema: { tags, summary: 'Device profiles of the tenant', querystring: z.object(pageQuery), response: { 200: page(profileOut), ...errors } } },
      async (req) => listProfiles(ctxOf(db, req), req.query),
    );
    app.get(
      '/device-profiles/:id',
      { schema: { tags, summary: 'One device profile', params: idParams, response: { 200: profileOut, ...errors } } },
      async (req) => getProfile(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/device-profiles',
      { schema: { tags, summary: 'Create a device profile (tenant-wide, devices:profiles)', body: profileBody, response: { 201: profileOut, ...errors } } },
      async (req, reply) => reply.status(201).send(await createProfile(ctxOf(db, req), rt, req.body)),
    );
    app.patch(
      '/device-profiles/:id',
      { schema: { tags, summary: 'Change a device profile', params: idParams, body: profilePatch, response: { 200: profileOut, ...errors } } },
      async (req) => updateProfile(ctxOf(db, req), rt, req.params.id, req.body),
    );
    app.delete(
      '/device-profiles/:id',
      { schema: { tags, summary: 'Delete a device profile no device uses', params: idParams, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await deleteProfile(ctxOf(db, req), req.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/devices',
      {
        schema: {
          tags,
          summary: 'Devices in your scope',
          querystring: z.object({ ...deviceFilters, ...pageQuery }),
          response: { 200: page(deviceOut), ...errors },
        },
      },
      async (req) => listDevices(ctxOf(db, req), rt, { ...req.query, online: online(req.query.online) }),
    );
    app.post(
      '/devices',
      {
        schema: {
          tags,
          summary: 'Create a device in a store; answers its access token this once',
          body: createDeviceBody,
          response: { 201: deviceDetailOut.extend({ accessToken: z.string() }), ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(await createDevice(ctxOf(db, req), rt, req.body)),
    );
    app.get(
      '/devices/:id',
      {
        schema: {
          tags,
          summary: 'A device with latest values, online state, last activity and dropped-message counters',
          params: idParams,
          response: { 200: deviceDetailOut, ...errors },
        },
      },
      async (req) => {
        const ctx = ctxOf(db, req);
        await findDeviceInScope(ctx.db.orm, ctx.actor, req.params.id);
        return deviceDetail(ctx.db.orm, rt, ctx.actor.tenantId, req.params.id);
      },
    );
    app.patch(
      '/devices/:id',
      {
        schema: {
          tags,
          summary: 'Change a device (or move it to another store)',
          params: idParams,
          body: updateDeviceBody,
          response: { 200: deviceDetailOut, ...errors },
        },
      },
      async (req) => updateDevice(ctxOf(db, req), rt, req.params.id, req.body),
    );
    app.delete(
      '/devices/:id',
      { schema: { tags, summary: 'Delete a device', params: idParams, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await deleteDevice(ctxOf(db, req), rt, req.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/devices/:id/credentials',
      { schema: { tags, summary: 'Credential type and token prefix (never the token)', params: idParams, response: { 200: credentialsOut, ...errors } } },
      async (req) => getCredentials(ctxOf(db, req), req.params.id),
    );
    app.post(
      '/devices/:id/credentials/rotate',
      {
        schema: {
          tags,
          summary: 'New random access token, answered this once',
          params: idParams,
          response: { 200: credentialsOut.extend({ accessToken: z.string() }), ...errors },
        },
      },
      async (req) => rotateCredentials(ctxOf(db, req), rt, req.params.id),
    );
    app.put(
      '/devices/:id/credentials',
      {
        schema: {
          tags,
          summary: 'Set an access token or MQTT basic credentials',
          params: idParams,
          body: credentialsBody,
          response: { 200: credentialsOut, ...errors },
        },
      },
      async (req) => setCredentials(ctxOf(db, req), rt, req.params.id, req.body),
    );
    app.post(
      '/devices/:id/credentials/revoke',
      {
        schema: {
          tags,
          summary: 'Revoke the credentials: connections and messages are refused',
          params: idParams,
          response: { 200: credentialsOut, ...errors },
        },
      },
      async (req) => revokeCredentials(ctxOf(db, req), rt, req.params.id),
    );

    app.get(
      '/stores/:id/devices',
      {
        schema: {
          tags: ['stores', 'devices'],
          summary: "A store's devices with their online state",
          params: idParams,
          querystring: z.object({ profileId: deviceFilters.profileId, online: deviceFilters.online, q: deviceFilters.q, ...pageQuery }),
          response: { 200: page(deviceOut), ...errors },
        },
      },
      async (req) => listStoreDevices(ctxOf(db, req), rt, req.params.id, { ...req.query, online: online(req.query.online) }),
    );
  };
}
