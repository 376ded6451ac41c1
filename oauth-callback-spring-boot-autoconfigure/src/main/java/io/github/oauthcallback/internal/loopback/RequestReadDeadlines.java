package io.github.oauthcallback.internal.loopback;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The executor of a listener's JDK {@code HttpServer}, which reads each request's line and headers on it before the
 * handler runs. So that connections that send a few bytes and stall cannot hold the genuine callback:
 * <ul>
 * <li>a request that has not reached the handler within the read deadline is ended: its thread is interrupted, which
 * closes the connection's {@code SocketChannel} (an interruptible channel) and frees the thread. A thread already in
 * the handler (which may be exchanging the code) is never interrupted by the deadline;</li>
 * <li>up to {@value #THREADS} requests are read at once, and up to {@value #QUEUED} more wait for a thread (at most
 * one read deadline), so the server's dispatcher never runs a request itself; beyond that the server closes new
 * connections at once.</li>
 * </ul>
 * Connections that send nothing (a browser's speculative pre-connections) take no thread: the server only hands a
 * connection over once it has bytes to read, and the deadline starts then. The deadlines are scheduled with
 * {@link CompletableFuture#completeOnTimeout}, like the login's timeout, so no thread of its own is needed.
 */
public final class RequestReadDeadlines implements Executor {

	static final int THREADS = 16;

	static final int QUEUED = 64;

	private static final int READING = 0;

	private static final int HANDLING = 1;

	private static final int EXPIRED = 2;

	private static final int DONE = 3;

	private final ThreadPoolExecutor pool;

	private final long deadlineMillis;

	private final Map<Thread, Request> running = new ConcurrentHashMap<>();

	/**
	 * @param deadlineMillis how long a request may take to reach the handler, in milliseconds
	 * @param threads names the threads
	 */
	RequestReadDeadlines(long deadlineMillis, ThreadFactory threads) {
		this.deadlineMillis = deadlineMillis;
		this.pool = new ThreadPoolExecutor(THREADS, THREADS, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUED),
				threads, new ThreadPoolExecutor.AbortPolicy());
		this.pool.allowCoreThreadTimeOut(true);
	}

	/**
	 * Runs one of the server's exchanges; throws {@link java.util.concurrent.RejectedExecutionException} when too many
	 * are pending, upon which the server closes that connection.
	 */
	@Override
	public void execute(Runnable exchange) {
		this.pool.execute(new Request(exchange));
	}

	/**
	 * Called first by the handler: from now on the request is past its read deadline's reach.
	 * @return {@code false} if the deadline already ended the request (its connection is closed or being closed),
	 * then the handler must not answer; {@code true} otherwise, also on a thread that is not one of this executor's
	 */
	boolean enterHandler() {
		Request request = this.running.get(Thread.currentThread());
		return request == null || request.state.compareAndSet(READING, HANDLING);
	}

	/**
	 * Stops every thread; interrupts those still running, as {@link ThreadPoolExecutor#shutdownNow()} does.
	 */
	void shutdownNow() {
		this.pool.shutdownNow();
	}

	/** One request, from the moment a thread starts reading it. */
	private final class Request implements Runnable {

		private final Runnable exchange;

		private final AtomicInteger state = new AtomicInteger(READING);

		private volatile @Nullable Thread thread;

		Request(Runnable exchange) {
			this.exchange = exchange;
		}

		@Override
		public void run() {
			Thread current = Thread.currentThread();
			this.thread = current;
			RequestReadDeadlines.this.running.put(current, this);
			CompletableFuture<Boolean> deadline = new CompletableFuture<>();
			deadline.completeOnTimeout(Boolean.TRUE, RequestReadDeadlines.this.deadlineMillis, TimeUnit.MILLISECONDS)
				.thenRun(this::expire);
			try {
				this.exchange.run();
			}
			finally {
				deadline.cancel(false);
				synchronized (this) {
					// After this, expire() interrupts nothing; an interrupt it already sent was delivered (it sends
					// it holding this lock), so clearing it below keeps it from reaching the thread's next request.
					this.state.set(DONE);
				}
				RequestReadDeadlines.this.running.remove(current);
				if (!RequestReadDeadlines.this.pool.isShutdown()) {
					Thread.interrupted();
				}
			}
		}

		private void expire() {
			synchronized (this) {
				if (this.state.compareAndSet(READING, EXPIRED)) {
					this.thread.interrupt();
				}
			}
		}

	}

}
