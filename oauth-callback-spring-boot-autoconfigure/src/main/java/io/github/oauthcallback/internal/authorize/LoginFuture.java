package io.github.oauthcallback.internal.authorize;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.internal.SafeText;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * The future an interactive login hands to its caller (the loopback login and the device login), fed from the
 * login's own work. Ending it from outside (cancel, complete, completeExceptionally) abandons the login; the login
 * then saves nothing. Once the login has committed to saving, ending it from outside is refused, so a caller is never
 * told "cancelled" about tokens that were saved.
 */
public final class LoginFuture extends CompletableFuture<OAuth2AuthorizedClient> {

	private final Object lock = new Object();

	private boolean saving;

	private boolean abandoned;

	/**
	 * @return whether the tokens may be saved: {@code false} if the caller already ended the login
	 */
	public boolean commit() {
		synchronized (this.lock) {
			if (this.abandoned || isDone()) {
				return false;
			}
			this.saving = true;
			return true;
		}
	}

	private boolean abandon() {
		synchronized (this.lock) {
			if (this.saving) {
				return false;
			}
			this.abandoned = true;
			return true;
		}
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		return abandon() && super.cancel(mayInterruptIfRunning);
	}

	@Override
	public boolean complete(OAuth2AuthorizedClient value) {
		return abandon() && super.complete(value);
	}

	@Override
	public boolean completeExceptionally(Throwable ex) {
		return abandon() && super.completeExceptionally(ex);
	}

	/**
	 * Completes the login with its saved result.
	 * @param client the saved login
	 */
	public void succeed(OAuth2AuthorizedClient client) {
		super.complete(client);
	}

	/**
	 * Fails the login.
	 * @param failure why
	 */
	public void fail(Throwable failure) {
		super.completeExceptionally(failure);
	}

	/**
	 * Waits for a login. Interrupting the waiting thread cancels the login, unless it is already being saved, in
	 * which case its result is returned and the thread stays interrupted.
	 * @param registrationId the registration, for messages
	 * @param login the login's future
	 * @return the saved login
	 * @throws OAuthCallbackException if the login failed, timed out or was cancelled
	 */
	public static OAuth2AuthorizedClient await(String registrationId, CompletableFuture<OAuth2AuthorizedClient> login) {
		try {
			return login.get();
		}
		catch (InterruptedException ex) {
			boolean cancelled = login.cancel(true);
			try {
				if (cancelled) {
					throw new AuthorizationCancelledException(registrationId);
				}
				// Too late: the login already ended or is being saved, so its result is what happened.
				return login.join();
			}
			catch (CancellationException cancellation) {
				throw new AuthorizationCancelledException(registrationId);
			}
			catch (CompletionException failure) {
				throw failed(registrationId, failure.getCause());
			}
			finally {
				Thread.currentThread().interrupt();
			}
		}
		catch (CancellationException ex) {
			throw new AuthorizationCancelledException(registrationId);
		}
		catch (ExecutionException ex) {
			throw failed(registrationId, ex.getCause());
		}
	}

	private static OAuthCallbackException failed(String registrationId, Throwable cause) {
		if (cause instanceof OAuthCallbackException oauthCallbackException) {
			return oauthCallbackException;
		}
		return new OAuthCallbackException("The login for registration '" + registrationId + "' failed unexpectedly: "
				+ SafeText.describe(cause) + ". Run the login again once it is fixed.", cause);
	}

}
