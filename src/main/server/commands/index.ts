import type { Command } from 'commander';
import { registerCampaignCommands } from './campaigns';
import { registerContactsCommands } from './contacts';
import { registerTelephonyCommands } from './telephony';
import { registerQaCommands } from './qa';
import { registerExportCommands } from './export';
import { registerVoicebotCommands } from './voicebot';
import { registerDataCareCommands } from './data-care';

/** Registers one domain's subcommands on the `calldeck` program. */
export type RegisterCommands = (program: Command) => void;

/** Add each domain's command module here (e.g. contacts: `calldeck import`, `calldeck lists`). */
export const COMMANDS: readonly RegisterCommands[] = [
  registerTelephonyCommands,
  registerContactsCommands,
  registerVoicebotCommands,
  registerCampaignCommands,
  registerQaCommands,
  registerExportCommands,
  registerDataCareCommands,
];
