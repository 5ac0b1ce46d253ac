import { createRoute } from '@tanstack/react-router';
import { signedInRoute } from '../root.tsx';
import { JourneyNewPage, JourneyPage } from './journey-editor-page.tsx';
import { JourneyListPage } from './journey-list-page.tsx';

/** /marketing/journeys — the journeys. */
export const journeyListRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'marketing/journeys', component: JourneyListPage });

/** /marketing/journeys/new — a new journey in the editor. */
export const journeyNewRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'marketing/journeys/new', component: JourneyNewPage });

/** /marketing/journeys/{id} — one journey: editor, moves, people per step. */
export const journeyRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'marketing/journeys/$journeyId', component: JourneyPage });

export const journeyRoutes = [journeyListRoute, journeyNewRoute, journeyRoute];
