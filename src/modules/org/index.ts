/** The org module: tenants, the org tree, users and roles, sessions, API keys, the audit log. */
export { closeAuthCache } from './auth-cache.ts';
export { createApiKey, revokeApiKey, rootUnitId } from './api-keys.ts';
export { findUnitInScope, insertOrgUnit, insertOrgUnits, onSubtreeMoved, type OrgUnitRow, renameUnit, underPaths } from './org-units.ts';
export { activeUsers, type Recipient, roleHolders, unitStaff, userHoldsRoleOver } from './role-holders.ts';
export { permissionsOf, type Role, rolePermissions, roles } from './roles.ts';
export { orgRoutes } from './routes.ts';
export { orgUnits, tenants, users } from './schema.ts';
export { authenticator, normaliseEmail, purgeExpiredSessions } from './sign-in.ts';
export { createTenant, tenantBySlug } from './tenants.ts';
export { createUser, insertUser } from './users.ts';
