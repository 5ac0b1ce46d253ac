/** The customers module: sources and the Segment-compatible collection API, identity graph, profiles, segments, consent. */
export type { CollectedEvent, CollectionGuard, EventType, IdentityResolver, ProfilePipeline } from './contract.ts';
// Collection: sources, write keys, the /v1/* API, group commit, debugger, CSV import.
export { type CollectResult, Collector } from './collection.ts';
export { type Collection, type CollectionHooks, type CollectionOptions, createCollection } from './create-collection.ts';
export { type Customers, createCustomers } from './create-customers.ts';
export { type ImportEventsResult, eventImportColumns, importEvents } from './event-import.ts';
export { writerCopyColumns } from './event-flush.ts';
export { customerEvents, eventCopyColumns } from './event-table.ts';
export { sourceChannels, sources } from './schema.ts';
export { createSource, rotateWriteKey, sourceIdsByName, updateSource } from './sources.ts';
export { type ConsentChange, consentsOf, recordConsents } from './consent.ts';
export { editTraits } from './profile-changes.ts';
