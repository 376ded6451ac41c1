package io.github.oauthcallback.support;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Threads for tests that run blocking work (a refresh, a logout, a login) in the background. Not the common
 * ForkJoinPool: on two cores it has one worker, and a blocking HTTP call that occupies it can starve the JDK 25
 * HttpClient, which completes work on that pool.
 */
public final class TestThreads {

	/** Daemon threads, created as needed. */
	public static final ExecutorService POOL = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "test-background");
		thread.setDaemon(true);
		return thread;
	});

	private TestThreads() {
	}

}
