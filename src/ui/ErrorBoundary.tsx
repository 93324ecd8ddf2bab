/** The last line of defence: an error while rendering shows what went wrong and a way back, never a blank page. */
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <main>
        <div className="notice error" role="alert" data-testid="page-error">
          <h1>Something went wrong on this page</h1>
          <p>
            <code>{error.message}</code>
          </p>
          <p>
            <a href={location.pathname}>Reset to the default settings</a> (the quick classroom run), or reload to try again.
          </p>
        </div>
      </main>
    );
  }
}
