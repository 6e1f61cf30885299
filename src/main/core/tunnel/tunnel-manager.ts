import type { Settings } from '../../../shared/settings';
import type { Logger } from '../logging';
import { manualTunnel } from './manual-tunnel';
import { ngrokTunnel } from './ngrok-tunnel';
import { TunnelError, type Tunnel, type TunnelHealth } from './tunnel';

export interface TunnelManagerOptions {
  /** The tunnel settings and the ngrok authtoken as configured now. */
  settings: () => Settings['tunnel'];
  authtoken: () => string | undefined;
  /** `http://127.0.0.1:PORT`: what the tunnel forwards to (the public surface). */
  localUrl: string;
  /** The health route's path on the public surface (it carries the install's secret). */
  healthPath: string;
  log: Logger;
}

/** The one tunnel in front of the public surface, rebuilt when its settings change. */
export class TunnelManager {
  private tunnel: Tunnel | undefined;
  private key = '';

  constructor(private readonly o: TunnelManagerOptions) {}

  /**
   * The tunnel for the current settings. A running tunnel is kept until stopped; a stopped or
   * failed one is rebuilt when its settings changed (so a failure stays visible until then).
   */
  current(): Tunnel {
    const settings = this.o.settings();
    const authtoken = this.o.authtoken();
    const key = `${settings.provider}|${settings.publicUrl}|${authtoken ? 'token' : ''}`;
    if (this.tunnel && (this.tunnel.state().status === 'running' || key === this.key)) return this.tunnel;
    this.key = key;
    this.tunnel =
      settings.provider === 'ngrok'
        ? ngrokTunnel({ addr: this.o.localUrl.replace(/^https?:\/\//, ''), authtoken })
        : manualTunnel(settings.publicUrl);
    return this.tunnel;
  }

  /** Starts it; a tunnel that cannot start keeps its failure in its state (shown to the operator). */
  async start(): Promise<void> {
    try {
      await this.current().start();
    } catch (err) {
      if (!(err instanceof TunnelError)) throw err;
      this.o.log.warn('tunnel did not start', { code: err.code, message: err.message });
    }
  }

  async stop(): Promise<void> {
    await this.tunnel?.stop();
  }

  health(): Promise<TunnelHealth> {
    return this.current().health(this.o.healthPath);
  }
}
