/**
 * Benchmarks of the starter and the harness that runs them and writes {@code docs/performance.md}: JMH benchmarks
 * of a request with a stored token, with their fixtures, a stub token endpoint and the statistics they report.
 */
@NullMarked
package io.github.oauthcallback.benchmarks;

import org.jspecify.annotations.NullMarked;
