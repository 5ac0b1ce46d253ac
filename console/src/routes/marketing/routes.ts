import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { CampaignBuilderPage } from './campaign-builder-page.tsx';
import { CampaignListPage } from './campaign-list-page.tsx';
import { CampaignPage } from './campaign-page.tsx';
import { ChannelsPage } from './channels-page.tsx';
import { TemplatePage } from './template-page.tsx';

/** /marketing/campaigns — the campaigns. */
export const campaignListRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'marketing/campaigns', component: CampaignListPage });

/** /marketing/campaigns/new — the builder. */
export const campaignNewRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'marketing/campaigns/new', component: CampaignBuilderPage });

/** /marketing/campaigns/{id} — one campaign, its audience, test send and results. */
export const campaignRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'marketing/campaigns/$campaignId', component: CampaignPage });

/** /marketing/templates — the template editor. */
export const templateRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'marketing/templates', component: TemplatePage });

/** /marketing/channels — the channels, their deliveries and dead letters. */
export const channelsRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'marketing/channels', component: ChannelsPage });

export const marketingRoutes = [campaignListRoute, campaignNewRoute, campaignRoute, templateRoute, channelsRoute];
