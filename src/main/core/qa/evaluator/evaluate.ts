import type {
  QaConversation,
  QaEvaluation,
  QaFailure,
  QaFailureKind,
  QaJudgement,
  QaTurnScore,
  Scenario,
  TurnExpect,
} from '../../../../shared/qa';
import { outcomeOf } from './verdict';
import type { Logger } from '../../logging';
import type { Audio } from '../../speech';
import { activity, sliceAudio } from './channels';
import { describeSays, saysMatches } from './expectations';
import type { Judge, TranscriptLine } from './judge';
import { measureTurns, type TurnMeasure } from './measure';
import type { Transcriber } from './transcribe';

// The evaluator: scores one recorded conversation from what was actually heard. It transcribes the
// bot's audio, measures both channels in media time, checks every expectation, and asks the judge
// for each `judge:` criterion. It never runs the conversation; the runner calls `evaluate`.

/** Without a budget, a silence this long still counts in the metrics (not as a failure). */
const DEFAULT_LONG_SILENCE_MS = 5000;
/** Without a budget, talking over the caller this long still counts in the metrics. */
const DEFAULT_TALK_OVER_MS = 500;

export interface EvaluateInput {
  scenario: Scenario;
  conversation: QaConversation;
  /** The two recorded channels (8 kHz PCM16 mono, both starting at media time 0). */
  callerAudio: Audio;
  botAudio: Audio;
}

export interface EvaluatorDeps {
  /** Hears the bot's replies. */
  bot: Transcriber;
  /** Hears a human caller's recorded speech (synthetic and LLM callers are known by their text). */
  caller?: Transcriber;
  /** Absent: every `judge:` criterion has no verdict (and the notes say why). */
  judge?: Judge;
  log?: Logger;
}

/** A turn's budgets: its own, else the scenario's (which apply to every turn). */
function budgets(own: TurnExpect | undefined, scenario: TurnExpect) {
  return {
    withinMs: own?.within_ms ?? scenario.within_ms,
    silenceMaxMs: own?.silence_max_ms ?? scenario.silence_max_ms,
    noTalkOver: own?.no_talk_over ?? scenario.no_talk_over,
  };
}

/** The expectations written for a turn: the greeting's, or the step's it answers. */
function turnExpect(scenario: Scenario, m: TurnMeasure): TurnExpect | undefined {
  if (m.turn.action === 'greeting') return scenario.greeting;
  if (m.turn.step === null) return undefined;
  return scenario.steps?.[m.turn.step]?.expect;
}

/** How close to the end of the call a reply must end to count as cut off by the hang-up. */
const CUT_AT_END_MS = 300;

/**
 * The bot's reply was cut short: the next turn's caller talked over it, or the call ended on it
 * other than by the bot (a bot that hangs up after its last line ends the call on a whole line).
 */
function wasCut(m: TurnMeasure, next: TurnMeasure | undefined, conversation: QaConversation): boolean {
  if (!m.reply) return false;
  if (next) return next.talkOverMs > 0;
  return conversation.endReason !== 'bot_hangup' && conversation.durationMs - m.reply.endMs <= CUT_AT_END_MS;
}

export async function evaluate(input: EvaluateInput, deps: EvaluatorDeps): Promise<QaEvaluation> {
  const { scenario, conversation } = input;
  const notes: string[] = [`bot audio transcribed by ${deps.bot.description}`];
  const failures: QaFailure[] = [];
  const callerSpans = activity(input.callerAudio);
  const botSpans = activity(input.botAudio);
  const measures = measureTurns(conversation, callerSpans, botSpans);

  // What each side said, turn by turn.
  const botTexts: string[] = [];
  const callerTexts: (string | null)[] = [];
  // A recogniser that cannot hear a reply (e.g. the offline grammar recogniser and a bot whose lines
  // are unknown) leaves that turn's text checks without a verdict, never a pass or a bot failure.
  const unheard = new Map<number, string>();
  const tryHear = async (t: Transcriber, audio: Audio): Promise<string | Error> => {
    try {
      return await t.transcribe(audio);
    } catch (err) {
      deps.log?.warn('qa evaluator could not transcribe', { err, transcriber: t.description });
      return err instanceof Error ? err : new Error(String(err));
    }
  };
  let heardCut = 0;
  for (const [i, m] of measures.entries()) {
    const replyAudio = m.reply ? sliceAudio(input.botAudio, m.reply.startMs, m.reply.endMs) : undefined;
    let heard = replyAudio ? await tryHear(deps.bot, replyAudio) : '';
    // Placed nowhere, and cut short (the caller's next turn talked over it, or the call ended on it):
    // heard again as a line's start. Only a cut reply: a whole line heard as another line's start
    // would be a false failure (seen: a barge-in's confirmation heard as the start of the prompt).
    const cut = deps.bot.transcribeCut?.bind(deps.bot);
    if (heard === '' && replyAudio && cut && wasCut(m, measures[i + 1], conversation)) {
      heard = await tryHear({ description: deps.bot.description, transcribe: cut }, replyAudio);
      if (typeof heard === 'string' && heard !== '') heardCut++;
    }
    if (heard instanceof Error) unheard.set(m.turn.index, heard.message);
    // Sound but no words: the recogniser could not place it (a grammar recogniser whose search found
    // none of the bot's lines), which says nothing about what the bot said.
    else if (heard === '' && m.reply) unheard.set(m.turn.index, 'the recogniser heard no words in it');
    botTexts.push(heard instanceof Error ? '' : heard);
    const said =
      conversation.caller === 'human' &&
      m.turn.callerStartMs !== null &&
      m.turn.callerEndMs !== null &&
      deps.caller
        ? await tryHear(deps.caller, sliceAudio(input.callerAudio, m.turn.callerStartMs, m.turn.callerEndMs))
        : null;
    if (typeof said === 'string') callerTexts.push(said);
    else callerTexts.push(m.turn.action === 'dtmf' ? `(keys ${m.turn.callerText ?? ''})` : m.turn.callerText);
  }
  if (heardCut > 0)
    notes.push(`${heardCut} reply(s) heard as the start of a line (the bot was cut short or trailed off)`);
  if (unheard.size > 0)
    notes.push(
      `the bot's audio could not be transcribed in ${unheard.size} turn(s): ${[...unheard.values()][0] ?? ''}`,
    );
  const undecided: QaJudgement[] = [];
  const undecide = (turn: number | null, expectation: string, why: string) =>
    undecided.push({
      criterion: expectation,
      ...(turn === null ? {} : { turn }),
      verdict: 'no_verdict',
      reasoning: `the bot's audio could not be transcribed: ${why}`,
    });
  if (conversation.caller === 'human') {
    notes.push(
      deps.caller
        ? `caller audio transcribed by ${deps.caller.description}`
        : "caller lines are the clips' names (no caller recogniser)",
    );
  }

  const fail = (kind: QaFailureKind, turn: number | null, expectation: string, actual: string) =>
    failures.push({ kind, ...(turn === null ? {} : { turn }), expectation, actual });

  const scenarioExpect = scenario.expect;
  const longSilenceMs = scenarioExpect.silence_max_ms ?? DEFAULT_LONG_SILENCE_MS;
  let longSilences = 0;
  let talkOvers = 0;
  const scored = measures.map((m, i) => {
    const own = turnExpect(scenario, m);
    const heard = botTexts[i] ?? '';
    const t = m.turn.index;
    const why = unheard.get(t);
    for (const says of own?.says ?? []) {
      if (why !== undefined) undecide(t, `says: ${describeSays(says)}`, why);
      else if (!saysMatches(says, heard))
        fail('expectation', t, `says: ${describeSays(says)}`, `the bot said "${heard}"`);
    }
    for (const says of own?.not_says ?? []) {
      if (why !== undefined) undecide(t, `not_says: ${describeSays(says)}`, why);
      else if (saysMatches(says, heard))
        fail('expectation', t, `not_says: ${describeSays(says)}`, `the bot said "${heard}"`);
    }
    const b = budgets(own, scenarioExpect);
    const callerSpoke = m.callerEndOfSpeechMs !== null;
    if (b.withinMs !== undefined && callerSpoke) {
      // No reply is a failure only when the caller waited longer than the budget (a call the bot had
      // already ended is not a bot that fell silent).
      if (m.latencyMs === null) {
        if (m.longestSilenceMs > b.withinMs)
          fail(
            'silence',
            t,
            `within_ms: ${b.withinMs}`,
            `the bot did not answer (${m.longestSilenceMs} ms of silence)`,
          );
      } else if (m.latencyMs > b.withinMs)
        fail('latency', t, `within_ms: ${b.withinMs}`, `the bot answered after ${m.latencyMs} ms`);
    }
    if (
      b.silenceMaxMs !== undefined &&
      m.longestSilenceMs > b.silenceMaxMs &&
      !failures.some((f) => f.turn === t && f.kind === 'silence')
    ) {
      fail('silence', t, `silence_max_ms: ${b.silenceMaxMs}`, `${m.longestSilenceMs} ms of silence`);
    }
    if (m.longestSilenceMs > (b.silenceMaxMs ?? longSilenceMs)) longSilences++;
    if (callerSpoke && m.talkOverMs > (b.noTalkOver ?? DEFAULT_TALK_OVER_MS)) talkOvers++;
    if (b.noTalkOver !== undefined && m.talkOverMs > b.noTalkOver) {
      fail(
        'talk_over',
        t,
        `no_talk_over: ${b.noTalkOver}`,
        `the bot talked over the caller for ${m.talkOverMs} ms`,
      );
    }
    return {
      index: t,
      callerText: callerTexts[i] ?? '',
      botText: heard,
      latencyMs: m.latencyMs,
      talkOverMs: callerSpoke ? m.talkOverMs : 0,
    };
  });

  // The whole conversation.
  const allBot = botTexts.filter(Boolean).join(' ');
  const anyUnheard = [...unheard.values()][0];
  for (const says of scenarioExpect.says ?? []) {
    if (anyUnheard !== undefined) undecide(null, `says: ${describeSays(says)}`, anyUnheard);
    else if (!saysMatches(says, allBot))
      fail('expectation', null, `says: ${describeSays(says)}`, `the bot said "${allBot}"`);
  }
  for (const says of scenarioExpect.not_says ?? []) {
    if (anyUnheard !== undefined) undecide(null, `not_says: ${describeSays(says)}`, anyUnheard);
    else if (saysMatches(says, allBot))
      fail('expectation', null, `not_says: ${describeSays(says)}`, `the bot said "${allBot}"`);
  }
  // A caller that could not play its part (a clip missing or unreadable) is the suite's fault: how the
  // call ended after that measures nothing of the bot, so only the caller_error below is reported.
  const callerFailed = conversation.endReason === 'caller_error';
  if (
    !callerFailed &&
    scenarioExpect.disposition !== undefined &&
    conversation.disposition !== scenarioExpect.disposition
  ) {
    fail(
      'expectation',
      null,
      `disposition: ${scenarioExpect.disposition}`,
      `the disposition was ${conversation.disposition ?? 'not recorded'}`,
    );
  }
  if (
    !callerFailed &&
    scenarioExpect.transfer !== undefined &&
    conversation.transfer !== scenarioExpect.transfer
  ) {
    fail(
      'expectation',
      null,
      `transfer: ${scenarioExpect.transfer}`,
      conversation.transfer === null
        ? 'the transfer decision was not recorded'
        : `the bot decided transfer: ${conversation.transfer}`,
    );
  }
  if (!callerFailed && scenarioExpect.hangup_by !== undefined) {
    const by =
      conversation.endReason === 'bot_hangup'
        ? 'bot'
        : conversation.endReason === 'caller_hangup'
          ? 'caller'
          : null;
    if (by !== scenarioExpect.hangup_by)
      fail(
        'expectation',
        null,
        `hangup_by: ${scenarioExpect.hangup_by}`,
        `the call ended by ${conversation.endReason}`,
      );
  }
  switch (conversation.endReason) {
    case 'bot_hangup':
    case 'caller_hangup':
      break;
    case 'timeout':
      fail(
        'timeout',
        null,
        `max_duration_s: ${scenario.max_duration_s}`,
        conversation.error ?? `cut after ${conversation.durationMs} ms`,
      );
      break;
    case 'caller_error':
      fail('caller_error', null, 'the caller plays its part', conversation.error ?? 'the caller failed');
      break;
    case 'bot_error':
      fail('bot_error', null, 'the bot stays up', conversation.error ?? 'the bot failed');
      break;
    default: {
      const never: never = conversation.endReason;
      throw new Error(`unknown end reason ${String(never)}`);
    }
  }

  const judged = await judgeAll(scenario, conversation, measures, botTexts, callerTexts, deps, notes);
  const judgements = [...undecided, ...judged];
  for (const j of judged)
    if (j.verdict === 'fail') fail('judge', j.turn ?? null, `judge: ${j.criterion}`, j.reasoning);

  failures.sort((a, b) => (a.turn ?? Infinity) - (b.turn ?? Infinity));
  const turns: QaTurnScore[] = scored.map((s) => ({
    index: s.index,
    callerText: s.callerText,
    botText: s.botText,
    ...(s.latencyMs === null ? {} : { latencyMs: s.latencyMs }),
    talkOverMs: s.talkOverMs,
    outcome: outcomeOf(
      failures.filter((f) => f.turn === s.index),
      judgements.filter((j) => j.turn === s.index),
    ),
  }));
  const latencies = measures.flatMap((m) => (m.latencyMs === null ? [] : [m.latencyMs]));
  return {
    outcome: outcomeOf(failures, judgements),
    failures,
    judged: judgements,
    turns,
    ...(deps.judge && judged.length ? { judge: { ...deps.judge.settings } } : {}),
    metrics: {
      latencyMs: latencies,
      longSilences,
      longestSilenceMs: Math.max(0, ...measures.map((m) => m.longestSilenceMs)),
      talkOvers,
    },
    notes,
  };
}

async function judgeAll(
  scenario: Scenario,
  conversation: QaConversation,
  measures: TurnMeasure[],
  botTexts: string[],
  callerTexts: (string | null)[],
  deps: EvaluatorDeps,
  notes: string[],
): Promise<QaJudgement[]> {
  const asks: { turn: number | null; criterion: string }[] = [];
  measures.forEach((m) => {
    for (const criterion of turnExpect(scenario, m)?.judge ?? [])
      asks.push({ turn: m.turn.index, criterion });
  });
  for (const criterion of scenario.expect.judge ?? []) asks.push({ turn: null, criterion });
  if (conversation.caller === 'llm' && scenario.goal)
    asks.push({ turn: null, criterion: `The caller's goal was reached: ${scenario.goal.success}` });
  if (asks.length === 0) return [];

  const transcript: TranscriptLine[] = [];
  measures.forEach((m, i) => {
    const said = callerTexts[i];
    if (said) transcript.push({ speaker: 'CALLER', text: said, turn: m.turn.index });
    if (m.reply) transcript.push({ speaker: 'BOT', text: botTexts[i] ?? '', turn: m.turn.index });
  });
  const judge = deps.judge;
  if (!judge) notes.push('no judge configured: judge criteria have no verdict');
  const out: QaJudgement[] = [];
  // One at a time, in order: the same run asks the same questions in the same order.
  for (const ask of asks) {
    const answer = judge
      ? await judge.judge(ask.criterion, transcript, ask.turn)
      : {
          result: 'no_verdict' as const,
          reasoning: 'no judge is configured (Settings → Speech: an OpenAI-compatible LLM)',
        };
    out.push({
      criterion: ask.criterion,
      ...(ask.turn === null ? {} : { turn: ask.turn }),
      verdict: answer.result,
      reasoning: answer.reasoning,
    });
  }
  return out;
}
