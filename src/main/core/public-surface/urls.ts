/** The URLs an operator pastes into Exotel, for a public base such as the tunnel's https URL. */
export interface PublicUrls {
  statusCallback: string;
  passthru: string;
  /** For the Voicebot applet or StreamUrl: wss:// when the base is https. */
  voicebot: string;
  health: string;
}

export function publicUrls(base: string, secret: string): PublicUrls {
  const root = base.replace(/\/+$/, '');
  const ws = root.replace(/^http(s?):\/\//i, (_m, s: string) => `ws${s}://`);
  return {
    statusCallback: `${root}/exotel/${secret}/status`,
    passthru: `${root}/exotel/${secret}/passthru`,
    voicebot: `${ws}/voicebot/${secret}/stream`,
    health: `${root}/exotel/${secret}/health`,
  };
}
