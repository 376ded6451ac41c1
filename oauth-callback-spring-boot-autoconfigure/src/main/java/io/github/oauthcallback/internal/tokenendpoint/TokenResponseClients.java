package io.github.oauthcallback.internal.tokenendpoint;

import java.util.Objects;
import java.util.function.Supplier;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.AbstractRestClientOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.web.client.RestClient;

/**
 * Builds Spring Security's token response clients, one method per grant, and the starter's revocation client. Each sends its requests through its own
 * {@link RestClient} from the given supplier (see {@link TokenEndpointClients#configure}: its form bodies print no
 * secret), and is created on its first token request ({@link LazyTokenResponseClient}): a run that uses a stored
 * token creates no HTTP client. Each client makes one attempt per request; retries are the caller's.
 */
public final class TokenResponseClients {

	private final Supplier<RestClient> restClients;

	private final ResourceIndicators resources;

	private final ObservationRegistry observations;

	/**
	 * Clients that send no RFC 8707 {@code resource} parameter.
	 * @param restClients creates the {@code RestClient} of one token response client, when that client is created;
	 * usually one of {@link TokenEndpointClients#restClient}
	 */
	public TokenResponseClients(Supplier<RestClient> restClients) {
		this(restClients, ResourceIndicators.none());
	}

	/**
	 * @param restClients creates the {@code RestClient} of one token response client, when that client is created;
	 * usually one of {@link TokenEndpointClients#restClient}
	 * @param resources the RFC 8707 {@code resource} of each registration, added to every token request (code
	 * exchange, refresh, client credentials, device code) and device authorization request of that registration
	 */
	public TokenResponseClients(Supplier<RestClient> restClients, ResourceIndicators resources) {
		this(restClients, resources, ObservationRegistry.NOOP);
	}

	private TokenResponseClients(Supplier<RestClient> restClients, ResourceIndicators resources,
			ObservationRegistry observations) {
		this.restClients = restClients;
		this.resources = Objects.requireNonNull(resources, "resources must not be null");
		this.observations = Objects.requireNonNull(observations, "observations must not be null");
	}

	/**
	 * The same clients, whose token requests ({@code oauth.callback.token.request}) and revocations
	 * ({@code oauth.callback.revocation}) are observations in the given registry.
	 * @param observations the registry ({@link ObservationRegistry#NOOP} for none)
	 * @return the factory of observed clients
	 */
	public TokenResponseClients observedBy(ObservationRegistry observations) {
		return new TokenResponseClients(this.restClients, this.resources, observations);
	}

	/**
	 * @return a client for the authorization code grant (the code exchange of a login)
	 */
	public OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCode() {
		return lazy(RestClientAuthorizationCodeTokenResponseClient::new);
	}

	/**
	 * @return a client for the refresh token grant
	 */
	public OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshToken() {
		return lazy(RestClientRefreshTokenTokenResponseClient::new);
	}

	/**
	 * @return a client for the client credentials grant (service registrations)
	 */
	public OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> clientCredentials() {
		return lazy(RestClientClientCredentialsTokenResponseClient::new);
	}

	/**
	 * @return a client for the revocation endpoint (RFC 7009), which creates its {@code RestClient} on its first
	 * revocation
	 */
	public TokenRevocationClient revocation() {
		return new TokenRevocationClient(this.restClients, this.observations);
	}

	/**
	 * @return a client for the device authorization grant's token requests (RFC 8628 section 3.4), one attempt per
	 * request: the device login polls by the RFC's rules
	 */
	public OAuth2AccessTokenResponseClient<DeviceCodeGrantRequest> deviceCode() {
		return new LazyTokenResponseClient<>(() -> ObservedTokenResponseClient
			.of(new DeviceCodeTokenResponseClient(this.restClients.get(), this.resources), this.observations));
	}

	/**
	 * @return a client for device authorization requests (RFC 8628 section 3.1), on a {@code RestClient} of its own
	 * created on its first request
	 */
	public DeviceAuthorizationClient deviceAuthorization() {
		return new DeviceAuthorizationClient(this.restClients, this.resources);
	}

	private <T extends AbstractOAuth2AuthorizationGrantRequest, C extends AbstractRestClientOAuth2AccessTokenResponseClient<T>> OAuth2AccessTokenResponseClient<T> lazy(
			Supplier<C> client) {
		// Spring's RestClient... clients build a default RestClient, and with it an HTTP client, in their constructor.
		ResourceIndicators resources = this.resources;
		return new LazyTokenResponseClient<>(() -> {
			C configured = TokenEndpointClients.configure(client.get(), this.restClients.get());
			// RFC 8707: the resource on the code exchange and on every refresh (Spring Security sends none).
			configured.addParametersConverter(
					(grantRequest) -> resources.parameters(grantRequest.getClientRegistration()));
			return ObservedTokenResponseClient.of(configured, this.observations);
		});
	}

}
