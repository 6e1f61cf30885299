// Speech: VAD, ASR, TTS and LLM behind abstract classes, with local (offline) and openai-compatible
// providers (their fakes are in ./testing, for tests only).
export * from './audio';
export * from './errors';
export * from './metrics';
export * from './grammar';
export * from './wer';
export * from './tts';
export * from './tts-cache';
export * from './asr';
export * from './vad';
export * from './llm';
export * from './config';
export * from './providers';
export * from './local';
export * from './openai';
