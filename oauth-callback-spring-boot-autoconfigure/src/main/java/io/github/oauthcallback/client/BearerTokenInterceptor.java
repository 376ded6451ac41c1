package io.github.oauthcallback.client;

import java.io.IOException;

import io.github.oauthcallback.Accounts;
import io.github.oauthcallback.InvalidConfigurationException;
import io.github.oauthcallback.refresh.OAuthCallbackAuthorizedClientManager;

import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * Adds the bearer token of one registration and account to every request, logging in or refreshing through the
 * client manager when needed. When the resource server answers 401, the token is marked expired and the request is
 * sent once more with a refreshed (or newly obtained) token; a second 401 is returned to the caller.
 */
final class BearerTokenInterceptor implements ClientHttpRequestInterceptor {

	private final OAuthCallbackAuthorizedClientManager manager;

	private final String registrationId;

	private final String account;

	BearerTokenInterceptor(OAuthCallbackAuthorizedClientManager manager, String registrationId, String account) {
		this.manager = manager;
		this.registrationId = registrationId;
		this.account = account;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		OAuth2AuthorizedClient client = authorize();
		request.getHeaders().setBearerAuth(client.getAccessToken().getTokenValue());
		ClientHttpResponse response = execution.execute(request, body);
		if (response.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
			return response;
		}
		this.manager.invalidate(client);
		OAuth2AuthorizedClient renewed = authorize();
		if (renewed.getAccessToken().getTokenValue().equals(client.getAccessToken().getTokenValue())) {
			return response;
		}
		response.close();
		request.getHeaders().setBearerAuth(renewed.getAccessToken().getTokenValue());
		return execution.execute(request, body);
	}

	private OAuth2AuthorizedClient authorize() {
		OAuth2AuthorizedClient client = this.manager.authorize(OAuth2AuthorizeRequest
			.withClientRegistrationId(this.registrationId)
			.principal(Accounts.principal(this.account))
			.build());
		if (client == null) {
			throw new InvalidConfigurationException("Registration '" + this.registrationId + "' yields no token: its "
					+ "grant type is neither authorization_code, refresh_token nor client_credentials.");
		}
		return client;
	}

}
