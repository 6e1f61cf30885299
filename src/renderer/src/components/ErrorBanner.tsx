import type React from 'react';

/** An error the user can read and dismiss; the page also clears it once its cause is gone. */
export function ErrorBanner({
  message,
  onDismiss,
}: {
  message: string;
  onDismiss: () => void;
}): React.JSX.Element {
  return (
    <div className="banner banner--error banner--dismissable" role="alert">
      <span>{message}</span>
      <button type="button" className="banner__dismiss" aria-label="Dismiss this message" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
