import type { Deps } from '../../kernel/context.ts';
import { type Collection, type CollectionOptions, createCollection } from './create-collection.ts';
import { createCustomerProfiles, type CustomerProfiles, type ProfileOptions } from './profile-pipeline.ts';

/** The customers module of one node: the profile side, and the collection wired to its identity graph, pipeline and guard. */
export interface Customers {
  profiles: CustomerProfiles;
  collection: Collection;
}

/** Creates both halves of the customers module and connects them through the seams of contract.ts. */
export function createCustomers(deps: Deps, opts: { collection?: CollectionOptions; profiles?: ProfileOptions } = {}): Customers {
  const profiles = createCustomerProfiles(deps, opts.profiles);
  const collection = createCollection(deps, { resolver: profiles.resolver, pipeline: profiles.pipeline, guard: profiles.guard }, opts.collection);
  return { profiles, collection };
}
