/**
 * Entry point: picks the bridge (the preload's window.nightshift inside
 * Electron, else a WebSocket to the headless dashboard server that served
 * this page), feeds the store from it and renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { apiOver, type Bridge } from './bridge';
import { DashboardContext } from './context';
import { connectStore, createDashboardStore, loadInitial } from './store';
import './styles.css';
import { createWebSocketBridge, dashboardSocketUrl } from './ws-bridge';

// Without the preload's bridge this page is the headless dashboard: no tray, no login item, no battery watch.
const store = createDashboardStore({ headless: !window.nightshift });

function pickBridge(): Bridge {
  if (window.nightshift) {
    store.setState({ connection: 'open' });
    return window.nightshift;
  }
  const bridge: Bridge = createWebSocketBridge({
    url: dashboardSocketUrl(window.location),
    onStatus: (connection) => store.setState({ connection }),
    // The core kept running while we were away: reload rather than trust a stale view.
    onReconnect: () => void loadInitial(store, bridge),
  });
  return bridge;
}

const bridge = pickBridge();
connectStore(store, bridge);
void loadInitial(store, bridge);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <DashboardContext.Provider value={{ store, api: apiOver(bridge), sourceTokens: window.nightshift?.sourceTokens }}>
      <App />
    </DashboardContext.Provider>
  </StrictMode>,
);
