export { StagedFiles, StagingError } from './staged-files';
export { processAlive, sweepLeftovers, type LeftoverRule } from './leftovers';
