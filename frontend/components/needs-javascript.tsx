/**
 * Shown only when scripts are off: the forms that take a password send it from script, so
 * without it they cannot be used (and never fall back to a submit that puts it in the URL).
 */
export function NeedsJavaScript({ task }: { task: string }) {
  return (
    <noscript>
      <p className="alert alert-error" data-testid="needs-javascript">
        {task} needs JavaScript. Turn it on in your browser for this site, then reload the page.
      </p>
    </noscript>
  );
}
