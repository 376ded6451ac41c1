package io.github.oauthcallback.internal.device;

import java.net.URI;

import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointFailure;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * The messages of a device login that failed at the provider: what went wrong, with the provider's error code and
 * description (cleaned) and the HTTP status, and what to check. Never a device code or token: Spring's own
 * descriptions, which may quote a body, are not used, and only I/O causes (which carry no body) are chained.
 */
final class DeviceLoginFailures {

	private DeviceLoginFailures() {
	}

	/**
	 * @param registration the registration
	 * @param endpoint the device authorization endpoint
	 * @param ex the failure of the device authorization request
	 * @return the exception to throw
	 */
	static TokenExchangeException authorizationRequestRefused(ClientRegistration registration, URI endpoint,
			OAuth2AuthorizationException ex) {
		String what = "The device authorization endpoint " + SafeText.providerText(endpoint.toString())
				+ " of registration '" + registration.getRegistrationId() + "'";
		return failed(registration, what, "device authorization request", ex, TokenEndpointFailure.of(ex));
	}

	/**
	 * @param registration the registration
	 * @param ex the failure of a device-code token request
	 * @param failure what it means
	 * @return the exception to throw
	 */
	static TokenExchangeException tokenRequestRefused(ClientRegistration registration, OAuth2AuthorizationException ex,
			TokenEndpointFailure failure) {
		String what = "The token endpoint of registration '" + registration.getRegistrationId() + "'";
		return failed(registration, what, "device code", ex, failure);
	}

	private static TokenExchangeException failed(ClientRegistration registration, String what, String request,
			OAuth2AuthorizationException ex, TokenEndpointFailure failure) {
		String property = "spring.security.oauth2.client.registration." + registration.getRegistrationId();
		if (failure instanceof TokenEndpointFailure.Io io) {
			return new TokenExchangeException(ex.getError().getErrorCode(),
					what + ((io instanceof TokenEndpointFailure.Unreachable) ? " could not be reached"
							: " did not answer in time") + " (" + io.cause().getClass().getSimpleName()
							+ "). Check the network and the endpoint's address, then log in again.",
					io.cause());
		}
		OAuth2Error error = (failure instanceof TokenEndpointFailure.Answer answer) ? answer.error() : ex.getError();
		String code = error.getErrorCode();
		String provider = " (" + ((failure instanceof TokenEndpointFailure.Answer answer)
				? "HTTP " + answer.status() + ", " : "") + "error '" + code + "'"
				+ ((error.getDescription() != null) ? ": " + SafeText.providerText(error.getDescription()) : "")
				+ ")";
		String message = switch (code) {
			case "invalid_client", "unauthorized_client" -> what + " rejected the client" + provider + ". Check "
					+ property + ".client-id, client-secret and client-authentication-method (a public client uses "
					+ "'none'), and that the provider allows this client the device authorization grant.";
			case "unsupported_grant_type" -> what + " does not offer the device authorization grant to this client"
					+ provider + ". Allow it for the client at the provider, or log in through the browser.";
			case "invalid_scope" -> what + " refused the scopes" + provider + ". Check " + property + ".scope; some "
					+ "providers allow fewer scopes (often no 'openid') to device logins.";
			case "invalid_grant" -> what + " refused the " + request + provider + "; start the login again.";
			case "invalid_token_response" -> what + " did not give a usable answer to the " + request + " request"
					+ provider + ". Check that the endpoint is the provider's and that it answers with JSON.";
			default -> what + " refused the " + request + " request" + provider + ". Check the registration against "
					+ "the provider's settings, then log in again.";
		};
		return new TokenExchangeException(code, message, null);
	}

}
