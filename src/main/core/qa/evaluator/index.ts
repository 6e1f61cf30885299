// The QA evaluator: scores a recorded conversation (the runner calls `evaluate`).
export { evaluate, type EvaluateInput, type EvaluatorDeps } from './evaluate';
export { activity, type Span } from './channels';
export { saysMatches, describeSays } from './expectations';
export {
  LlmJudge,
  createOpenAiJudge,
  judgeFromSpeechConfig,
  parseJudgeReply,
  formatTranscript,
  JUDGE_PROMPT_VERSION,
  type Judge,
  type JudgeAnswer,
  type JudgeSettings,
  type TranscriptLine,
} from './judge';
export { freeFormTranscriber, grammarTranscriber, scriptBotLines, type Transcriber } from './transcribe';
