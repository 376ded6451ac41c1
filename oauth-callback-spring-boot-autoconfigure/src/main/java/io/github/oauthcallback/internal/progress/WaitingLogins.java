package io.github.oauthcallback.internal.progress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.github.oauthcallback.internal.SafeText;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The logins of this JVM that are waiting for the user (a loopback listener, a device login's polling), so that they
 * end cleanly when the program stops: on Ctrl-C (SIGINT) or a termination signal the JVM runs its shutdown hooks, and
 * one hook of this class, installed with the first waiting login, cancels every login still waiting: each closes its
 * listener (releasing the port) or stops its polling, and says so on the console. A closing Spring application
 * context (for example Spring Boot's own shutdown hook) does the same for the logins of its beans ({@link #cancel}).
 * A login that is already being saved is not cancelled: it completes.
 */
public final class WaitingLogins {

	/** Why a login ends when the JVM stops. */
	public static final String JVM_STOPPING = "the program is stopping (Ctrl-C or a termination signal)";

	/** Why a login ends when the application context closes. */
	public static final String CONTEXT_CLOSING = "the application is shutting down";

	private static final Log logger = LogFactory.getLog(WaitingLogins.class);

	private static final Map<Waiting, Object> waiting = new ConcurrentHashMap<>();

	private static final AtomicBoolean hookInstalled = new AtomicBoolean();

	private WaitingLogins() {
	}

	/**
	 * Registers a waiting login until it ends.
	 * @param owner the bean that started it, for {@link #cancel(Object, String)}
	 * @param cancel ends the login and tells the user why (given the reason); runs at most once
	 * @return the registration, to {@link Waiting#done() end} when the login ends by itself
	 */
	public static Waiting register(Object owner, Consumer<String> cancel) {
		installHook();
		Waiting entry = new Waiting(cancel);
		waiting.put(entry, owner);
		return entry;
	}

	/**
	 * Cancels the waiting logins an owner started, as its application context closes.
	 * @param owner the bean
	 * @param reason why, for the user
	 */
	public static void cancel(Object owner, String reason) {
		// On Ctrl-C, Spring Boot's shutdown hook may close the context before this class's hook runs: say why.
		String why = jvmStopping() ? JVM_STOPPING : reason;
		waiting.forEach((entry, entryOwner) -> {
			if (entryOwner == owner) {
				entry.cancel(why);
			}
		});
	}

	/**
	 * @return whether the JVM is running its shutdown hooks (a hook can no longer be added then)
	 */
	static boolean jvmStopping() {
		Thread probe = new Thread(() -> {
		}, "oauth-callback-shutdown-probe");
		try {
			Runtime.getRuntime().addShutdownHook(probe);
			Runtime.getRuntime().removeShutdownHook(probe);
			return false;
		}
		catch (IllegalStateException ex) {
			return true;
		}
	}

	/**
	 * Cancels every waiting login of the JVM: what the shutdown hook does.
	 * @param reason why, for the user
	 */
	static void cancelAll(String reason) {
		waiting.keySet().forEach((entry) -> entry.cancel(reason));
	}

	/**
	 * @return how many logins wait now (tests)
	 */
	static int count() {
		return waiting.size();
	}

	private static void installHook() {
		if (hookInstalled.compareAndSet(false, true)) {
			try {
				Runtime.getRuntime()
					.addShutdownHook(new Thread(() -> cancelAll(JVM_STOPPING), "oauth-callback-shutdown"));
			}
			catch (IllegalStateException ex) {
				// The JVM is already stopping: the login will be cut short with it.
				logger.debug("Not watching for Ctrl-C: the JVM is already shutting down");
			}
		}
	}

	/**
	 * One waiting login.
	 */
	public static final class Waiting {

		private final Consumer<String> cancel;

		private Waiting(Consumer<String> cancel) {
			this.cancel = cancel;
		}

		/**
		 * The login ended by itself: nothing is left to cancel. Safe to call more than once.
		 */
		public void done() {
			waiting.remove(this);
		}

		private void cancel(String reason) {
			if (waiting.remove(this) == null) {
				return;
			}
			try {
				this.cancel.accept(reason);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not cancel a waiting login: " + SafeText.describe(ex));
			}
		}

	}

}
