import { afterEach, describe, expect, it } from 'vitest';
import { manualTunnel, ngrokTunnel, TunnelError, type NgrokModule } from '../../../src/main/core/tunnel';
import { makeRig, type Rig } from './rig';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** A local double at the SDK boundary: "forwards" by handing back the public surface's own URL. */
function ngrokDouble(behaviour: 'ok' | 'hang' | 'fail' | 'no-url', url = 'https://example.ngrok.app') {
  const calls: { addr: string; authtoken: string }[] = [];
  let closed = 0;
  const mod: NgrokModule = {
    forward(config) {
      calls.push({ addr: config.addr, authtoken: config.authtoken });
      if (behaviour === 'hang') return new Promise(() => undefined);
      if (behaviour === 'fail') return Promise.reject(new Error('failed to connect to the ngrok service'));
      return Promise.resolve({
        url: () => (behaviour === 'no-url' ? null : url),
        close: () => {
          closed++;
          return Promise.resolve();
        },
      });
    },
  };
  return { load: () => Promise.resolve(mod), calls, closed: () => closed };
}

describe('tunnel', () => {
  it('ngrok: starts with the authtoken, reports health through the public URL, stops', async () => {
    rig = await makeRig();
    const double = ngrokDouble('ok', rig.surface.localUrl);
    const tunnel = ngrokTunnel({
      addr: `127.0.0.1:${rig.surface.port}`,
      authtoken: 'tok',
      loadNgrok: double.load,
    });
    expect(tunnel.state()).toEqual({ status: 'stopped' });
    expect(await tunnel.start()).toBe(rig.surface.localUrl);
    expect(double.calls).toEqual([{ addr: `127.0.0.1:${rig.surface.port}`, authtoken: 'tok' }]);
    expect(tunnel.state().status).toBe('running');
    expect(await tunnel.health(`/exotel/${rig.secret}/health`)).toMatchObject({ ok: true });
    expect(await tunnel.health('/exotel/wrong/health')).toMatchObject({ ok: false });
    await tunnel.stop();
    expect(double.closed()).toBe(1);
    expect(tunnel.url()).toBeUndefined();
    expect(await tunnel.health(`/exotel/${rig.secret}/health`)).toEqual({
      ok: false,
      detail: 'tunnel is not running',
    });
  });

  it('ngrok: a start that hangs fails with a clear error within the timeout', async () => {
    const double = ngrokDouble('hang');
    const tunnel = ngrokTunnel({
      addr: '127.0.0.1:1',
      authtoken: 'tok',
      loadNgrok: double.load,
      startTimeoutMs: 200,
    });
    const started = Date.now();
    const error = await tunnel.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TunnelError);
    expect((error as TunnelError).code).toBe('timeout');
    expect((error as TunnelError).message).toMatch(/did not finish within/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(tunnel.state().status).toBe('failed');
  });

  it('ngrok: missing authtoken, SDK failure and a URL-less listener are clear errors', async () => {
    const none = ngrokTunnel({
      addr: '127.0.0.1:1',
      authtoken: undefined,
      loadNgrok: ngrokDouble('ok').load,
    });
    await expect(none.start()).rejects.toMatchObject({ code: 'no_authtoken' });
    const failing = ngrokTunnel({ addr: '127.0.0.1:1', authtoken: 't', loadNgrok: ngrokDouble('fail').load });
    await expect(failing.start()).rejects.toMatchObject({
      code: 'start_failed',
      message: /failed to connect/,
    });
    const noUrl = ngrokDouble('no-url');
    const blank = ngrokTunnel({ addr: '127.0.0.1:1', authtoken: 't', loadNgrok: noUrl.load });
    await expect(blank.start()).rejects.toMatchObject({ code: 'start_failed' });
    expect(noUrl.closed()).toBe(1);
  });

  it('manual: takes an https URL (or loopback http), refuses others, and checks health', async () => {
    rig = await makeRig();
    await expect(manualTunnel('http://example.com').start()).rejects.toMatchObject({ code: 'invalid_url' });
    await expect(manualTunnel('not a url').start()).rejects.toMatchObject({ code: 'invalid_url' });
    expect(await manualTunnel('https://calls.example.com/').start()).toBe('https://calls.example.com');
    const local = manualTunnel(rig.surface.localUrl);
    await local.start();
    expect(await local.health(`/exotel/${rig.secret}/health`)).toMatchObject({ ok: true });
  });
});
