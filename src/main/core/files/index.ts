export { StagedFiles, StagingError } from './staged-files';
