import type WaveSurfer from 'wavesurfer.js';

/*
 * wavesurfer.js styles its shadow DOM with an inline <style>, which the app's CSP (style-src 'self')
 * blocks: the canvases then stack instead of overlaying and the progress layer is lost. The same rules
 * (wavesurfer 8's renderer, minus the dynamic height, which `.canvases` gets from its own canvases)
 * go in as a constructed stylesheet, which CSP does not govern.
 */
const CSS = `
:host { user-select: none; min-width: 1px; }
:host .scroll { overflow-x: auto; overflow-y: hidden; width: 100%; position: relative; }
:host .noScrollbar { scrollbar-color: transparent; scrollbar-width: none; }
:host .noScrollbar::-webkit-scrollbar { display: none; -webkit-appearance: none; }
:host .wrapper { position: relative; overflow: visible; z-index: 2; }
:host .canvases { pointer-events: none; }
:host .canvases > div { position: relative; }
:host canvas { display: block; position: absolute; top: 0; image-rendering: pixelated; }
:host .progress { pointer-events: none; position: absolute; z-index: 2; top: 0; left: 0; width: 0;
  height: 100%; overflow: hidden; }
:host .progress > div { position: relative; }
:host .cursor { pointer-events: none; position: absolute; z-index: 5; top: 0; left: 0; height: 100%;
  border-radius: 2px; }
`;

let sheet: CSSStyleSheet | undefined;

/** Gives a wavesurfer instance its layout rules without an inline style element. */
export function adoptWaveSurferStyles(ws: WaveSurfer, height: number): void {
  const root = ws.getWrapper().getRootNode();
  if (!(root instanceof ShadowRoot)) return;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  const own = new CSSStyleSheet();
  own.replaceSync(`:host .canvases { min-height: ${height}px; }`);
  root.adoptedStyleSheets = [sheet, own];
}
