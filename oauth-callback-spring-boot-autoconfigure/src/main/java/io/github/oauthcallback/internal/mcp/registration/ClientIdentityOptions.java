package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import io.github.oauthcallback.internal.SafeText;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * What the user configured for the client identity of one MCP server. The checks of its values
 * ({@link #clientIdMetadataDocument(URI)}, {@link #registrationMethod(ClientAuthenticationMethod)}) are the only
 * ones: configuration properties reuse them and name the property.
 *
 * @param preRegistered a client registered in advance at the server's authorization server, or {@code null}
 * @param clientIdMetadataDocument the {@code https} URL of this program's Client ID Metadata Document, or
 * {@code null}; used only where the authorization server advertises {@code client_id_metadata_document_supported}
 * @param registrationMethod the {@code token_endpoint_auth_method} to ask for in a dynamic registration, or
 * {@code null} to choose from what the authorization server supports ({@code none} first)
 */
public record ClientIdentityOptions(@Nullable PreRegisteredClient preRegistered,
		@Nullable URI clientIdMetadataDocument, @Nullable ClientAuthenticationMethod registrationMethod) {

	/** The token endpoint authentication methods this program can use, in the order it prefers them. */
	static final List<ClientAuthenticationMethod> USABLE = List.of(ClientAuthenticationMethod.NONE,
			ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST);

	/**
	 * @throws IllegalArgumentException if a value cannot be used, saying why and what is valid
	 */
	public ClientIdentityOptions {
		if (clientIdMetadataDocument != null) {
			clientIdMetadataDocument(clientIdMetadataDocument);
		}
		if (registrationMethod != null) {
			registrationMethod(registrationMethod);
		}
		if (preRegistered != null && preRegistered.method() != null) {
			usable(preRegistered.method(), "A pre-registered client's authentication method");
		}
	}

	/**
	 * @return no pre-registered client, no Client ID Metadata Document, the registration method chosen
	 */
	public static ClientIdentityOptions none() {
		return new ClientIdentityOptions(null, null, null);
	}

	/**
	 * The Client ID Metadata Document rules for the URL that serves as client id: {@code https}, a host (an ASCII
	 * host name: an internationalized one in its punycode {@code xn--} form), a port from 1 to 65535 if any, a path
	 * other than {@code /}, no fragment, no user information, no dot segments (also not percent-encoded ones such as
	 * {@code %2e%2e}). A message about the URL never repeats its user information.
	 * @param url the URL
	 * @return the URL
	 * @throws IllegalArgumentException if it breaks one of them
	 */
	public static URI clientIdMetadataDocument(URI url) {
		String problem = null;
		if (!url.isAbsolute() || !"https".equalsIgnoreCase(url.getScheme())) {
			problem = "it must be an https URL";
		}
		else if (url.getRawUserInfo() != null || (url.getHost() == null && url.getRawAuthority() != null
				&& url.getRawAuthority().contains("@"))) {
			problem = "it must not hold user information (a name or password before @)";
		}
		else if (url.getHost() == null) {
			problem = (url.getRawAuthority() == null || url.getRawAuthority().isEmpty()) ? "it has no host"
					: "its host is not a valid host name (an internationalized name must be written in its punycode "
							+ "form, xn--..., and a host name cannot contain '_')";
		}
		else if (url.getPort() == 0 || url.getPort() > 65535) {
			problem = "its port must be between 1 and 65535";
		}
		else if (url.getRawPath() == null || url.getRawPath().isEmpty() || "/".equals(url.getRawPath())) {
			problem = "it must have a path naming the document, such as /client-metadata.json";
		}
		else if (url.getRawFragment() != null) {
			problem = "it must not have a fragment";
		}
		else if (hasDotSegment(url.getPath())) {
			problem = "its path must not hold . or .. segments (also not percent-encoded, such as %2e%2e)";
		}
		if (problem != null) {
			throw new IllegalArgumentException("The Client ID Metadata Document URL '" + shown(url) + "' cannot be "
					+ "used as a client id: " + problem + ". It is the https address where this program's client "
					+ "metadata (client_id equal to that address, client_name, redirect_uris) is published, for example "
					+ "https://example.com/my-cli/client-metadata.json.");
		}
		return url;
	}

	/** Whether the decoded path has a {@code .} or {@code ..} segment. */
	private static boolean hasDotSegment(@Nullable String decodedPath) {
		if (decodedPath == null) {
			return false;
		}
		for (String segment : decodedPath.split("/", -1)) {
			if (".".equals(segment) || "..".equals(segment)) {
				return true;
			}
		}
		return false;
	}

	/** The URL for a message: without user information (which may hold a password), cleaned of control characters. */
	private static String shown(URI url) {
		String text = url.toString();
		String authority = url.getRawAuthority();
		if (authority != null && authority.contains("@")) {
			String withoutUser = authority.substring(authority.lastIndexOf('@') + 1);
			int at = text.indexOf(authority);
			text = text.substring(0, at) + withoutUser + text.substring(at + authority.length());
		}
		return SafeText.providerText(text);
	}

	/**
	 * @param method a token endpoint authentication method for dynamic registrations
	 * @return the method
	 * @throws IllegalArgumentException if this program cannot authenticate that way
	 */
	public static ClientAuthenticationMethod registrationMethod(ClientAuthenticationMethod method) {
		return usable(method, "The authentication method for dynamic client registration");
	}

	private static ClientAuthenticationMethod usable(ClientAuthenticationMethod method, String what) {
		if (!USABLE.contains(method)) {
			throw new IllegalArgumentException(what + " is '" + method.getValue() + "', which this program cannot "
					+ "use at a token endpoint. Use none, client_secret_basic or client_secret_post.");
		}
		return method;
	}

	/**
	 * @param value a {@code token_endpoint_auth_method} value, as an authorization server writes it
	 * @return the method if this program can use it, else {@code null}
	 */
	static @Nullable ClientAuthenticationMethod usable(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String normalized = value.trim().toLowerCase(Locale.ROOT);
		return USABLE.stream().filter((method) -> method.getValue().equals(normalized)).findFirst().orElse(null);
	}

}
