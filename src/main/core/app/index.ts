/** The composition root: builds the core from one config, for every host and CLI command. */
export { createCore, type Core, type CoreConfig } from './create-core';
