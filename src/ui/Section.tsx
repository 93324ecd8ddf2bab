/**
 * A part of the page a visitor opens when they want it, in the order the walk-through tells the
 * story, so that a phone page stays a few screens long. What it holds is made when it is first
 * opened (a closed section neither fetches its recorded files nor redraws while a run trains).
 */
import { useState, type ReactNode } from 'react';

export function Section({
  id,
  title,
  tour,
  open = false,
  children,
}: {
  id: string;
  title: string;
  tour?: string;
  open?: boolean;
  children: ReactNode;
}) {
  const [opened, setOpened] = useState(open);
  return (
    <details className="section" id={id} data-tour={tour} open={open} onToggle={(e) => e.currentTarget.open && setOpened(true)}>
      <summary>
        <h2>{title}</h2>
      </summary>
      {opened && <div className="section-body">{children}</div>}
    </details>
  );
}
