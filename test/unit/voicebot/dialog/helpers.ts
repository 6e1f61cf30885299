import path from 'node:path';
import { createLogger, memorySink, type LogRecord } from '../../../../src/main/core/logging';
import type { ChatRequest } from '../../../../src/main/core/speech';
import type { FakeReply } from '../../../../src/main/core/speech/testing';
import type { BotTurn, Dialog, DialogInput } from '../../../../src/main/core/voicebot';
import { demoBotFile, patient, repoRoot } from '../../../fixtures/demo-bot';

export { demoBotFile, patient, repoRoot };
export const botsDir = path.join(repoRoot, 'resources/bots');
export const llmBotFile = path.join(botsDir, 'collections-llm.yaml');

export function memoryLogger() {
  const records: LogRecord[] = [];
  return { logger: createLogger([memorySink(records)], 'debug', 'test'), records };
}

export const say = (text: string, confidence?: number): DialogInput =>
  confidence === undefined ? { kind: 'speech', text } : { kind: 'speech', text, confidence };
export const key = (digit: string): DialogInput => ({ kind: 'dtmf', digit });
export const silence: DialogInput = { kind: 'no_input' };
export const unclear: DialogInput = { kind: 'no_match' };

/** Runs a conversation: the greeting, then one turn per input. */
export async function converse(dialog: Dialog, inputs: DialogInput[]): Promise<BotTurn[]> {
  const turns = [await dialog.start()];
  for (const input of inputs) turns.push(await dialog.handle(input));
  return turns;
}

/** A FakeLlm step that fails like an unreachable provider. */
export const failing =
  (message: string): ((request: ChatRequest) => FakeReply) =>
  () => {
    throw new Error(message);
  };

/** A FakeLlm reply: text, then tool calls (arguments as an object, or a raw string for bad JSON). */
export const reply = (
  text: string,
  ...toolCalls: [string, Record<string, unknown> | string][]
): FakeReply => ({
  text,
  toolCalls: toolCalls.map(([name, args]) => ({ name, arguments: args })),
});
