package io.github.oauthcallback.internal.refresh;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Refreshes stored logins ahead of their expiry, for long-running shells and daemons
 * (scheduled refresh). Every {@code interval} it refreshes, at most {@code concurrency} at a
 * time, the logins with a refresh token whose access token expires within {@code window}. It never opens a browser
 * (see {@link OAuthCallbackAuthorizedClientManager#refresh}). A failure, of one login or of the store itself, is
 * logged once at WARN (without secrets) and at DEBUG while it repeats, until it works again.
 * <p>
 * As a {@link SmartLifecycle} it starts with the application context and stops with it; it can be stopped and
 * started again. A sweep under way when it stops is not interrupted (a refresh cut short could lose a rotated token);
 * it finishes its refreshes.
 */
public final class ScheduledTokenRefresher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ScheduledTokenRefresher.class);

	private final TokenStore store;

	private final OAuthCallbackAuthorizedClientManager manager;

	private final @Nullable TaskScheduler scheduler;

	private final Duration interval;

	private final Duration window;

	private final int concurrency;

	private final Clock clock;

	private final Set<String> failing = ConcurrentHashMap.newKeySet();

	/** The store failure last logged, or {@code null} while listing the logins works. */
	private volatile @Nullable String storeFailure;

	private @Nullable ScheduledFuture<?> schedule;

	private @Nullable ThreadPoolTaskScheduler ownScheduler;

	/**
	 * @param store where logins are kept
	 * @param manager refreshes one login
	 * @param scheduler runs the sweeps, or {@code null} for a daemon scheduler of its own, created on
	 * {@link #start()} and shut down on {@link #stop()}
	 * @param interval time between sweeps
	 * @param window how far ahead of expiry a token is refreshed
	 * @param concurrency how many refreshes run at once
	 * @param clock the clock
	 */
	public ScheduledTokenRefresher(TokenStore store, OAuthCallbackAuthorizedClientManager manager,
			@Nullable TaskScheduler scheduler, Duration interval, Duration window, int concurrency,
			Clock clock) {
		this.store = store;
		this.manager = manager;
		this.scheduler = scheduler;
		this.interval = interval;
		this.window = window;
		this.concurrency = Math.max(1, concurrency);
		this.clock = clock;
	}

	/**
	 * Refreshes every due login once, now.
	 * @return what the sweep did
	 * @throws io.github.oauthcallback.TokenStoreException if the stored logins cannot be listed
	 */
	public Sweep sweep() {
		Instant horizon = this.clock.instant().plus(this.window);
		List<StoredLogin> due = this.store.logins()
			.stream()
			.filter((login) -> login.refreshable() && login.expiresAt() != null && login.expiresAt().isBefore(horizon))
			.toList();
		if (due.isEmpty()) {
			return new Sweep(0, 0, 0);
		}
		AtomicInteger refreshed = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		ExecutorService workers = Executors.newFixedThreadPool(Math.min(this.concurrency, due.size()), (runnable) -> {
			Thread thread = new Thread(runnable, "oauth-callback-refresh");
			thread.setDaemon(true);
			return thread;
		});
		try {
			List<Callable<Void>> tasks = new ArrayList<>();
			for (StoredLogin login : due) {
				tasks.add(() -> {
					refreshOne(login, refreshed, failed);
					return null;
				});
			}
			for (Future<Void> done : workers.invokeAll(tasks)) {
				done.get();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.warn("A scheduled refresh failed unexpectedly: " + SafeText.describe(ex.getCause()));
		}
		finally {
			workers.shutdown();
		}
		return new Sweep(due.size(), refreshed.get(), failed.get());
	}

	/**
	 * One scheduled sweep: like {@link #sweep()}, but a failure of the store is logged (once, then at DEBUG while it
	 * repeats) instead of escaping to the scheduler, which would log it with a stack trace every interval.
	 */
	void scheduledSweep() {
		try {
			sweep();
			if (this.storeFailure != null) {
				this.storeFailure = null;
				logger.info("Scheduled refresh can list the stored logins again (" + this.store.location() + ")");
			}
		}
		catch (RuntimeException ex) {
			String failure = describe(ex);
			if (failure.equals(this.storeFailure)) {
				logger.debug("Scheduled refresh still cannot list the stored logins: " + failure);
			}
			else {
				this.storeFailure = failure;
				logger.warn("Scheduled refresh cannot list the stored logins in " + this.store.location() + " ("
						+ failure + "); it tries again every " + this.interval + " and says so here when it works");
			}
		}
	}

	private void refreshOne(StoredLogin login, AtomicInteger refreshed, AtomicInteger failed) {
		String key = login.registrationId() + "\n" + login.account();
		String which = "'" + login.registrationId() + "' for account '" + login.account() + "'";
		try {
			this.manager.refresh(login.registrationId(), login.account(), this.window);
			refreshed.incrementAndGet();
			if (this.failing.remove(key)) {
				logger.info("Scheduled refresh of " + which + " works again");
			}
		}
		catch (RuntimeException ex) {
			failed.incrementAndGet();
			if (this.failing.add(key)) {
				logger.warn("Scheduled refresh of " + which + " failed: " + describe(ex));
			}
			else {
				logger.debug("Scheduled refresh of " + which + " still fails: " + describe(ex));
			}
		}
	}

	/**
	 * The starter's own failures say what to do in their messages; anything else is described without token-like
	 * values.
	 */
	private static String describe(RuntimeException failure) {
		return (failure instanceof OAuthCallbackException) ? failure.getMessage() : SafeText.describe(failure);
	}

	@Override
	public synchronized void start() {
		if (this.schedule != null) {
			return;
		}
		TaskScheduler runner = this.scheduler;
		if (runner == null) {
			this.ownScheduler = new ThreadPoolTaskScheduler();
			this.ownScheduler.setThreadNamePrefix("oauth-callback-scheduler-");
			this.ownScheduler.setDaemon(true);
			this.ownScheduler.setWaitForTasksToCompleteOnShutdown(true);
			this.ownScheduler.initialize();
			runner = this.ownScheduler;
		}
		this.schedule = runner.scheduleWithFixedDelay(this::scheduledSweep, this.interval);
	}

	@Override
	public synchronized void stop() {
		if (this.schedule != null) {
			this.schedule.cancel(false);
			this.schedule = null;
		}
		if (this.ownScheduler != null) {
			this.ownScheduler.shutdown();
			this.ownScheduler = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.schedule != null;
	}

	/**
	 * What one sweep did.
	 *
	 * @param due logins that were due
	 * @param refreshed logins refreshed (or found already refreshed by someone else)
	 * @param failed logins whose refresh failed
	 */
	public record Sweep(int due, int refreshed, int failed) {

	}

}
