package io.github.oauthcallback.support.mcp;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Lets public clients of {@link McpAuthorizationServer} refresh, revoke and use the device grant with only their
 * {@code client_id}. Spring Authorization Server authenticates a public client only on a token request with a
 * {@code code_verifier} (PKCE); a refresh-token or device-code token request, a device authorization request or a
 * revocation of a client registered with method {@code none} is turned into
 * a client token of its own type here (so Spring's PKCE provider does not claim it) and authenticated when the
 * client exists and is public. The same approach as the device-grant support of {@code TestAuthorizationServer}.
 */
final class PublicClients {

	private PublicClients() {
	}

	/** A public client's request of those kinds: {@code client_id} and no secret. */
	static final class Converter implements AuthenticationConverter {

		@Override
		public @Nullable Authentication convert(HttpServletRequest request) {
			if (!"POST".equals(request.getMethod()) || request.getHeader("Authorization") != null
					|| request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
					|| request.getParameter("client_assertion") != null) {
				return null;
			}
			String path = request.getRequestURI();
			String grant = request.getParameter(OAuth2ParameterNames.GRANT_TYPE);
			boolean token = path.equals("/oauth2/token") && (AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(grant)
					|| AuthorizationGrantType.DEVICE_CODE.getValue().equals(grant));
			boolean handled = token || path.equals("/oauth2/revoke") || path.equals("/oauth2/device_authorization");
			String[] ids = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
			if (!handled || ids == null || ids.length != 1 || ids[0].isBlank()) {
				return null;
			}
			return new PublicClient(ids[0]);
		}

	}

	/** Authenticates a {@link PublicClient} registered with method {@code none}. */
	static final class Provider implements AuthenticationProvider {

		private final RegisteredClientRepository clients;

		Provider(RegisteredClientRepository clients) {
			this.clients = clients;
		}

		@Override
		public Authentication authenticate(Authentication authentication) {
			RegisteredClient client = this.clients.findByClientId(String.valueOf(authentication.getPrincipal()));
			if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
				throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
			}
			return new PublicClient(client);
		}

		@Override
		public boolean supports(Class<?> authentication) {
			return PublicClient.class.isAssignableFrom(authentication);
		}

	}

	static final class PublicClient extends OAuth2ClientAuthenticationToken {

		private static final long serialVersionUID = 1L;

		PublicClient(String clientId) {
			super(clientId, ClientAuthenticationMethod.NONE, null, Map.of());
		}

		PublicClient(RegisteredClient client) {
			super(client, ClientAuthenticationMethod.NONE, null);
		}

	}

}
