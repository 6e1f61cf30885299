/** Tunnel: a public https URL in front of the public surface (ngrok, or the operator's own). */
export {
  TunnelError,
  TUNNEL_START_TIMEOUT_MS,
  type Tunnel,
  type TunnelErrorCode,
  type TunnelHealth,
  type TunnelState,
} from './tunnel';
export { manualTunnel } from './manual-tunnel';
export { ngrokTunnel, type NgrokModule, type NgrokListener, type NgrokTunnelOptions } from './ngrok-tunnel';
export { TunnelManager, type TunnelManagerOptions } from './tunnel-manager';
