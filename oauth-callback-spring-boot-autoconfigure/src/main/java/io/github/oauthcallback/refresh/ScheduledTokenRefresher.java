package io.github.oauthcallback.refresh;

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

import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Refreshes stored logins ahead of their expiry, for long-running shells and daemons
 * ({@code oauth-callback.refresh.scheduled.*}). Every {@code interval} it refreshes, at most {@code concurrency} at a
 * time, the logins with a refresh token whose access token expires within {@code window}. A failing login is logged
 * once (without secrets) until it succeeds again.
 */
public final class ScheduledTokenRefresher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ScheduledTokenRefresher.class);

	private final TokenStore store;

	private final OAuthCallbackAuthorizedClientManager manager;

	private final TaskScheduler scheduler;

	private final Duration interval;

	private final Duration window;

	private final int concurrency;

	private final Clock clock;

	private final Set<String> failing = ConcurrentHashMap.newKeySet();

	private volatile ScheduledFuture<?> schedule;

	private Runnable onStop = () -> {
	};

	/**
	 * @param store where logins are kept
	 * @param manager refreshes one login
	 * @param scheduler runs the sweeps
	 * @param interval time between sweeps
	 * @param window how far ahead of expiry a token is refreshed
	 * @param concurrency how many refreshes run at once
	 * @param clock the clock
	 */
	public ScheduledTokenRefresher(TokenStore store, OAuthCallbackAuthorizedClientManager manager,
			TaskScheduler scheduler, Duration interval, Duration window, int concurrency, Clock clock) {
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
			logger.warn("A scheduled refresh failed unexpectedly: " + ex.getCause().getClass().getName());
		}
		finally {
			workers.shutdownNow();
		}
		return new Sweep(due.size(), refreshed.get(), failed.get());
	}

	private void refreshOne(StoredLogin login, AtomicInteger refreshed, AtomicInteger failed) {
		String key = login.registrationId() + "/" + login.account();
		try {
			this.manager.refresh(login.registrationId(), login.account(), this.window);
			refreshed.incrementAndGet();
			if (this.failing.remove(key)) {
				logger.info("Scheduled refresh of '" + login.registrationId() + "' for account '" + login.account()
						+ "' works again");
			}
		}
		catch (RuntimeException ex) {
			failed.incrementAndGet();
			if (this.failing.add(key)) {
				logger.warn("Scheduled refresh of '" + login.registrationId() + "' for account '" + login.account()
						+ "' failed: " + ex.getMessage());
			}
		}
	}

	/**
	 * @param action run when the refresher stops, for example to shut down a scheduler made only for it
	 */
	public void onStop(Runnable action) {
		this.onStop = action;
	}

	@Override
	public void start() {
		this.schedule = this.scheduler.scheduleWithFixedDelay(this::sweep, this.interval);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> current = this.schedule;
		if (current != null) {
			current.cancel(true);
			this.schedule = null;
		}
		this.onStop.run();
	}

	@Override
	public boolean isRunning() {
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
