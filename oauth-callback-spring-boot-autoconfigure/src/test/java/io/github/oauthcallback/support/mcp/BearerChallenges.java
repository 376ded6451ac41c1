package io.github.oauthcallback.support.mcp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * The {@code WWW-Authenticate: Bearer} answers of {@link TestMcpServer} (RFC 6750 section 3, RFC 9728 section 5.1, MCP
 * authorization "scope selection" and "step-up"): 401 for a missing or refused token, 403
 * {@code insufficient_scope} for a token without the scope a request needs.
 */
final class BearerChallenges {

	private final McpServerState state;

	BearerChallenges(McpServerState state) {
		this.state = state;
	}

	/** 401: no token, or one that is not valid here ({@code invalid_token} with Spring Security's reason). */
	void unauthorized(HttpServletResponse response, AuthenticationException failure) throws IOException {
		List<String> parameters = new ArrayList<>();
		if (failure instanceof OAuth2AuthenticationException oauth) {
			OAuth2Error error = oauth.getError();
			parameters.add(parameter("error", error.getErrorCode()));
			if (error.getDescription() != null) {
				parameters.add(parameter("error_description", error.getDescription()));
			}
		}
		if (this.state.options().challengeResourceMetadata()) {
			parameters.add(parameter("resource_metadata", this.state.advertisedMetadataUrl().toString()));
		}
		String scope = this.state.options().challengeScope();
		if (scope != null) {
			parameters.add(parameter("scope", scope));
		}
		send(response, 401, parameters);
	}

	/** 403 for the scopes every MCP request needs (Spring Security's authorization refused the request). */
	void forbidden(HttpServletResponse response, AccessDeniedException denied) throws IOException {
		insufficientScope(response, List.of(TestMcpServer.TOOLS_SCOPE), "This MCP server needs scope "
				+ TestMcpServer.TOOLS_SCOPE + " for every request");
	}

	/** 403 {@code insufficient_scope} naming every scope the request needs. */
	void insufficientScope(HttpServletResponse response, Collection<String> required, String description)
			throws IOException {
		List<String> parameters = new ArrayList<>();
		parameters.add(parameter("error", "insufficient_scope"));
		parameters.add(parameter("scope", String.join(" ", required)));
		if (this.state.options().challengeResourceMetadata()) {
			parameters.add(parameter("resource_metadata", this.state.advertisedMetadataUrl().toString()));
		}
		parameters.add(parameter("error_description", description));
		send(response, 403, parameters);
	}

	private static void send(HttpServletResponse response, int status, List<String> parameters) throws IOException {
		response.setStatus(status);
		response.setHeader("WWW-Authenticate",
				parameters.isEmpty() ? "Bearer" : "Bearer " + String.join(", ", parameters));
		response.setContentType("application/json");
		response.getWriter().write("{\"error\":\"" + ((status == 401) ? "unauthorized" : "insufficient_scope") + "\"}");
	}

	/** A quoted-string parameter (RFC 9110 section 5.6.4): backslash and double quote escaped. */
	static String parameter(String name, @Nullable String value) {
		String escaped = String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"");
		return name + "=\"" + escaped + "\"";
	}

}
