// Ends a test run with one plain line, "elements: N passed, N failed, N skipped", that people and
// CI log readers can rely on whatever the other reporters printed.

/** Counts test results in a mocha suite tree. */
function count(suite, totals) {
  for (const test of suite?.tests ?? []) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite?.suites ?? []) count(child, totals);
  return totals;
}

/** A @web/test-runner reporter that prints the closing line when the run stops. */
export function closingLineReporter({ label = 'elements' } = {}) {
  let totals;
  return {
    onTestRunFinished({ sessions }) {
      totals = { passed: 0, failed: 0, skipped: 0, fileErrors: 0 };
      for (const session of sessions) {
        count(session.testResults, totals);
        // A file that failed to load or threw outside a test counts as a failure too.
        if (!session.passed && (session.errors?.length ?? 0) > 0) totals.fileErrors += 1;
      }
    },
    stop() {
      if (!totals) return;
      const failed = totals.failed + totals.fileErrors;
      const line = `${label}: ${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped`;
      // The default reporter writes its own footer after stop(); print ours last of all.
      process.once('exit', () => console.log(`\n${line}`));
    },
  };
}
