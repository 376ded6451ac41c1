package io.github.oauthcallback.internal;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.util.StringUtils;

/**
 * Accounts are the principal names logins are stored under. A command-line program has no logged-in principal, so
 * the account defaults to a configured one, else the operating-system user name.
 */
public final class Accounts {

	private static final String SPRING_ANONYMOUS = "anonymousUser";

	private Accounts() {
	}

	/**
	 * @param configured the configured default account, or {@code null}
	 * @return the account to use when a call names none
	 */
	public static String defaultAccount(@Nullable String configured) {
		return StringUtils.hasText(configured) ? configured : System.getProperty("user.name", "default");
	}

	/**
	 * @param account an account name
	 * @return an authenticated principal with that name, as Spring Security's client services expect
	 */
	public static Authentication principal(String account) {
		return UsernamePasswordAuthenticationToken.authenticated(account, null, AuthorityUtils.NO_AUTHORITIES);
	}

	/**
	 * @param principal a principal from a request, possibly {@code null} or anonymous (as Spring's interceptors
	 * resolve it outside a web request)
	 * @param defaultAccount the account to use for no or an anonymous principal
	 * @return the account
	 */
	public static String of(@Nullable Authentication principal, String defaultAccount) {
		if (principal == null || principal instanceof AnonymousAuthenticationToken
				|| SPRING_ANONYMOUS.equals(principal.getName()) || !StringUtils.hasText(principal.getName())) {
			return defaultAccount;
		}
		return principal.getName();
	}

}
