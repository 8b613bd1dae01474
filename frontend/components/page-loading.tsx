/** What a page shows while the server is still gathering what it needs. */
export function PageLoading({ what }: { what: string }) {
  return (
    <section className="card narrow" aria-busy="true">
      <p className="muted" role="status">
        {what}
      </p>
    </section>
  );
}
