package io.github.oauthcallback.support.mcp;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * What {@link TestMcpServer}'s context shares: the issuer it trusts, its options, its resource URI (known once Tomcat
 * has a port) and its request counters.
 */
final class McpServerState {

	static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

	private final URI issuer;

	private final TestMcpServer.Options options;

	private volatile @Nullable URI resource;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger mcpRequests = new AtomicInteger();

	private final AtomicInteger bearerRequests = new AtomicInteger();

	private final AtomicInteger unauthorized = new AtomicInteger();

	private final AtomicInteger forbidden = new AtomicInteger();

	private final AtomicInteger metadataRequests = new AtomicInteger();

	McpServerState(URI issuer, TestMcpServer.Options options) {
		this.issuer = issuer;
		this.options = options;
	}

	void started(URI resource) {
		this.resource = resource;
	}

	URI issuer() {
		return this.issuer;
	}

	TestMcpServer.Options options() {
		return this.options;
	}

	URI resource() {
		URI uri = this.resource;
		if (uri == null) {
			throw new IllegalStateException("The MCP test server has not started yet");
		}
		return uri;
	}

	URI metadataUrl() {
		return resource().resolve(METADATA_PATH + TestMcpServer.PATH);
	}

	URI rootMetadataUrl() {
		return resource().resolve(METADATA_PATH);
	}

	/** The metadata URL the challenges name: the path-inserted one unless only the root one is served. */
	URI advertisedMetadataUrl() {
		return (!this.options.metadataAtPathInsertedUrl() && this.options.metadataAtRootUrl()) ? rootMetadataUrl()
				: metadataUrl();
	}

	void record(String path, boolean bearer, int status) {
		this.requests.incrementAndGet();
		if (path.equals(TestMcpServer.PATH)) {
			this.mcpRequests.incrementAndGet();
			if (bearer) {
				this.bearerRequests.incrementAndGet();
			}
		}
		if (path.startsWith(METADATA_PATH)) {
			this.metadataRequests.incrementAndGet();
		}
		if (status == 401) {
			this.unauthorized.incrementAndGet();
		}
		if (status == 403) {
			this.forbidden.incrementAndGet();
		}
	}

	TestMcpServer.Counts counts() {
		return new TestMcpServer.Counts(this.requests.get(), this.mcpRequests.get(), this.bearerRequests.get(),
				this.unauthorized.get(), this.forbidden.get(), this.metadataRequests.get());
	}

	void resetCounts() {
		this.requests.set(0);
		this.mcpRequests.set(0);
		this.bearerRequests.set(0);
		this.unauthorized.set(0);
		this.forbidden.set(0);
		this.metadataRequests.set(0);
	}

}
