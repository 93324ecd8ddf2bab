/** A wide table that scrolls sideways on a narrow screen; focusable, so the keyboard can scroll it too. */
import type { ReactNode } from 'react';

export function Scroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
