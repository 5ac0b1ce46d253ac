import { z } from 'zod';
import { text } from '../../kernel/schemas.ts';
import { isClockTime, isTimeZone } from './hours.ts';
import { storeStatuses } from './lifecycle.ts';

export const storeFormats = ['flagship', 'standard', 'compact'] as const;

const clock = z.string().refine(isClockTime, { error: 'must be a time HH:MM between 00:00 and 24:00' });
const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

/** The fields a person sets on a store, shared by the API and the CSV import so both check the same rules. */
export const storeFields = {
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, { error: 'must be 1–40 letters, digits, - or _' }),
  name: text(120),
  nameEn: text(120).nullish(),
  format: z.enum(storeFormats, { error: `must be one of ${storeFormats.join(', ')}` }),
  city: text(60),
  address: text(300),
  latitude: z.number().min(-90).max(90).nullish(),
  longitude: z.number().min(-180).max(180).nullish(),
  timeZone: z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as Asia/Shanghai' }),
  floorArea: z.number().int().min(1).max(500_000).nullish(),
  phone: z
    .string()
    .trim()
    .max(40)
    .regex(/^\+?[0-9 ()-]{3,40}$/, { error: 'must be a phone number' })
    .nullish(),
};

export const createStoreBody = z.strictObject({
  ...storeFields,
  parentOrgUnitId: z.string().max(64),
  status: z.enum(storeStatuses).optional(),
});
export type CreateStoreInput = z.infer<typeof createStoreBody>;

export const updateStoreBody = z.strictObject({
  name: storeFields.name.optional(),
  nameEn: storeFields.nameEn,
  format: storeFields.format.optional(),
  city: storeFields.city.optional(),
  address: storeFields.address.optional(),
  latitude: storeFields.latitude,
  longitude: storeFields.longitude,
  timeZone: storeFields.timeZone.optional(),
  floorArea: storeFields.floorArea,
  phone: storeFields.phone,
});
export type UpdateStoreInput = z.infer<typeof updateStoreBody>;

export const weeklyRange = z.strictObject({ day: z.number().int().min(1).max(7), opens: clock, closes: clock });
export const weeklyHoursBody = z.strictObject({ weekly: z.array(weeklyRange).max(50) });

export const specialHoursBody = z
  .strictObject({
    startDate: isoDate,
    endDate: isoDate,
    closed: z.boolean(),
    opens: clock.optional(),
    closes: clock.optional(),
    note: z.string().trim().max(200).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.endDate < v.startDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must not be before startDate' });
    if (!v.closed && (!v.opens || !v.closes)) ctx.addIssue({ code: 'custom', path: ['opens'], message: 'opens and closes are needed unless closed' });
    if (!v.closed && v.opens && v.closes && v.opens >= v.closes) ctx.addIssue({ code: 'custom', path: ['closes'], message: 'must be after opens' });
  });
export type SpecialHoursInput = z.infer<typeof specialHoursBody>;

export const zoneKinds = ['sales_floor', 'showroom', 'experience', 'service_desk', 'checkout', 'warehouse', 'office', 'other'] as const;
export const zoneBody = z.strictObject({
  name: text(80),
  kind: z.enum(zoneKinds),
  floorArea: z.number().int().min(1).max(100_000).nullish(),
});
