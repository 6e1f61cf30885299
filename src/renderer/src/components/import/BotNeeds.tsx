import type React from 'react';
import { useEffect, useState } from 'react';
import type { BotInfo } from '../../../../shared/bots';
import { api } from '../../api';

/** Every bot's variable names, for the mapping step's suggestions; empty until (or unless) they load. */
export function useBots(): readonly BotInfo[] {
  const [bots, setBots] = useState<readonly BotInfo[]>([]);
  useEffect(() => {
    let alive = true;
    api()
      .voicebot.bots()
      .then((v) => alive && setBots(v.bots))
      // Only suggestions: the import works without them, and the Campaigns page reports the error.
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, []);
  return bots;
}

/**
 * Which bots would lack a variable with the columns as named now: a campaign skips such contacts
 * ("missing variables"), so the operator sees it here, where a column can still be named for it.
 */
export function BotNeeds({
  bots,
  keys,
}: {
  bots: readonly BotInfo[];
  keys: ReadonlySet<string>;
}): React.JSX.Element | null {
  const lacking = bots
    .map((b) => ({
      bot: b,
      missing: b.variables
        .filter((v) => v.required && v.default === null && !keys.has(v.name))
        .map((v) => v.name),
    }))
    .filter((x) => x.missing.length > 0);
  if (lacking.length === 0) return null;
  return (
    <ul className="muted" data-testid="bot-needs">
      {lacking.map(({ bot, missing }) => (
        <li key={bot.id}>
          {bot.name} needs {missing.map((m) => `{{${m}}}`).join(', ')}: name a column so (under its header),
          or its calls skip these contacts.
        </li>
      ))}
    </ul>
  );
}
