package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.ProtectedResourceMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Reads the members a client uses from metadata documents into the shared records, checking their types. A document
 * without a required member, or with a member of the wrong type, is malformed: the result says which member and why.
 * The checks that refuse a well-formed document (resource, issuer, {@code S256}) are {@link McpMetadataDiscovery}'s.
 */
final class MetadataDocuments {

	static final String S256 = "S256";

	/**
	 * Most {@code authorization_servers} a protected resource document may name; one naming more is malformed (a
	 * resource has one or a few, and each is a round of requests).
	 */
	static final int MAX_AUTHORIZATION_SERVERS = 8;

	private MetadataDocuments() {
	}

	/**
	 * A document read, or why it could not be.
	 * @param <T> the record
	 * @param value the record, {@code null} when malformed
	 * @param problem why the document is malformed, {@code null} when read
	 */
	record Read<T>(@Nullable T value, @Nullable String problem) {

		static <T> Read<T> of(T value) {
			return new Read<>(value, null);
		}

		static <T> Read<T> malformed(String problem) {
			return new Read<>(null, problem);
		}

	}

	/**
	 * RFC 9728 section 2: {@code resource} (required), {@code authorization_servers} (required here: a client can do
	 * nothing without one, and at most {@value #MAX_AUTHORIZATION_SERVERS}), {@code scopes_supported}.
	 * @param members the document
	 * @return the metadata, with {@code resource} as the document gives it (discovery keeps its canonical form)
	 */
	static Read<ProtectedResourceMetadata> protectedResource(Map<String, Object> members) {
		Object resourceValue = members.get("resource");
		if (!(resourceValue instanceof String text)) {
			return Read.malformed(missingOrNot("resource", resourceValue, "a string"));
		}
		URI resource = ResourceUris.httpUrl(text);
		if (resource == null) {
			return Read.malformed("its resource " + quoted(text) + " is not an absolute http(s) URL without "
					+ "fragment");
		}
		Object serversValue = members.get("authorization_servers");
		List<String> servers = strings(serversValue);
		if (servers == null || servers.isEmpty()) {
			return Read.malformed((serversValue == null) ? "it names no authorization server (authorization_servers)"
					: "its authorization_servers is not a non-empty array of strings");
		}
		if (servers.size() > MAX_AUTHORIZATION_SERVERS) {
			return Read.malformed("it names " + servers.size() + " authorization servers, more than the "
					+ MAX_AUTHORIZATION_SERVERS + " a client accepts");
		}
		List<URI> issuers = new ArrayList<>();
		for (String server : servers) {
			URI issuer = ResourceUris.httpUrl(server);
			if (issuer == null || issuer.getRawQuery() != null) {
				return Read.malformed("its authorization server " + quoted(server) + " is not an absolute http(s) URL "
						+ "without query or fragment");
			}
			issuers.add(issuer);
		}
		List<String> scopes = strings(members.get("scopes_supported"));
		if (scopes == null) {
			return Read.malformed("its scopes_supported is not an array of strings");
		}
		return Read.of(new ProtectedResourceMetadata(resource, issuers, scopes));
	}

	/**
	 * RFC 8414 section 2 (and OpenID Connect Discovery): {@code issuer}, {@code authorization_endpoint} and
	 * {@code token_endpoint} required, the other endpoints optional, lists and flags checked for their type.
	 * @param members the document
	 * @return the metadata, every member (without {@code null} values) kept in {@code metadata}
	 */
	static Read<AuthorizationServerMetadata> authorizationServer(Map<String, Object> members) {
		Object issuerValue = members.get("issuer");
		if (!(issuerValue instanceof String issuerText)) {
			return Read.malformed(missingOrNot("issuer", issuerValue, "a string"));
		}
		URI issuer = ResourceUris.httpUrl(issuerText);
		if (issuer == null) {
			return Read.malformed("its issuer " + quoted(issuerText) + " is not an absolute http(s) URL");
		}
		Map<String, URI> endpoints = new LinkedHashMap<>();
		for (String name : List.of("authorization_endpoint", "token_endpoint", "registration_endpoint",
				"device_authorization_endpoint", "revocation_endpoint", "jwks_uri")) {
			Object value = members.get(name);
			boolean required = name.equals("authorization_endpoint") || name.equals("token_endpoint");
			if (value == null && !required) {
				continue;
			}
			URI endpoint = (value instanceof String text) ? ResourceUris.httpUrl(text) : null;
			if (endpoint == null) {
				return Read.malformed((value == null) ? "it has no " + name
						: "its " + name + " " + quoted(String.valueOf(value)) + " is not an absolute http(s) URL");
			}
			endpoints.put(name, endpoint);
		}
		for (String name : List.of("scopes_supported", "token_endpoint_auth_methods_supported",
				"grant_types_supported", "code_challenge_methods_supported")) {
			if (strings(members.get(name)) == null) {
				return Read.malformed("its " + name + " is not an array of strings");
			}
		}
		Object cimd = members.get("client_id_metadata_document_supported");
		if (cimd != null && !(cimd instanceof Boolean)) {
			return Read.malformed("its client_id_metadata_document_supported is not a boolean");
		}
		Map<String, Object> metadata = new LinkedHashMap<>();
		members.forEach((name, value) -> {
			if (value != null) {
				metadata.put(name, value);
			}
		});
		return Read.of(new AuthorizationServerMetadata(issuer, endpoints.get("authorization_endpoint"),
				endpoints.get("token_endpoint"), endpoints.get("registration_endpoint"),
				endpoints.get("device_authorization_endpoint"), endpoints.get("revocation_endpoint"),
				endpoints.get("jwks_uri"), listOf(members, "scopes_supported"),
				listOf(members, "token_endpoint_auth_methods_supported"), listOf(members, "grant_types_supported"),
				Boolean.TRUE.equals(cimd), metadata));
	}

	/**
	 * @param metadata checked authorization server metadata
	 * @return its {@code code_challenge_methods_supported}, possibly none
	 */
	static List<String> codeChallengeMethods(AuthorizationServerMetadata metadata) {
		return listOf(metadata.metadata(), "code_challenge_methods_supported");
	}

	private static List<String> listOf(Map<String, Object> members, String name) {
		List<String> strings = strings(members.get(name));
		return (strings != null) ? strings : List.of();
	}

	/**
	 * @param value a member's value
	 * @return its strings: none when absent, {@code null} when it is not an array of strings
	 */
	private static @Nullable List<String> strings(@Nullable Object value) {
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			return null;
		}
		List<String> strings = new ArrayList<>(list.size());
		for (Object element : list) {
			if (!(element instanceof String text)) {
				return null;
			}
			strings.add(text);
		}
		return strings;
	}

	private static String missingOrNot(String name, @Nullable Object value, String type) {
		return (value == null) ? "it has no " + name : "its " + name + " is not " + type;
	}

	static String quoted(String text) {
		return "'" + SafeText.providerText(text) + "'";
	}

}
