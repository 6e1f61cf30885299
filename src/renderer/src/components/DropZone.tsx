import type React from 'react';
import { useRef, useState } from 'react';
import type { FileLike } from '../../../shared/files';

interface DropZoneProps {
  label: string;
  hint?: string;
  accept?: string;
  disabled?: boolean;
  onFile: (file: FileLike) => void;
}

/** Drag a file from the desktop, or click (or press Enter) to browse. */
export function DropZone({ label, hint, accept, disabled, onFile }: DropZoneProps): React.JSX.Element {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const take = (files: FileList | null) => {
    const file = files?.[0];
    if (file && !disabled) onFile(file);
  };
  return (
    <div
      className={`dropzone${over ? ' dropzone--over' : ''}${disabled ? ' dropzone--disabled' : ''}`}
      role="button"
      tabIndex={0}
      aria-disabled={disabled}
      data-testid="dropzone"
      onClick={() => !disabled && input.current?.click()}
      onKeyDown={(e) => {
        if ((e.key === 'Enter' || e.key === ' ') && !disabled) input.current?.click();
      }}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        take(e.dataTransfer.files);
      }}
    >
      <strong>{label}</strong>
      {hint && <span className="muted">{hint}</span>}
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        onChange={(e) => {
          take(e.target.files);
          e.target.value = '';
        }}
      />
    </div>
  );
}
