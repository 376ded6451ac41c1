/**
 * P3, whole-process start-up of the sample with and without the starter: building the baseline jar, timing the
 * processes with and without the fast-start techniques, and breaking the start-up time down.
 */
@NullMarked
package io.github.oauthcallback.benchmarks.p3;

import org.jspecify.annotations.NullMarked;
