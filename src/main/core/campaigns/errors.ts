/** Why a campaign request was refused: the Api maps the code to its own. */
export type CampaignErrorCode = 'not_found' | 'invalid' | 'conflict';

export class CampaignError extends Error {
  constructor(
    readonly code: CampaignErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CampaignError';
  }
}
