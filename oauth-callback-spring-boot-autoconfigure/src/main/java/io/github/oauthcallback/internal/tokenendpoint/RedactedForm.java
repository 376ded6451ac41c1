package io.github.oauthcallback.internal.tokenendpoint;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.Set;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.MultiValueMap;

/**
 * Keeps the values of a token request's form body out of its {@code toString()}. Spring's {@code RestClient} logs
 * the body it writes ("Writing [{grant_type=[...], code=[...], ...}]", in full at TRACE and cut to 100 characters
 * at DEBUG), and that body carries the authorization code, the PKCE verifier, a {@code client_secret_post} secret
 * or a refresh token, and a revocation request's body carries the token to revoke. Spring Security hands {@code RestClient} the very map its parameters converter created, after
 * the parameters customizer has seen it, so the customizer swaps each value list for one that writes its values as
 * usual but prints as {@value #REDACTED}. Only parameters known to carry no secret keep their values in the text.
 */
public final class RedactedForm {

	static final String REDACTED = "[redacted]";

	private static final Set<String> SHOWN = Set.of(OAuth2ParameterNames.GRANT_TYPE, OAuth2ParameterNames.CLIENT_ID,
			OAuth2ParameterNames.REDIRECT_URI, OAuth2ParameterNames.SCOPE, OAuth2ParameterNames.TOKEN_TYPE_HINT);

	private RedactedForm() {
	}

	/**
	 * Redacts the values of every parameter of a form body but the grant type, client id, redirect URI, scope and
	 * token type hint, in its {@code toString()} only.
	 * @param form the form body, changed in place
	 */
	static void redact(MultiValueMap<String, String> form) {
		form.replaceAll((name, values) -> (values == null || SHOWN.contains(name) || values instanceof Values) ? values
				: new Values(values));
	}

	/** The values of one parameter: a plain list to iterate, {@value #REDACTED} as text. */
	private static final class Values extends AbstractList<String> implements RandomAccess {

		private final List<String> values;

		Values(List<String> values) {
			this.values = new ArrayList<>(values);
		}

		@Override
		public String get(int index) {
			return this.values.get(index);
		}

		@Override
		public int size() {
			return this.values.size();
		}

		@Override
		public String set(int index, String value) {
			return this.values.set(index, value);
		}

		@Override
		public void add(int index, String value) {
			this.values.add(index, value);
		}

		@Override
		public String remove(int index) {
			return this.values.remove(index);
		}

		@Override
		public String toString() {
			return REDACTED;
		}

	}

}
