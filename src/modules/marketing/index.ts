/** The marketing module: channels through adapters, templates, campaigns on live segments, tracking, attribution and lift. */
export type { ChannelAdapter, DeliveryReport, OutgoingMessage, SendOutcome } from './channels/contract.ts';
export { sinkRecords } from './channels/sink.ts';
export { createMarketing, type Marketing, type TickResult } from './create-marketing.ts';
export { campaigns, marketingChannels, marketingMessages, marketingTemplates } from './schema.ts';
export { createJourneys, type Journeys } from './journey-module.ts';
export { journeyEnrollments, journeys, journeyStepRuns } from './journeys-schema.ts';
