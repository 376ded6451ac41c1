package io.github.oauthcallback.support.mcp;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Resource indicators (RFC 8707) in {@link McpAuthorizationServer}: sets the access token's {@code aud} to the
 * requested resources. The token request's {@code resource} wins; else the authorization request's; a refresh without
 * {@code resource} keeps the audience of the access token it replaces. A resource that was not authorized (when the
 * authorization request named some), or that is not an absolute URI without fragment, is refused with
 * {@code invalid_target} (RFC 8707 section 2).
 */
final class ResourceIndicatorCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

	static final String RESOURCE = "resource";

	@Override
	public void customize(JwtEncodingContext context) {
		if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
			return;
		}
		OAuth2Authorization authorization = context.getAuthorization();
		List<String> authorized = authorizedResources(authorization);
		List<String> previous = AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())
				? previousAudience(authorization, context.getRegisteredClient().getClientId()) : List.of();
		List<String> requested = (context.getAuthorizationGrant() instanceof OAuth2AuthorizationGrantAuthenticationToken grant)
				? values(grant.getAdditionalParameters().get(RESOURCE)) : List.of();
		List<String> audience;
		if (!requested.isEmpty()) {
			Set<String> allowed = new LinkedHashSet<>(authorized);
			allowed.addAll(previous);
			if (!authorized.isEmpty() && !allowed.containsAll(requested)) {
				throw invalidTarget("The token request's resource was not part of the authorization");
			}
			audience = requested;
		}
		else if (!previous.isEmpty()) {
			audience = previous;
		}
		else {
			audience = authorized;
		}
		if (audience.isEmpty()) {
			return;
		}
		audience.forEach(ResourceIndicatorCustomizer::check);
		context.getClaims().audience(audience);
	}

	private static List<String> authorizedResources(@Nullable OAuth2Authorization authorization) {
		if (authorization == null) {
			return List.of();
		}
		OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
		return (request != null) ? values(request.getAdditionalParameters().get(RESOURCE)) : List.of();
	}

	/** The audience of the access token a refresh replaces, unless it is only the client id (no resource). */
	private static List<String> previousAudience(@Nullable OAuth2Authorization authorization, String clientId) {
		if (authorization == null || authorization.getAccessToken() == null) {
			return List.of();
		}
		Map<String, Object> claims = authorization.getAccessToken().getClaims();
		List<String> audience = (claims != null) ? values(claims.get("aud")) : List.of();
		return audience.equals(List.of(clientId)) ? List.of() : audience;
	}

	private static List<String> values(@Nullable Object parameter) {
		List<String> values = new ArrayList<>();
		if (parameter instanceof String value) {
			values.add(value);
		}
		else if (parameter instanceof String[] array) {
			values.addAll(List.of(array));
		}
		else if (parameter instanceof Collection<?> collection) {
			collection.forEach((each) -> values.add(String.valueOf(each)));
		}
		return values;
	}

	private static void check(String resource) {
		try {
			URI uri = new URI(resource);
			if (!uri.isAbsolute() || uri.getFragment() != null) {
				throw invalidTarget("A resource must be an absolute URI without fragment");
			}
		}
		catch (URISyntaxException ex) {
			throw invalidTarget("A resource must be an absolute URI without fragment");
		}
	}

	private static OAuth2AuthenticationException invalidTarget(String description) {
		return new OAuth2AuthenticationException(
				new OAuth2Error("invalid_target", description, "https://www.rfc-editor.org/rfc/rfc8707#section-2"));
	}

}
