package io.github.oauthcallback.sample;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.autoconfigure.OAuthCallbackProperties;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The 'watch' profile: a long-lived process. The starter's scheduled refresh
 * ({@code oauth-callback.refresh.scheduled.*}, on in this profile) refreshes the stored logins ahead of their expiry;
 * this runner lists them, then checks the store every second and prints a line for each login whose access token
 * changed (a refresh by this process or by another one sharing the store), with its scopes and new expiry, never a
 * token value. It logs in to {@code sample.watch.registration} first when no login of it is stored. It ends after
 * {@code sample.watch.duration}, or when the application shuts down (Ctrl-C, which closes the application context).
 */
@Component
@Profile("watch")
public class WatchRunner implements CommandLineRunner, ExitCodeGenerator, ApplicationListener<ContextClosedEvent> {

	/** How often the store is looked at for refreshed logins. */
	static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

	private final TokenStore store;

	private final OAuthCallbackAuthorizedClientManager manager;

	private final OAuthCallbackProperties oauthCallback;

	private final SampleProperties properties;

	private final Clock clock = Clock.systemDefaultZone();

	private final CountDownLatch shutdown = new CountDownLatch(1);

	private volatile int exitCode;

	public WatchRunner(TokenStore store, OAuthCallbackAuthorizedClientManager manager,
			OAuthCallbackProperties oauthCallback, SampleProperties properties) {
		this.store = store;
		this.manager = manager;
		this.oauthCallback = oauthCallback;
		this.properties = properties;
	}

	@Override
	public void run(String... args) throws InterruptedException {
		PrintStream out = System.out;
		OAuthCallbackProperties.Scheduled scheduled = this.oauthCallback.refresh().scheduled();
		if (!scheduled.enabled()) {
			System.err.println("Nothing would refresh the logins: the watch profile needs "
					+ "oauth-callback.refresh.scheduled.enabled=true (application-watch.yml sets it; remove the "
					+ "setting that turns it off).");
			this.exitCode = SampleCommands.FAILED;
			return;
		}
		String registration = this.properties.watch().registration();
		if (StringUtils.hasText(registration) && !loginFirst(registration)) {
			this.exitCode = SampleCommands.FAILED;
			return;
		}
		Duration duration = this.properties.watch().duration();
		Map<String, Instant> expiries = expiries(this.store.logins());
		out.println("Watching " + expiries.size() + " stored login" + ((expiries.size() == 1) ? "" : "s") + " in "
				+ this.store.location() + ": scheduled refresh every " + SampleCommands.human(scheduled.interval())
				+ " of the tokens expiring within " + SampleCommands.human(scheduled.window()) + ". "
				+ (duration.isZero() ? "Ctrl-C stops." : "Stops in " + SampleCommands.human(duration)
						+ " (sample.watch.duration) or on Ctrl-C."));
		for (StoredLogin login : this.store.logins()) {
			out.println("  " + name(login) + ": " + SampleCommands.describe(login, this.clock.instant())
					+ (login.refreshable() ? "" : " (no refresh token: not refreshed)"));
		}
		out.flush();
		Instant end = duration.isZero() ? null : this.clock.instant().plus(duration);
		while (!this.shutdown.await(CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
			expiries = printRefreshes(expiries, out);
			if (end != null && !this.clock.instant().isBefore(end)) {
				out.println("Stopped after " + SampleCommands.human(duration) + " (sample.watch.duration).");
				return;
			}
		}
		out.println("Stopped: the application is shutting down (Ctrl-C or another stop signal).");
	}

	private boolean loginFirst(String registration) {
		String account = this.oauthCallback.login().accountOrUserName();
		if (this.store.loadAuthorizedClient(registration, account) != null) {
			return true;
		}
		try {
			this.manager.login(registration, AuthorizationOptions.defaults().withAccount(account));
			System.out.println("Logged in to '" + registration + "' for account '" + account + "'.");
			return true;
		}
		catch (OAuthCallbackException ex) {
			System.err.println(ex.getMessage());
			return false;
		}
	}

	/** Prints a line for each login whose expiry changed since the last look, and returns the new expiries. */
	private Map<String, Instant> printRefreshes(Map<String, Instant> before, PrintStream out) {
		List<StoredLogin> logins;
		try {
			logins = this.store.logins();
		}
		catch (RuntimeException ex) {
			// The scheduled refresh says what is wrong with the store (once); keep watching.
			return before;
		}
		Instant now = this.clock.instant();
		for (StoredLogin login : logins) {
			Instant previous = before.get(name(login));
			if (before.containsKey(name(login)) && !Objects.equals(previous, login.expiresAt())) {
				out.println(LocalTime.now(this.clock).truncatedTo(ChronoUnit.SECONDS) + " Refreshed " + name(login)
						+ ": " + SampleCommands.describe(login, now));
			}
			else if (!before.containsKey(name(login))) {
				out.println(LocalTime.now(this.clock).truncatedTo(ChronoUnit.SECONDS) + " New login " + name(login)
						+ ": " + SampleCommands.describe(login, now));
			}
		}
		out.flush();
		return expiries(logins);
	}

	private static Map<String, Instant> expiries(List<StoredLogin> logins) {
		Map<String, Instant> expiries = new HashMap<>();
		for (StoredLogin login : logins) {
			expiries.put(name(login), login.expiresAt());
		}
		return expiries;
	}

	private static String name(StoredLogin login) {
		return "'" + login.registrationId() + "' for account '" + login.account() + "'";
	}

	/** Ctrl-C: the JVM's shutdown hook closes the application context, which ends the watch. */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.shutdown.countDown();
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

}
