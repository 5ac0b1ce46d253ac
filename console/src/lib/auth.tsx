// The signed-in Session: loaded once from GET /auth/session, kept in the query cache, and
// dropped (back to sign-in) on sign-out or on any 401.
import { type QueryClient, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';
import { ApiError, apiRequest, onUnauthorized, setCsrfToken } from './api-client.ts';
import type { Session } from './api-types.ts';
import { hasPermission, type Permission } from './permissions.ts';

export const sessionQueryKey = ['session'] as const;

export interface SignInInput {
  email: string;
  password: string;
  tenant?: string;
}

interface AuthValue {
  /** undefined while loading, null when signed out. */
  session: Session | null | undefined;
  can: (permission: Permission) => boolean;
  signIn: (input: SignInInput) => Promise<Session>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

async function fetchSession(): Promise<Session | null> {
  try {
    const session = await apiRequest<Session>('GET', '/auth/session', { expectUnauthorized: true });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** The Session query: fetched once, then changed only by sign-in, sign-out and 401s. */
export const sessionQuery = queryOptions({
  queryKey: sessionQueryKey,
  queryFn: fetchSession,
  staleTime: Number.POSITIVE_INFINITY,
  meta: { silent: true },
});

/** The Session, from the cache or the server; null when signed out. For route guards. */
export function loadSession(queryClient: QueryClient): Promise<Session | null> {
  return queryClient.ensureQueryData(sessionQuery);
}

/** Forgets the session and everything loaded under it. */
function dropSession(queryClient: QueryClient): void {
  setCsrfToken(null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
  queryClient.setQueryData(sessionQueryKey, null);
}

/** On any 401 (the session expired or was revoked): forget it and call `toSignIn`. Once, at start-up. */
export function handleUnauthorized(queryClient: QueryClient, toSignIn: () => void): void {
  onUnauthorized(() => {
    if (!queryClient.getQueryData(sessionQueryKey)) return; // already signed out
    dropSession(queryClient);
    toSignIn();
  });
}

/** Provides the Session and the sign-in/sign-out actions to the console. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { data: session } = useQuery(sessionQuery);

  const signIn = useCallback(
    async (input: SignInInput) => {
      const body = input.tenant ? input : { email: input.email, password: input.password };
      const next = await apiRequest<Session>('POST', '/auth/sign-in', {
        body,
        expectUnauthorized: true,
      });
      setCsrfToken(next.csrfToken);
      queryClient.setQueryData(sessionQueryKey, next);
      return next;
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await apiRequest<void>('POST', '/auth/sign-out', { expectUnauthorized: true });
    } finally {
      dropSession(queryClient);
    }
  }, [queryClient]);

  const value = useMemo<AuthValue>(
    () => ({
      session,
      can: (permission) => hasPermission(session?.permissions ?? [], permission),
      signIn,
      signOut,
    }),
    [session, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The Session and auth actions; only inside AuthProvider. */
export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in Session; only under the signed-in layout, where it is known to exist. */
export function useSession(): Session {
  const { session } = useAuth();
  if (!session) throw new Error('useSession without a session');
  return session;
}
