import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppStore } from './store/store';
import { configFromQuery, queryFromConfig } from './store/url';
import { App } from './ui/App';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { StoreContext } from './ui/useStore';
import { startTrainingWorkers } from './worker/client';
import './ui/app.css';

const { config, view, issues } = configFromQuery(location.search);
const writeUrl = (c: typeof config, v: typeof view) =>
  history.replaceState(null, '', location.pathname + queryFromConfig(c, v) + location.hash);
writeUrl(config, view);

const store = createAppStore({
  client: startTrainingWorkers(),
  config,
  notices: issues,
  view,
  baseUrl: new URL(import.meta.env.BASE_URL, document.baseURI).href,
  onConfigChange: writeUrl,
  schedule: (callback) => requestAnimationFrame(callback),
  minNotifyIntervalMs: 250,
});

// The built site stores itself for offline use (a classroom without network, after one visit), but
// only once the page and its workers can run: on a shared school line its downloads must never
// delay the first Run.
if (import.meta.env.PROD && 'serviceWorker' in navigator && location.protocol !== 'file:') {
  const register = () => {
    const { data, backend, workers, run } = store.getState();
    if (data.status !== 'ready' || backend.status !== 'ready' || !backend.info) return;
    // On a CPU backend a helper worker per core starts once the first is ready: its script comes
    // first, then the background copy of the site (or as soon as a run has started).
    const cpu = backend.info.name === 'wasm' || backend.info.name === 'cpu';
    if (cpu && workers < (navigator.hardwareConcurrency || 1) && run.state === 'idle') return;
    unsubscribe();
    // Where a first visit's own downloads end (a browser test counts the bytes up to this mark).
    performance.mark('visit-downloaded');
    navigator.serviceWorker.register('./sw.js').then(
      () => navigator.serviceWorker.ready.then(() => store.actions.offlineReady()),
      // Offline, the check for a newer sw.js fails while the stored site still serves this page;
      // anywhere else (a private window without storage) the page simply works online.
      () => navigator.serviceWorker.controller && store.actions.offlineReady(),
    );
  };
  const unsubscribe = store.subscribe(register);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </ErrorBoundary>
  </StrictMode>,
);
