package io.github.oauthcallback.benchmarks;

import java.util.Arrays;

/**
 * Median and spread of a sample of durations, in microseconds.
 *
 * @param median the median
 * @param p10 the 10th percentile
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param count the sample size
 */
record Stats(double median, double p10, double p90, double p99, int count) {

	static Stats ofNanos(long[] nanos) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		return new Stats(micros(sorted, 0.50), micros(sorted, 0.10), micros(sorted, 0.90), micros(sorted, 0.99),
				sorted.length);
	}

	private static double micros(long[] sorted, double quantile) {
		int index = (int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)));
		return sorted[index] / 1000.0;
	}

	String millis() {
		return String.format("%.2f ms (p10 %.2f, p90 %.2f; n=%d)", this.median / 1000, this.p10 / 1000,
				this.p90 / 1000, this.count);
	}

	String microsText() {
		return String.format("%.0f µs (p10 %.0f, p90 %.0f; n=%d)", this.median, this.p10, this.p90, this.count);
	}

}
