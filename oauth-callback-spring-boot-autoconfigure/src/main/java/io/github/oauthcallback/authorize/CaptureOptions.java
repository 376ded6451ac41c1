package io.github.oauthcallback.authorize;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Options of one {@link LoopbackCodeCapture}. Unset values ({@code null}) fall back to the capture's defaults.
 *
 * @param name what is being authorized, in the lines printed and in exception messages (where a login names its
 * registration); {@code capture} by default
 * @param timeout how long to wait for the callback, or {@code null} for the capture's default timeout (the
 * {@code oauth-callback.login.timeout} of the bean)
 * @param redirectUri the loopback redirect URI to listen on, as a registration's {@code redirect-uri} is written
 * ({@code http://127.0.0.1:8765/callback}; no port or {@code {port}} means an ephemeral port or the configured
 * candidate ports), or {@code null} for the {@code oauth-callback.listener.*} settings
 * @param expectedIssuer the issuer the authorization URL is sent to; when set, a callback's {@code iss} must equal it
 * (RFC 9207); {@code null} checks no {@code iss}
 * @param issuerRequired whether a callback without {@code iss} is refused (the provider's metadata advertises
 * {@code authorization_response_iss_parameter_supported}); only used with an expected issuer
 */
public record CaptureOptions(String name, @Nullable Duration timeout, @Nullable String redirectUri,
		@Nullable String expectedIssuer, boolean issuerRequired) {

	/** The name of a capture that is given none. */
	public static final String DEFAULT_NAME = "capture";

	public CaptureOptions {
		name = (name == null || name.isBlank()) ? DEFAULT_NAME : name.strip();
		if (timeout != null) {
			AuthorizationOptions.requirePositiveTimeout(timeout);
		}
		redirectUri = (redirectUri == null || redirectUri.isBlank()) ? null : redirectUri.strip();
		expectedIssuer = (expectedIssuer == null || expectedIssuer.isBlank()) ? null : expectedIssuer;
		issuerRequired = expectedIssuer != null && issuerRequired;
	}

	/**
	 * @return options that change nothing
	 */
	public static CaptureOptions defaults() {
		return new CaptureOptions(DEFAULT_NAME, null, null, null, false);
	}

	/**
	 * @param name what is being authorized, for messages
	 * @return a copy with this name
	 */
	public CaptureOptions withName(String name) {
		return new CaptureOptions(name, this.timeout, this.redirectUri, this.expectedIssuer, this.issuerRequired);
	}

	/**
	 * @param timeout how long to wait for the callback
	 * @return a copy with this timeout
	 */
	public CaptureOptions withTimeout(@Nullable Duration timeout) {
		return new CaptureOptions(this.name, timeout, this.redirectUri, this.expectedIssuer, this.issuerRequired);
	}

	/**
	 * @param redirectUri the loopback redirect URI to listen on
	 * @return a copy with this redirect URI
	 */
	public CaptureOptions withRedirectUri(@Nullable String redirectUri) {
		return new CaptureOptions(this.name, this.timeout, redirectUri, this.expectedIssuer, this.issuerRequired);
	}

	/**
	 * @param issuer the issuer the authorization URL is sent to
	 * @param required whether a callback without {@code iss} is refused
	 * @return a copy with this issuer check
	 */
	public CaptureOptions withExpectedIssuer(@Nullable String issuer, boolean required) {
		return new CaptureOptions(this.name, this.timeout, this.redirectUri, issuer, required);
	}

}
