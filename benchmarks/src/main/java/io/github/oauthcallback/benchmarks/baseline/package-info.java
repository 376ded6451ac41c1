/**
 * P3's baseline: the sample's {@code status} and {@code call} done by hand without the starter, so that the
 * difference between the two processes is what the starter costs.
 */
@NullMarked
package io.github.oauthcallback.benchmarks.baseline;

import org.jspecify.annotations.NullMarked;
