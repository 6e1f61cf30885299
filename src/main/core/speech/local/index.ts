export * from './flite-tts';
export type { FlitePoolStats, FliteWorkerExit } from './flite-pool';
export { sweepFliteTemp, FLITE_TEMP_PREFIX } from './flite-leftovers';
export type { WorkerFault } from './flite-worker-source';
export {
  nodeWorkerLauncher,
  workerEnv,
  type WorkerEnv,
  type WorkerLaunch,
  type WorkerLauncher,
  type WorkerProcess,
} from './worker-launcher';
export * from './soundswallower-asr';
export * from './fvad-vad';
export * from './package-paths';
export type { AsrPoolStats, AsrWorkerExit, AsrLateJob } from './asr-pool';
export type { AsrWorkerFault } from './asr-worker-source';
