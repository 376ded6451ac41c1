package io.github.oauthcallback.support.mcp;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;

/**
 * Serves {@link TestMcpServer}'s protected resource metadata (RFC 9728 section 3), built with Spring Security's
 * {@link OAuth2ProtectedResourceMetadata}, at the URLs its options name; 404 at the others.
 */
final class ProtectedResourceMetadataServlet extends HttpServlet {

	private static final long serialVersionUID = 1L;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final transient McpServerState state;

	ProtectedResourceMetadataServlet(McpServerState state) {
		this.state = state;
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String path = request.getRequestURI();
		TestMcpServer.Options options = this.state.options();
		boolean served = (options.metadataAtPathInsertedUrl() && path.equals(this.state.metadataUrl().getPath()))
				|| (options.metadataAtRootUrl() && path.equals(this.state.rootMetadataUrl().getPath()));
		if (!served) {
			response.sendError(404);
			return;
		}
		OAuth2ProtectedResourceMetadata.Builder metadata = OAuth2ProtectedResourceMetadata.builder()
			.resource(this.state.resource().toString())
			.authorizationServer(this.state.issuer().toString())
			.bearerMethod("header");
		options.scopesSupported().forEach(metadata::scope);
		Map<String, Object> claims = metadata.build().getClaims();
		response.setStatus(200);
		response.setContentType("application/json");
		response.setCharacterEncoding("UTF-8");
		response.getWriter().write(JSON.writeValueAsString(claims));
	}

	static List<String> paths() {
		return List.of(McpServerState.METADATA_PATH, McpServerState.METADATA_PATH + TestMcpServer.PATH);
	}

}
