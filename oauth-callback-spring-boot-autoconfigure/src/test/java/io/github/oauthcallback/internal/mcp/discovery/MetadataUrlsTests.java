package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The URL rules of MCP discovery: https or loopback (the starter's one rule), no way from a server elsewhere to this
 * machine or a link-local address, and how URLs appear in messages.
 */
class MetadataUrlsTests {

	private static final URI ELSEWHERE = URI.create("https://mcp.example.com/mcp");

	private static final URI HERE = URI.create("http://localhost:8080/mcp");

	@Test
	void httpsOrHttpToThisMachineByNameOrItsTwoAddresses() {
		for (String url : List.of("https://auth.example.com", "HTTPS://auth.example.com/x", "http://localhost:9000",
				"http://127.0.0.1:9000/a", "http://[::1]:9000", "http://LOCALHOST")) {
			assertThat(MetadataUrls.refusal(HERE, URI.create(url), "the url")).as(url).isNull();
		}
		for (String url : List.of("http://auth.example.com", "http://127.0.0.2", "http://10.0.0.1",
				"ftp://auth.example.com", "http://localhost.example.com")) {
			assertThat(MetadataUrls.refusal(HERE, URI.create(url), "the url")).as(url).contains("is not https");
		}
	}

	@Test
	void thisMachineAndLinkLocalAddressesOnlyFromAServerOnThisMachine() {
		for (String url : List.of("https://localhost", "https://a.localhost", "https://localhost.", "https://127.0.0.1",
				"https://127.1.2.3", "https://[::1]", "https://0.0.0.0", "https://[::]", "https://169.254.169.254",
				"https://[fe80::1]", "https://[::ffff:127.0.0.1]", "http://127.0.0.1:1")) {
			assertThat(MetadataUrls.refusal(ELSEWHERE, URI.create(url), "the url")).as(url)
				.contains("points at this machine or a link-local address");
			assertThat(MetadataUrls.refusal(URI.create("https://127.0.0.1/mcp"), URI.create(url), "the url")).as(url)
				.isNull();
			assertThat(MetadataUrls.refusal(HERE, URI.create(url), "the url")).as(url).isNull();
		}
		for (String url : List.of("https://auth.example.com", "https://10.0.0.1", "https://[2001:db8::1]",
				"https://localhost-example.com", "https://169.255.0.1")) {
			assertThat(MetadataUrls.refusal(ELSEWHERE, URI.create(url), "the url")).as(url).isNull();
		}
	}

	@Test
	void urlsAreShownInAsciiAndListsAreCut() {
		assertThat(MetadataUrls.shown(URI.create("https://auth.example.com/\u202Et\u00e9"))).isEqualTo(
				"https://auth.example.com/%E2%80%AEt%C3%A9");
		assertThat(MetadataUrls.joined(List.of("a", "b", "c", "d", "e"), ", ")).isEqualTo("a, b, c, d, e");
		assertThat(MetadataUrls.joined(List.of("a", "b", "c", "d", "e", "f", "g"), ", "))
			.isEqualTo("a, b, c, d, e, and 2 more");
	}

}
