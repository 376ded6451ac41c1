package io.github.oauthcallback.internal.observation;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The value of the {@code oauth.callback.error} tag: an OAuth error code from the registered ones (RFC 6749, 6750,
 * 7009, 8628, OpenID Connect), or Spring Security's own codes for answers it could not read, so the tag stays
 * low-cardinality whatever a provider sends: any other code is {@value #OTHER}.
 */
public final class ErrorCodes {

	/** No OAuth error: success, or a failure without an OAuth error code. */
	public static final String NONE = "none";

	/** An OAuth error code outside the known ones. */
	public static final String OTHER = "other";

	/** The codes a provider sends (RFC 6749, 6750, 7009, 8628, 8707, OpenID Connect). */
	private static final Set<String> PROVIDER = Set.of("invalid_request", "invalid_client", "invalid_grant",
			"unauthorized_client", "unsupported_grant_type", "invalid_scope", "access_denied",
			"unsupported_response_type", "server_error", "temporarily_unavailable", "invalid_token",
			"insufficient_scope", "unsupported_token_type", "authorization_pending", "slow_down", "expired_token",
			"interaction_required", "login_required", "account_selection_required", "consent_required",
			"invalid_request_uri", "invalid_request_object", "request_not_supported", "request_uri_not_supported",
			"registration_not_supported", "invalid_target");

	/** The codes Spring Security and the starter give a failure of their own (an answer they could not use). */
	private static final Set<String> CLIENT = Set.of("invalid_token_response", "invalid_id_token", "invalid_nonce",
			"invalid_state_parameter", "invalid_redirect_uri_parameter", "authorization_request_not_found",
			"client_registration_not_found", "invalid_revocation_response");

	private ErrorCodes() {
	}

	/**
	 * @param code an OAuth error code, or {@code null}
	 * @return the code if it is a known one, {@value #NONE} for {@code null} or blank, else {@value #OTHER}
	 */
	public static String of(@Nullable String code) {
		if (code == null || code.isBlank()) {
			return NONE;
		}
		return (PROVIDER.contains(code) || CLIENT.contains(code)) ? code : OTHER;
	}

	/**
	 * @param code an OAuth error code, or {@code null}
	 * @return whether it is one a provider sends (rather than one Spring Security gives an unusable answer)
	 */
	public static boolean fromProvider(@Nullable String code) {
		return code != null && PROVIDER.contains(code);
	}

}
