import type { ProviderFailure } from './types';

/** A provider's refusal as one line for the operator. */
export const failureText = (f: ProviderFailure): string => {
  switch (f.kind) {
    case 'rejected':
      return `${f.status}: ${f.message}`;
    case 'rate_limited':
      return `rate limited, retry in ${Math.ceil(f.retryAfterMs / 1000)} s: ${f.message}`;
    case 'network_error':
      return f.message;
    default: {
      const never: never = f;
      return String(never);
    }
  }
};
