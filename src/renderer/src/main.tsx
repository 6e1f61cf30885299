import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installBridgeIfNeeded } from './bridge/install';
import { startAuditFeed } from './state/audit-store';
import { startCallsFeed } from './state/calls-store';
import { startCampaignsFeed } from './state/campaigns-store';
import { startDncFeed } from './state/dnc-store';
import { startJobsFeed } from './state/jobs-store';
import { startListsFeed } from './state/lists-store';
import { startSettingsFeed } from './state/settings-store';
import { startTelephonyFeed } from './state/telephony-store';
import { startVoicebotFeed } from './state/voicebot-store';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const bridge = installBridgeIfNeeded();
if (bridge.ok) {
  startSettingsFeed();
  startAuditFeed();
  startListsFeed();
  startDncFeed();
  startTelephonyFeed();
  startCallsFeed();
  startCampaignsFeed();
  startVoicebotFeed();
  startJobsFeed();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
} else {
  root.render(
    <main className="content">
      <h1>CallDeck</h1>
      <p className="banner banner--error">{bridge.reason}</p>
    </main>,
  );
}
