package io.github.oauthcallback.internal.mcp.discovery;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Pattern;

import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.SecureUris;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Which URLs MCP discovery follows and sends a user to, and how such URLs appear in messages.
 * <ul>
 * <li><b>Secure or loopback</b>: every URL discovery reads or hands on (the challenge's {@code resource_metadata}, the
 * protected resource's {@code resource} and {@code authorization_servers}, the authorization server's {@code issuer}
 * and endpoints, and the same in a cache entry) must pass the starter's one rule, {@link SecureUris}: {@code https},
 * or plain {@code http} only to {@code 127.0.0.1}, {@code [::1]} or {@code localhost}.</li>
 * <li><b>No way in from outside</b>: an MCP server that is not itself on this machine (its host is not a loopback name
 * or address) must not send the client to this machine or to a link-local address: {@code localhost} (and names
 * ending in {@code .localhost}), {@code 127.0.0.0/8}, {@code [::1]}, {@code 0.0.0.0}, {@code [::]},
 * {@code 169.254.0.0/16} (cloud metadata services) and {@code [fe80::]/10}. Names are not resolved, so a public name
 * that resolves to such an address is not caught; address literals and loopback names are. A server on this machine
 * may name such URLs (a development set-up, and the MCP conformance suite).</li>
 * </ul>
 * In messages a URL is shown in its ASCII form, cleaned by {@link SafeText#providerText}; lists of URLs are cut to
 * {@value #MAX_LISTED} entries.
 */
final class MetadataUrls {

	/** Most entries of a list (such as the URLs tried) shown in a message. */
	static final int MAX_LISTED = 5;

	private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private MetadataUrls() {
	}

	/**
	 * @param server the MCP server's URL (canonical)
	 * @param url a URL discovery would read, or hand on to the login
	 * @param what what the URL is, for the message, such as {@code "the resource_metadata URL of its challenge"}
	 * @return why the URL must not be used, as a whole sentence naming it, or {@code null} if it may be
	 */
	static @Nullable String refusal(URI server, URI url, String what) {
		if (!SecureUris.isSecureOrLoopback(url)) {
			return capitalized(what) + " of MCP server " + shown(server) + ", " + shown(url) + ", is not https: plain "
					+ "http is only used to 127.0.0.1, [::1] or localhost, since anyone on the way could read and "
					+ "change what travels over it. Ask the server's operator to publish its metadata and authorization "
					+ "server over https.";
		}
		if (isInternal(url.getHost()) && !isInternal(server.getHost())) {
			return capitalized(what) + " of MCP server " + shown(server) + ", " + shown(url) + ", points at this "
					+ "machine or a link-local address, which a server elsewhere must not send the client to. The "
					+ "server or its metadata is not trustworthy: check the server URL and tell its operator.";
		}
		return null;
	}

	/**
	 * @param server the MCP server's URL (canonical)
	 * @param metadata authorization server metadata
	 * @return why its issuer or one of its endpoints must not be used, or {@code null} if all may be
	 */
	static @Nullable String refusal(URI server, AuthorizationServerMetadata metadata) {
		Map<String, @Nullable URI> urls = new LinkedHashMap<>();
		urls.put("issuer", metadata.issuer());
		urls.put("authorization_endpoint", metadata.authorizationEndpoint());
		urls.put("token_endpoint", metadata.tokenEndpoint());
		urls.put("registration_endpoint", metadata.registrationEndpoint());
		urls.put("device_authorization_endpoint", metadata.deviceAuthorizationEndpoint());
		urls.put("revocation_endpoint", metadata.revocationEndpoint());
		urls.put("jwks_uri", metadata.jwksUri());
		for (Map.Entry<String, @Nullable URI> url : urls.entrySet()) {
			URI value = url.getValue();
			String refusal = (value != null) ? refusal(server, value, "the " + url.getKey() + " of the authorization "
					+ "server metadata") : null;
			if (refusal != null) {
				return refusal;
			}
		}
		return null;
	}

	/**
	 * @param host a URI's host
	 * @return whether it names this machine or a link-local address (see the class description); nothing is resolved
	 */
	static boolean isInternal(@Nullable String host) {
		if (host == null || host.isEmpty()) {
			return false;
		}
		String lower = host.toLowerCase(Locale.ROOT);
		if (lower.endsWith(".")) {
			lower = lower.substring(0, lower.length() - 1);
		}
		if (lower.equals("localhost") || lower.endsWith(".localhost")) {
			return true;
		}
		boolean literal = IPV4_LITERAL.matcher(lower).matches() || (lower.startsWith("[") && lower.endsWith("]"));
		if (!literal) {
			return false;
		}
		try {
			// a literal is parsed, never looked up
			InetAddress address = InetAddress.getByName(lower);
			return address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
					|| isMappedInternal(address);
		}
		catch (UnknownHostException | IllegalArgumentException ex) {
			return false;
		}
	}

	/** {@code ::ffff:127.0.0.1} and the like (Java turns most into IPv4 itself; this covers the rest). */
	private static boolean isMappedInternal(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length != 16) {
			return false;
		}
		for (int i = 0; i < 10; i++) {
			if (bytes[i] != 0) {
				return false;
			}
		}
		if ((bytes[10] & 0xff) != 0xff || (bytes[11] & 0xff) != 0xff) {
			return false;
		}
		int first = bytes[12] & 0xff;
		int second = bytes[13] & 0xff;
		return first == 127 || first == 0 || (first == 169 && second == 254);
	}

	/**
	 * @param url a URL from the network or the user
	 * @return it for a message or a log line: ASCII, without control or formatting characters, bounded in length
	 */
	static String shown(@Nullable URI url) {
		return (url != null) ? String.valueOf(SafeText.providerText(url.toASCIIString())) : "(none)";
	}

	/**
	 * @param entries entries already cleaned
	 * @param separator what goes between them
	 * @return the first {@value #MAX_LISTED} joined, and how many more there were
	 */
	static String joined(List<String> entries, String separator) {
		if (entries.size() <= MAX_LISTED) {
			return String.join(separator, entries);
		}
		return String.join(separator, entries.subList(0, MAX_LISTED)) + separator + "and "
				+ (entries.size() - MAX_LISTED) + " more";
	}

	private static String capitalized(String text) {
		return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

}
