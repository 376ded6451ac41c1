package io.github.oauthcallback.internal.discovery;

import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.SecureUris;
import net.minidev.json.JSONObject;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.util.Assert;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Discovers a provider from its issuer as Spring Security's {@code ClientRegistrations.fromIssuerLocation} (7.1)
 * does, with the same addresses in the same order and the same registration built from the first metadata found,
 * but fetching the documents through a given {@link RestClient} (the application's builder and HTTP client settings:
 * SSL bundle, timeouts, proxy of the client library, observations; no redirect followed, none of the application's
 * {@code RestClient} customizers) instead of Spring Security's own
 * static {@code RestTemplate}, which none of those reach and which Spring Security does not let anyone replace.
 * <p>
 * The addresses: {@code issuer + /.well-known/openid-configuration} (OpenID Connect Discovery), then
 * {@code /.well-known/openid-configuration + issuer path} and {@code /.well-known/oauth-authorization-server + issuer
 * path} (RFC 8414). A 4xx answer moves on to the next address; anything else ends the discovery. OpenID Connect
 * metadata is turned into the registration by Spring Security itself ({@code ClientRegistrations.fromOidcConfiguration},
 * after checking the issuer as its discovery does); RFC 8414 metadata, for which Spring Security has no public
 * method, the way its discovery does.
 */
final class IssuerMetadataDiscovery {

	private static final String OIDC_METADATA_PATH = "/.well-known/openid-configuration";

	private static final String OAUTH_METADATA_PATH = "/.well-known/oauth-authorization-server";

	/**
	 * The metadata members naming an endpoint that a secret, code, verifier or token is sent to, or whose answer
	 * (keys, user information) is trusted: under an {@code https} issuer each must be {@code https} (or loopback).
	 */
	private static final List<String> ENDPOINTS = List.of("authorization_endpoint", "token_endpoint", "jwks_uri",
			"device_authorization_endpoint", "revocation_endpoint", "userinfo_endpoint");

	private static final ParameterizedTypeReference<Map<String, Object>> DOCUMENT = new ParameterizedTypeReference<>() {
	};

	private final RestClient restClient;

	/**
	 * @param restClient the client the documents are fetched with
	 */
	IssuerMetadataDiscovery(RestClient restClient) {
		this.restClient = restClient;
	}

	/**
	 * @param issuer the issuer
	 * @return a builder initialized from the first metadata document found
	 * @throws IllegalArgumentException when no address has metadata (with the 4xx answers), when metadata cannot be
	 * read, or when the provider cannot be reached (the cause then says why)
	 * @throws IllegalStateException when the metadata names another issuer
	 * @throws Redirected when an address answers with a redirect (never followed)
	 * @throws InsecureEndpoint when an {@code https} issuer's metadata names a plain {@code http} endpoint
	 */
	ClientRegistration.Builder fromIssuerLocation(String issuer) {
		Assert.hasText(issuer, "issuer cannot be empty");
		UriComponents components = UriComponentsBuilder.fromUriString(issuer).build();
		String path = (components.getPath() != null) ? components.getPath() : "";
		List<Supplier<ClientRegistration.Builder>> attempts = List.of(
				() -> fromOidc(issuer, fetch(withPath(components, path + OIDC_METADATA_PATH))),
				() -> fromAuthorizationServer(issuer, fetch(withPath(components, OIDC_METADATA_PATH + path))),
				() -> fromAuthorizationServer(issuer, fetch(withPath(components, OAUTH_METADATA_PATH + path))));
		String failure = "Unable to resolve Configuration with the provided Issuer of \"" + issuer + "\"";
		List<String> clientErrors = new ArrayList<>();
		for (Supplier<ClientRegistration.Builder> attempt : attempts) {
			try {
				return attempt.get();
			}
			catch (HttpClientErrorException ex) {
				// 4xx: try the next address
				clientErrors.add(ex.getMessage());
			}
			catch (IllegalArgumentException | IllegalStateException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException(failure, ex);
			}
		}
		throw new IllegalArgumentException(clientErrors.isEmpty() ? failure : failure + ", errors: " + clientErrors);
	}

	private static String withPath(UriComponents issuer, String path) {
		return UriComponentsBuilder.newInstance().uriComponents(issuer).replacePath(path).build().toUriString();
	}

	private Map<String, Object> fetch(String uri) {
		Map<String, Object> document;
		try {
			// Redirects are not followed (the HTTP client is told so): one would carry the request, with whatever the
			// HTTP client adds to it, to an address nobody configured. A 3xx is reported as such.
			document = this.restClient.get()
				.uri(uri)
				.retrieve()
				.onStatus(HttpStatusCode::is3xxRedirection, (request, response) -> {
					throw new Redirected(uri, response.getStatusCode().value(),
							response.getHeaders().getFirst(HttpHeaders.LOCATION));
				})
				.body(DOCUMENT);
		}
		catch (ResourceAccessException ex) {
			throw named(ex, uri);
		}
		if (document == null) {
			throw new IllegalArgumentException("The provider configuration at " + uri + " is empty");
		}
		return document;
	}

	/**
	 * The JDK HTTP client reports a connection it could not open as a {@code ConnectException} without a message,
	 * caused by a {@code ClosedChannelException} without one either: the error would say "null (caused by
	 * ClosedChannelException)". It becomes a {@code ConnectException} that names the address, as other clients report
	 * it.
	 */
	private static ResourceAccessException named(ResourceAccessException failure, String uri) {
		if (!(failure.getCause() instanceof ConnectException connect) || connect.getMessage() != null) {
			return failure;
		}
		URI target = URI.create(uri);
		int port = (target.getPort() != -1) ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
		ConnectException named = new ConnectException(
				"Cannot connect to " + target.getHost() + ":" + port + " (refused or unreachable)");
		named.setStackTrace(connect.getStackTrace());
		return new ResourceAccessException("I/O error on GET request for \"" + uri + "\": " + named.getMessage(),
				named);
	}

	private static ClientRegistration.Builder fromOidc(String issuer, Map<String, Object> document) {
		Object stated = document.get("issuer");
		if (stated instanceof String statedIssuer) {
			checkIssuer(issuer, statedIssuer);
		}
		checkEndpoints(issuer, document);
		return ClientRegistrations.fromOidcConfiguration(document);
	}

	private static ClientRegistration.Builder fromAuthorizationServer(String issuer, Map<String, Object> document) {
		AuthorizationServerMetadata metadata;
		try {
			metadata = AuthorizationServerMetadata.parse(new JSONObject(document));
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
		checkIssuer(issuer, metadata.getIssuer().getValue());
		checkEndpoints(issuer, document);
		URI authorization = metadata.getAuthorizationEndpointURI();
		URI token = metadata.getTokenEndpointURI();
		ClientAuthenticationMethod method = clientAuthenticationMethod(metadata.getTokenEndpointAuthMethods());
		ClientRegistration.Builder builder = ClientRegistration.withRegistrationId(URI.create(issuer).getHost())
			.userNameAttributeName(IdTokenClaimNames.SUB)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.clientAuthenticationMethod((method != null) ? method : ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.redirectUri("{baseUrl}/{action}/oauth2/code/{registrationId}")
			.authorizationUri((authorization != null) ? authorization.toASCIIString() : null)
			.providerConfigurationMetadata(new LinkedHashMap<>(metadata.toJSONObject()))
			.issuerUri(issuer)
			.clientName(issuer);
		if (token != null) {
			builder.tokenUri(token.toASCIIString());
		}
		URI jwkSet = metadata.getJWKSetURI();
		if (jwkSet != null) {
			builder.jwkSetUri(jwkSet.toASCIIString());
		}
		if (document.get("userinfo_endpoint") instanceof String userInfo) {
			builder.userInfoUri(userInfo);
		}
		return builder;
	}

	private static void checkIssuer(String issuer, String stated) {
		Assert.state(issuer.equals(stated), () -> "The Issuer \"" + stated
				+ "\" provided in the configuration metadata did not match the requested issuer \"" + issuer + "\"");
	}

	/**
	 * Under an {@code https} issuer, every endpoint a secret, code or token goes to must be {@code https} too (or
	 * loopback, {@link SecureUris}): Spring Security does not check it, and a provider's (or an attacker's) plain
	 * {@code http} token endpoint would send the client secret and the tokens unencrypted. A value that is not a URI
	 * is left to Spring Security's own checks.
	 */
	private static void checkEndpoints(String issuer, Map<String, Object> document) {
		if (!"https".equalsIgnoreCase(URI.create(issuer).getScheme())) {
			return;
		}
		for (String member : ENDPOINTS) {
			if (document.get(member) instanceof String value) {
				URI endpoint;
				try {
					endpoint = new URI(value);
				}
				catch (URISyntaxException ex) {
					continue;
				}
				if (!SecureUris.isSecureOrLoopback(endpoint)) {
					throw new InsecureEndpoint(member, value);
				}
			}
		}
	}

	/**
	 * A metadata address answered with a redirect, which discovery does not follow.
	 */
	static final class Redirected extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		private final String address;

		private final int status;

		private final @Nullable String location;

		Redirected(String address, int status, @Nullable String location) {
			super("The provider answered GET " + address + " with " + status + ", a redirect (not followed)");
			this.address = address;
			this.status = status;
			this.location = location;
		}

		/** @return the address that was asked */
		String address() {
			return this.address;
		}

		/** @return the status of the answer */
		int status() {
			return this.status;
		}

		/** @return the {@code Location} header as the provider sent it, if any */
		@Nullable String location() {
			return this.location;
		}

	}

	/**
	 * An {@code https} issuer's metadata names a plain {@code http} endpoint (not on this machine).
	 */
	static final class InsecureEndpoint extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		private final String member;

		private final String endpoint;

		InsecureEndpoint(String member, String endpoint) {
			super("The provider's metadata names " + member + " " + endpoint + ", a plain http address under an "
					+ "https issuer");
			this.member = member;
			this.endpoint = endpoint;
		}

		/** @return the metadata member, such as {@code token_endpoint} */
		String member() {
			return this.member;
		}

		/** @return its value, as the provider wrote it */
		String endpoint() {
			return this.endpoint;
		}

	}

	/** The method Spring Security's discovery picks: basic, else post, else none, else none of them. */
	private static @Nullable ClientAuthenticationMethod clientAuthenticationMethod(
			@Nullable List<com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod> supported) {
		if (supported == null
				|| supported.contains(com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod.CLIENT_SECRET_BASIC)) {
			return ClientAuthenticationMethod.CLIENT_SECRET_BASIC;
		}
		if (supported.contains(com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
			return ClientAuthenticationMethod.CLIENT_SECRET_POST;
		}
		if (supported.contains(com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod.NONE)) {
			return ClientAuthenticationMethod.NONE;
		}
		return null;
	}

}
