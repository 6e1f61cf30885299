export * from './fake-tts';
export * from './fake-asr';
export * from './fake-vad';
export * from './fake-llm';
