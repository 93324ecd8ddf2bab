import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AppStore } from '../store/store';
import type { AppState } from '../store/state';

export const StoreContext = createContext<AppStore | null>(null);

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside StoreContext');
  return store;
}

/** Subscribes to one slice of the state; select existing objects, derive in the component. */
export function useAppState<T>(select: (state: AppState) => T): T {
  const store = useAppStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
