export * from './client';
export * from './openai-tts';
export * from './openai-asr';
export * from './openai-llm';
