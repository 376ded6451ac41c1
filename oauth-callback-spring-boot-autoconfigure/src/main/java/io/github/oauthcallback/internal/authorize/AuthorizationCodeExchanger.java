package io.github.oauthcallback.internal.authorize;

import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.internal.http.TlsFailures;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointFailure;

import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.client.authentication.OAuth2LoginAuthenticationToken;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;

/**
 * Exchanges an authorization code through Spring Security's authentication providers: the OAuth 2.0 one, or for
 * {@code openid} requests the OIDC one, which validates the ID token (signature, iss, aud, exp, nonce) and yields an
 * {@link OidcAuthorizedClient}. No UserInfo call is made: a command-line login needs tokens, not a profile.
 */
public final class AuthorizationCodeExchanger {

	private final OAuth2AuthorizationCodeAuthenticationProvider oauth2;

	private final OidcAuthorizationCodeAuthenticationProvider oidc;

	AuthorizationCodeExchanger(OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> tokenResponseClient,
			JwtDecoderFactory<ClientRegistration> idTokenDecoderFactory) {
		this.oauth2 = new OAuth2AuthorizationCodeAuthenticationProvider(tokenResponseClient);
		this.oidc = new OidcAuthorizationCodeAuthenticationProvider(tokenResponseClient,
				(userRequest) -> new DefaultOidcUser(AuthorityUtils.NO_AUTHORITIES, userRequest.getIdToken()));
		this.oidc.setJwtDecoderFactory(idTokenDecoderFactory);
	}

	OAuth2AuthorizedClient exchange(ClientRegistration registration, OAuth2AuthorizationRequest request, String code,
			String account) {
		OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(code)
			.redirectUri(request.getRedirectUri())
			.state(request.getState())
			.build();
		OAuth2AuthorizationExchange exchange = new OAuth2AuthorizationExchange(request, response);
		try {
			if (request.getScopes().contains(OidcScopes.OPENID)) {
				OAuth2LoginAuthenticationToken result = (OAuth2LoginAuthenticationToken) this.oidc
					.authenticate(new OAuth2LoginAuthenticationToken(registration, exchange));
				OidcUser user = (OidcUser) result.getPrincipal();
				return new OidcAuthorizedClient(registration, account, result.getAccessToken(), result.getRefreshToken(),
						user.getIdToken());
			}
			OAuth2AuthorizationCodeAuthenticationToken result = (OAuth2AuthorizationCodeAuthenticationToken) this.oauth2
				.authenticate(new OAuth2AuthorizationCodeAuthenticationToken(registration, exchange));
			return new OAuth2AuthorizedClient(registration, account, result.getAccessToken(), result.getRefreshToken());
		}
		catch (OAuth2AuthenticationException ex) {
			throw translate(registration, ex.getError(), ex);
		}
		catch (OAuth2AuthorizationException ex) {
			throw translate(registration, ex.getError(), ex);
		}
	}

	/**
	 * Builds an actionable exception. Provider error descriptions are kept; Spring's own descriptions are not, since
	 * they can quote the response body, and only I/O causes (which carry no body) are chained.
	 */
	static TokenExchangeException translate(ClientRegistration registration, OAuth2Error error, Throwable ex) {
		String id = registration.getRegistrationId();
		String endpoint = registration.getProviderDetails().getTokenUri();
		String code = error.getErrorCode();
		TokenEndpointFailure failure = TokenEndpointFailure.of(ex);
		TokenEndpointFailure.Answer answer = (failure instanceof TokenEndpointFailure.Answer known) ? known : null;
		String property = "spring.security.oauth2.client.registration." + id;
		String provider = (answer != null) ? " (HTTP " + answer.status() + ", error '" + code + "'" + describe(error) + ")"
				: " (error '" + code + "'" + describe(error) + ")";
		String message;
		if (failure instanceof TokenEndpointFailure.Io io) {
			message = "The token endpoint " + endpoint + " of registration '" + id + "' "
					+ ((io instanceof TokenEndpointFailure.Timeout)
							? "did not answer in time. Check the network, or raise the token endpoint read timeout."
							: (io instanceof TokenEndpointFailure.Unreachable)
									? "could not be reached. Check the provider's token-uri and the network."
											+ TlsFailures.hint(io.cause())
									: "failed while answering (" + io.cause().getClass().getSimpleName()
											+ "). Check the network and run the login again.");
			return new TokenExchangeException(code, message, io.cause());
		}
		message = switch (code) {
			case "invalid_grant" -> "The token endpoint of registration '" + id + "' rejected the authorization code"
					+ provider + ". Codes are single-use and short-lived, and the redirect-uri and PKCE verifier must "
					+ "match; run the login again.";
			case "invalid_client", "unauthorized_client" -> "The token endpoint of registration '" + id
					+ "' rejected the client" + provider + ". Check " + property + ".client-id, client-secret and "
					+ "client-authentication-method (a public client uses 'none').";
			case "invalid_id_token", "invalid_nonce" -> "The ID token from registration '" + id
					+ "' failed validation (error '" + code + "'" + describe(error) + "). Check the provider's issuer-uri"
					+ " and jwk-set-uri, the client-id (the token's audience) and this machine's clock.";
			case "server_error", "temporarily_unavailable" -> "The token endpoint of registration '" + id
					+ "' reported a server failure" + provider + ". "
					+ ((answer != null && answer.retryAfter() != null)
							? "It asks to wait " + answer.retryAfter().toSeconds() + " s (Retry-After); log in again "
									+ "after that."
							: "Try again later.");
			default -> (answer != null) ? "The token endpoint of registration '" + id + "' refused the code exchange"
					+ provider + ". Check the registration against the provider's settings."
					: "The token endpoint " + endpoint + " of registration '" + id + "' did not return a usable OAuth "
							+ "2.0 token response (error '" + code + "'). Check that the provider's token-uri is the "
							+ "token endpoint and that it returns JSON with an access_token.";
		};
		return new TokenExchangeException(code, message, null);
	}

	private static String describe(OAuth2Error error) {
		// ID-token validation errors quote claims the provider chose: shown cleaned, like any provider text.
		return (error.getDescription() != null) ? ": " + SafeText.providerText(error.getDescription()) : "";
	}

}
