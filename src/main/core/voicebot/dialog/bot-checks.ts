import type { BotDefinition, LlmBot, ScriptBot, TransitionDef } from './bot-schema';
import type { BotIssue } from './errors';
import { compileAskState, slotForms } from './script/compile-state';
import { templateNames, templateSyntaxError } from './template';
import { parsePhrase, phraseProblem } from './text';

// Cross-reference checks run after the schema: things a schema cannot see on its own.

type Add = (path: string, message: string) => void;

function checkTemplate(
  add: Add,
  path: string,
  text: string | undefined,
  variables: Record<string, unknown>,
  slots: Record<string, unknown> | undefined,
): void {
  if (text === undefined) return;
  const syntax = templateSyntaxError(text);
  if (syntax) add(path, syntax);
  for (const name of templateNames(text)) {
    if (name.startsWith('slot.')) {
      const slot = name.slice(5);
      if (!slots) add(path, `{{${name}}}: this kind of bot has no slots`);
      else if (!(slot in slots)) add(path, `{{${name}}}: unknown slot '${slot}'`);
    } else if (name.includes('.')) {
      add(path, `{{${name}}}: unknown placeholder`);
    } else if (!(name in variables)) {
      add(path, `unknown variable '{{${name}}}' (declare it under variables)`);
    }
  }
}

function checkScript(bot: ScriptBot, add: Add): void {
  const states = bot.states;
  const stateExists = (id: string) => Object.hasOwn(states, id);
  if (!stateExists(bot.start)) add('start', `unknown state '${bot.start}'`);
  if (!Object.values(states).some((s) => s.type === 'end')) {
    add('states', 'needs at least one state of type end');
  }

  const checkTransitions = (path: string, list: TransitionDef[]) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      if (!Object.hasOwn(bot.intents, t.intent)) add(`${path}[${i}].intent`, `unknown intent '${t.intent}'`);
      if (!stateExists(t.to)) add(`${path}[${i}].to`, `unknown state '${t.to}'`);
      if (seen.has(t.intent)) add(`${path}[${i}].intent`, `intent '${t.intent}' is listed twice`);
      seen.add(t.intent);
    });
  };
  checkTransitions('global_transitions', bot.global_transitions);
  for (const key of ['no_input', 'no_match'] as const) {
    checkTemplate(add, `${key}.prompt`, bot[key].prompt, bot.variables, bot.slots);
    if (!stateExists(bot[key].then)) add(`${key}.then`, `unknown state '${bot[key].then}'`);
  }

  for (const [name, intent] of Object.entries(bot.intents)) {
    if (intent.slot && !Object.hasOwn(bot.slots, intent.slot)) {
      add(`intents.${name}.slot`, `unknown slot '${intent.slot}'`);
    }
    let usesSlot = false;
    intent.phrases.forEach((phrase, i) => {
      const path = `intents.${name}.phrases[${i}]`;
      const problem = phraseProblem(phrase);
      if (problem) return add(path, problem);
      const refs = parsePhrase(phrase).flatMap((p) => ('slot' in p ? [p.slot] : []));
      if (refs.length > 1) add(path, `'${phrase}' uses more than one {slot}`);
      for (const ref of refs) {
        if (ref !== intent.slot)
          add(path, `'${phrase}' uses {${ref}} but the intent's slot is '${intent.slot ?? 'none'}'`);
        else usesSlot = true;
      }
    });
    if (intent.slot && !usesSlot) add(`intents.${name}.phrases`, `no phrase uses {${intent.slot}}`);
  }
  for (const [name, slot] of Object.entries(bot.slots)) {
    const forms = Array.isArray(slot.values) ? slot.values : Object.values(slot.values).flat();
    forms.forEach((form) => {
      const problem =
        phraseProblem(form) ?? (/[{}]/.test(form) ? `'${form}' cannot contain {slot}` : undefined);
      if (problem) add(`slots.${name}.values`, problem);
    });
    if (slotForms(bot, name).length === 0) add(`slots.${name}.values`, 'has no values');
  }

  for (const [id, state] of Object.entries(states)) {
    const path = `states.${id}`;
    checkTemplate(add, `${path}.prompt`, state.prompt, bot.variables, bot.slots);
    checkTemplate(add, `${path}.fallback`, state.fallback, bot.variables, bot.slots);
    if (state.type !== 'ask') continue;
    checkTemplate(add, `${path}.reprompt`, state.reprompt, bot.variables, bot.slots);
    checkTransitions(`${path}.transitions`, state.transitions);
    if (state.transitions.length === 0 && bot.global_transitions.length === 0) {
      add(`${path}.transitions`, 'an ask state needs at least one transition');
    }
    for (const key of ['no_input', 'no_match'] as const) {
      const policy = state[key];
      if (!policy) continue;
      checkTemplate(add, `${path}.${key}.prompt`, policy.prompt, bot.variables, bot.slots);
      if (!stateExists(policy.then)) add(`${path}.${key}.then`, `unknown state '${policy.then}'`);
    }
    for (const conflict of compileAskState(bot, id, state).conflicts) add(path, conflict);
  }
}

function checkLlm(bot: LlmBot, add: Add): void {
  const texts: [string, string | undefined][] = [
    ['system_prompt', bot.system_prompt],
    ['greeting', bot.greeting],
    ['fallback', bot.fallback],
    ['goodbye', bot.goodbye],
    ['transfer_text', bot.transfer_text],
    ['failure_text', bot.failure_text],
    ['no_input.prompt', bot.no_input.prompt],
    ['no_input.goodbye', bot.no_input.goodbye],
    ['no_match.prompt', bot.no_match.prompt],
    ['no_match.goodbye', bot.no_match.goodbye],
  ];
  for (const [path, text] of texts) checkTemplate(add, path, text, bot.variables, undefined);
  if (bot.tools.includes('set_disposition') && bot.dispositions.length === 0) {
    add('dispositions', 'set_disposition needs at least one disposition to choose from');
  }
  if (new Set(bot.tools).size !== bot.tools.length) add('tools', 'lists a tool twice');
}

/** Every cross-reference problem in a schema-valid bot definition. */
export function checkBot(bot: BotDefinition): BotIssue[] {
  const issues: BotIssue[] = [];
  const add: Add = (path, message) => {
    issues.push({ path, message });
  };
  switch (bot.kind) {
    case 'script':
      checkScript(bot, add);
      break;
    case 'llm':
      checkLlm(bot, add);
      break;
  }
  return issues;
}
