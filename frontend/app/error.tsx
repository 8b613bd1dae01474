"use client";
// Shown in place of a page that failed to render, below the nav, instead of a blank page.

export default function PageError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <section className="card narrow" aria-labelledby="error-heading">
      <h1 id="error-heading">This page could not be shown</h1>
      <p role="alert">Something went wrong on our side. Try again in a moment.</p>
      <button type="button" className="button" onClick={() => retry()}>
        Try again
      </button>
    </section>
  );
}
