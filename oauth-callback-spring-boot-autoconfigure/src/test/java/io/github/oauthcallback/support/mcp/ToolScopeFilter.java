package io.github.oauthcallback.support.mcp;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The per-tool scope check of {@link TestMcpServer}. The SDK's transport answers 200 and opens the event stream before
 * a tool runs, so a tool cannot answer 403; this filter, in the security filter chain after authorization, reads the
 * JSON-RPC body of a POST to the MCP endpoint, and for a {@code tools/call} of a tool whose scopes the token lacks
 * answers 403 {@code insufficient_scope}. Otherwise the transport gets the body it would have read.
 */
final class ToolScopeFilter extends OncePerRequestFilter {

	private static final int MAX_BODY = 1 << 20;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final BearerChallenges challenges;

	ToolScopeFilter(BearerChallenges challenges) {
		this.challenges = challenges;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !"POST".equals(request.getMethod()) || !TestMcpServer.PATH.equals(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
		for (String tool : calledTools(body)) {
			List<String> required = TestMcpServer.TOOL_SCOPES.getOrDefault(tool, List.of(TestMcpServer.TOOLS_SCOPE));
			Set<String> held = grantedScopes();
			if (!held.containsAll(required)) {
				this.challenges.insufficientScope(response, required,
						"Tool " + tool + " needs scope " + String.join(" ", required));
				return;
			}
		}
		chain.doFilter(new BufferedBody(request, body), response);
	}

	/** The tool names of the {@code tools/call} requests in a JSON-RPC message (or batch); none if it is not JSON. */
	private static List<String> calledTools(byte[] body) {
		List<String> tools = new ArrayList<>();
		Object message;
		try {
			message = JSON.readValue(body, Object.class);
		}
		catch (JacksonException ex) {
			return tools;
		}
		List<?> messages = (message instanceof List<?> batch) ? batch : List.of(message);
		for (Object each : messages) {
			if (each instanceof Map<?, ?> request && "tools/call".equals(request.get("method"))
					&& request.get("params") instanceof Map<?, ?> params && params.get("name") instanceof String name) {
				tools.add(name);
			}
		}
		return tools;
	}

	private static Set<String> grantedScopes() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null) {
			return Set.of();
		}
		return authentication.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.filter((authority) -> authority != null && authority.startsWith("SCOPE_"))
			.map((authority) -> authority.substring("SCOPE_".length()))
			.collect(Collectors.toSet());
	}

	/** The request with its body read once and replayed. */
	private static final class BufferedBody extends HttpServletRequestWrapper {

		private final byte[] body;

		BufferedBody(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() {
					return in.read();
				}

				@Override
				public int read(byte[] buffer, int offset, int length) {
					return in.read(buffer, offset, length);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(@Nullable ReadListener listener) {
					throw new UnsupportedOperationException("The buffered body is read synchronously");
				}

			};
		}

		@Override
		public BufferedReader getReader() {
			String encoding = getCharacterEncoding();
			return new BufferedReader(new InputStreamReader(getInputStream(),
					(encoding != null) ? java.nio.charset.Charset.forName(encoding) : StandardCharsets.UTF_8));
		}

		@Override
		public int getContentLength() {
			return this.body.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.body.length;
		}

	}

}
