// Types for the parts of @echogarden/fvad-wasm (an Emscripten module without typings) that we use.
declare module '@echogarden/fvad-wasm' {
  export interface FvadModule {
    HEAP16: Int16Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    _fvad_new(): number;
    _fvad_free(handle: number): void;
    _fvad_reset(handle: number): void;
    _fvad_set_mode(handle: number, mode: number): number;
    _fvad_set_sample_rate(handle: number, rate: number): number;
    _fvad_process(handle: number, framePtr: number, length: number): number;
  }
  const createModule: (moduleArg?: Record<string, unknown>) => Promise<FvadModule>;
  export default createModule;
}
