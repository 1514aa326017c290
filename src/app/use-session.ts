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
