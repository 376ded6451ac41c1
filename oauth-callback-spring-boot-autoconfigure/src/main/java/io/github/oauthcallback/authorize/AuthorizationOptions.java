package io.github.oauthcallback.authorize;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Per-login options. Unset values ({@code null}) fall back to the registration and the authorizer's defaults.
 *
 * @param additionalScopes scopes requested on top of the registration's
 * @param account the account (principal name) the result is stored under; {@code null} for the authorizer's default
 * account, else the operating-system user name
 * @param loginHint the OIDC {@code login_hint}, or {@code null}
 * @param prompt the OIDC {@code prompt} (for example {@code login}, {@code consent}, {@code select_account}), or
 * {@code null}
 * @param timeout how long to wait for the user, or {@code null} for the authorizer's default timeout
 */
public record AuthorizationOptions(Set<String> additionalScopes, @Nullable String account, @Nullable String loginHint,
		@Nullable String prompt, @Nullable Duration timeout) {

	public AuthorizationOptions {
		additionalScopes = (additionalScopes != null) ? Collections.unmodifiableSet(new LinkedHashSet<>(additionalScopes))
				: Set.of();
		if (timeout != null) {
			requirePositiveTimeout(timeout);
		}
	}

	/**
	 * The one check of a login timeout, for these options, the authorizer's default and the configuration property.
	 * @param timeout how long a login waits for the user
	 * @return the timeout
	 * @throws IllegalArgumentException if it is {@code null}, zero or negative
	 */
	public static Duration requirePositiveTimeout(@Nullable Duration timeout) {
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("The login timeout must be positive (was " + timeout + "): it is how "
					+ "long a login waits for the user to finish in the browser. Use a duration such as 5m (the "
					+ "default), 90s or 1h.");
		}
		return timeout;
	}

	/**
	 * @return options that change nothing
	 */
	public static AuthorizationOptions defaults() {
		return new AuthorizationOptions(Set.of(), null, null, null, null);
	}

	/**
	 * @param scopes scopes to request on top of the registration's (added to those already given)
	 * @return a copy with these additional scopes
	 */
	public AuthorizationOptions withAdditionalScopes(String... scopes) {
		Set<String> all = new LinkedHashSet<>(this.additionalScopes);
		all.addAll(List.of(scopes));
		return new AuthorizationOptions(all, this.account, this.loginHint, this.prompt, this.timeout);
	}

	/**
	 * @param account the account to store the result under
	 * @return a copy with this account
	 */
	public AuthorizationOptions withAccount(@Nullable String account) {
		return new AuthorizationOptions(this.additionalScopes, account, this.loginHint, this.prompt, this.timeout);
	}

	/**
	 * @param loginHint the OIDC {@code login_hint}
	 * @return a copy with this hint
	 */
	public AuthorizationOptions withLoginHint(@Nullable String loginHint) {
		return new AuthorizationOptions(this.additionalScopes, this.account, loginHint, this.prompt, this.timeout);
	}

	/**
	 * @param prompt the OIDC {@code prompt}
	 * @return a copy with this prompt
	 */
	public AuthorizationOptions withPrompt(@Nullable String prompt) {
		return new AuthorizationOptions(this.additionalScopes, this.account, this.loginHint, prompt, this.timeout);
	}

	/**
	 * @param timeout how long to wait for the user
	 * @return a copy with this timeout
	 */
	public AuthorizationOptions withTimeout(@Nullable Duration timeout) {
		return new AuthorizationOptions(this.additionalScopes, this.account, this.loginHint, this.prompt, timeout);
	}

}
