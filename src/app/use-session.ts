/** React access to the session: components re-render whenever it changes. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Session } from './session';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession() outside <SessionContext.Provider>');
  useSyncExternalStore(s.subscribe, s.getVersion);
  return s;
}

/** The session without re-rendering on its changes: for components that only act on it. */
export function useSessionQuietly(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSessionQuietly() outside <SessionContext.Provider>');
  return s;
}
