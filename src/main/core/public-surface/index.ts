/** The public surface: the one listener Exotel (through the tunnel) may reach. */
export {
  startPublicSurface,
  type ExotelCallbackHandlers,
  type PublicSurface,
  type PublicSurfaceOptions,
} from './server';
export { closingVoicebotHandler, type VoicebotHandler, type VoicebotRequest } from './voicebot-route';
export { loadOrCreatePublicSecret, PUBLIC_SECRET_KEY } from './secret';
export { publicUrls, type PublicUrls } from './urls';
export { MAX_BODY_BYTES } from './body';
export { PublicSurfaceLimitsSchema, type PublicSurfaceLimits, type PublicSurfaceLimitsInput } from './limits';
export {
  checkSource,
  compileRanges,
  requestSource,
  sourceFilter,
  type SourceCheck,
  type SourceRestriction,
} from './source-filter';
