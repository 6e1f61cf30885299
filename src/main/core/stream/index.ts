// Exotel voicebot stream protocol: schemas, codec, framing, and both ends of the socket.
export * from './protocol';
export * from './schemas';
export * from './codec';
export * from './framer';
export * from './sample-rate';
export * from './pacing';
export * from './playback';
export * from './stream-connection';
export * from './exotel-client';
export * from './media-port';
