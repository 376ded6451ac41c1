package io.github.oauthcallback.internal.refresh;

import java.io.IOException;

import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointFailure;
import io.github.oauthcallback.internal.http.TlsFailures;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;

/**
 * The messages of the client manager: what went wrong with a token request or a registration, and what to do.
 */
public final class RefreshMessages {

	private RefreshMessages() {
	}

	static String refusedAfterLostAnswer(String registrationId, String account) {
		return "The refresh token of '" + registrationId + "' for account '" + account
				+ "' was refused (invalid_grant) when sent again after an attempt that got no usable "
				+ "answer: the provider probably rotated it in the answer that was lost. The stored "
				+ "login was removed and a new login is needed";
	}

	static String refused(String registrationId, String account) {
		return "The refresh token of '" + registrationId + "' for account '" + account
				+ "' was refused (invalid_grant); the stored login was removed and a new login is needed";
	}

	static String refusedButNewerStored(String registrationId, String account) {
		return "The refresh token of '" + registrationId + "' for account '" + account
				+ "' was refused (invalid_grant), but a newer login was stored meanwhile; it is kept";
	}

	/** The reason a new login is needed, for {@code ReauthorizationRequiredException}. */
	static String loginReason(boolean answerLost) {
		return answerLost ? "the stored refresh token was refused (invalid_grant) after an earlier attempt got "
				+ "no usable answer, so the provider probably rotated it in an answer that was lost"
				: "the stored refresh token was refused (invalid_grant)";
	}

	/**
	 * @param clientCredentials whether the registration uses the client credentials grant
	 * @param failure what the failure means, classified once by {@code TokenRequestRetries}
	 * @param ex the failure
	 */
	static TokenRefreshException tokenFailure(String registrationId, boolean clientCredentials, String account,
			TokenEndpointFailure failure, OAuth2AuthorizationException ex) {
		String code = ex.getError().getErrorCode();
		String what;
		if (failure instanceof TokenEndpointFailure.Unreachable unreachable) {
			what = "the token endpoint could not be reached (" + unreachable.cause().getClass().getSimpleName() + ")"
					+ TlsFailures.hint(unreachable.cause()).replaceFirst("\\.$", "");
		}
		else if (failure instanceof TokenEndpointFailure.Timeout) {
			what = "the token endpoint did not answer in time";
		}
		else if (failure instanceof TokenEndpointFailure.IoFailure other) {
			what = "the connection to the token endpoint failed before an answer arrived ("
					+ other.cause().getClass().getSimpleName() + ")";
		}
		else {
			what = "the token endpoint answered with error '" + code + "'"
					+ ((failure instanceof TokenEndpointFailure.Answer answer) ? " (HTTP " + answer.status() + ")" : "");
		}
		IOException io = (failure instanceof TokenEndpointFailure.Io known) ? known.cause() : null;
		if (clientCredentials) {
			return new TokenRefreshException(code, "Getting a client-credentials token for registration '"
					+ registrationId + "' failed: " + what + ". Check the registration's client-id and client-secret, "
					+ "the network and the provider's token-uri, or try again later.", io);
		}
		return new TokenRefreshException(code, "Refreshing the token of registration '" + registrationId
				+ "' for account '" + account + "' failed: " + what + ". The stored login is kept; try again later, "
				+ "or check the network and the provider's token-uri.", io);
	}

	static boolean clientCredentials(@Nullable ClientRegistration registration) {
		return registration != null
				&& AuthorizationGrantType.CLIENT_CREDENTIALS.equals(registration.getAuthorizationGrantType());
	}

}
