package io.github.oauthcallback.internal.store;

import io.github.oauthcallback.store.StoredLogin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * The token file's JSON document. These are the file format; they are not Spring Security's classes, so a Spring
 * upgrade cannot change what is on disk. Version 2 added {@link Entry#sealed()}: with an encryption key an entry's
 * token values are only in its sealed document, and the other fields are a plain copy for listing. Version 1 files
 * (field by field, plaintext or {@code enc:v1} values) are read, and written back as version 2; with a key their
 * entries stay refused until the migration seals them or a new login replaces them.
 *
 * @param version the format version
 * @param entries one entry per registration and account
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenFileDocument(int version, List<Entry> entries) {

	static final int CURRENT_VERSION = 2;

	/** The oldest version this one reads. */
	static final int OLDEST_VERSION = 1;

	public TokenFileDocument {
		entries = (entries != null) ? List.copyOf(entries) : List.of();
	}

	public static TokenFileDocument empty() {
		return new TokenFileDocument(CURRENT_VERSION, List.of());
	}

	/**
	 * @return what makes this parsed document unusable (a missing required field), or {@code null} if nothing does;
	 * never a value from the file
	 */
	@Nullable String problem() {
		for (int i = 0; i < this.entries.size(); i++) {
			Entry entry = this.entries.get(i);
			String missing = (entry == null) ? "the entry"
					: (entry.registrationId() == null) ? "registrationId"
							: (entry.account() == null) ? "account"
									: (entry.accessToken() == null) ? "accessToken"
											: (entry.sealed() == null && entry.accessToken().value() == null)
													? "accessToken.value"
													: (entry.sealed() == null && entry.refreshToken() != null
															&& entry.refreshToken().value() == null)
																	? "refreshToken.value" : null;
			if (missing != null) {
				return "entry " + (i + 1) + " has no " + missing;
			}
		}
		return null;
	}

	public @Nullable Entry find(String registrationId, String account) {
		return this.entries.stream().filter((entry) -> entry.is(registrationId, account)).findFirst().orElse(null);
	}

	public TokenFileDocument with(Entry replacement) {
		List<Entry> updated = new ArrayList<>(this.entries.size() + 1);
		boolean replaced = false;
		for (Entry entry : this.entries) {
			if (entry.is(replacement.registrationId(), replacement.account())) {
				updated.add(replacement);
				replaced = true;
			}
			else {
				updated.add(entry);
			}
		}
		if (!replaced) {
			updated.add(replacement);
		}
		return new TokenFileDocument(CURRENT_VERSION, updated);
	}

	/**
	 * @param change a change to each entry, returning the same entry to leave it as it is
	 * @return the changed document, or this one if no entry changed
	 */
	public TokenFileDocument withEach(UnaryOperator<Entry> change) {
		List<Entry> updated = new ArrayList<>(this.entries.size());
		boolean changed = false;
		for (Entry entry : this.entries) {
			Entry after = change.apply(entry);
			changed |= after != entry;
			updated.add(after);
		}
		return changed ? new TokenFileDocument(CURRENT_VERSION, updated) : this;
	}

	public TokenFileDocument without(String registrationId, String account) {
		return new TokenFileDocument(CURRENT_VERSION,
				this.entries.stream().filter((entry) -> !entry.is(registrationId, account)).toList());
	}

	/**
	 * One stored login.
	 *
	 * @param registrationId the registration id
	 * @param account the account (principal name)
	 * @param issuer the issuer the tokens were issued by, if the registration has one
	 * @param tokenUri the token endpoint the tokens came from, which identifies the provider when it has no issuer
	 * (GitHub); absent in entries written before it was recorded
	 * @param clientId the client the tokens were issued to
	 * @param accessToken the access token
	 * @param refreshToken the refresh token, or {@code null}
	 * @param idToken the ID token's compact form (possibly {@code enc:v1}), or {@code null}
	 * @param sealed with an encryption key, the {@link SealedLogin} document ({@code enc:v2:...}); the token values
	 * are then absent from the other fields, which only serve listing and must match it
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Entry(String registrationId, String account, @Nullable String issuer, @Nullable String tokenUri,
			@Nullable String clientId, AccessToken accessToken, @Nullable RefreshToken refreshToken,
			@Nullable String idToken, @Nullable String sealed) {

		/**
		 * @param registrationId the registration id
		 * @param account the account
		 * @param login the login
		 * @param sealed its sealed document, or {@code null} to store the values of {@code login} as they are
		 * @return the entry
		 */
		public static Entry of(String registrationId, String account, SealedLogin login, @Nullable String sealed) {
			boolean plain = sealed == null;
			return new Entry(registrationId, account, login.issuer(), login.tokenUri(), login.clientId(),
					new AccessToken(plain ? login.accessToken() : null, login.tokenType(), login.issuedAt(),
							login.expiresAt(), login.scopes()),
					(login.refreshToken() != null) ? new RefreshToken(plain ? login.refreshToken() : null,
							login.refreshIssuedAt(), login.refreshExpiresAt()) : null,
					plain ? login.idToken() : null, sealed);
		}

		/**
		 * @return the entry's fields as a login, values as stored; in a sealed entry the values are absent, and a
		 * refresh token (which only the sealed document holds) is the empty string
		 */
		public SealedLogin stored() {
			return new SealedLogin(this.issuer, this.tokenUri, this.clientId, this.accessToken.value(),
					this.accessToken.type(), this.accessToken.issuedAt(), this.accessToken.expiresAt(),
					this.accessToken.scopes(), (this.refreshToken != null)
							? ((this.refreshToken.value() != null) ? this.refreshToken.value() : "") : null,
					(this.refreshToken != null) ? this.refreshToken.issuedAt() : null,
					(this.refreshToken != null) ? this.refreshToken.expiresAt() : null, this.idToken);
		}

		boolean is(String registrationId, String account) {
			return this.registrationId.equals(registrationId) && this.account.equals(account);
		}

		public StoredLogin summary() {
			return new StoredLogin(this.registrationId, this.account, this.accessToken.scopes(),
					this.accessToken.expiresAt(), this.refreshToken != null);
		}

		@Override
		public String toString() {
			return "Entry[" + this.registrationId + ", " + this.account + "]";
		}

	}

	/**
	 * @param value the token value (possibly encrypted)
	 * @param type the token type, {@code Bearer}
	 * @param issuedAt when it was issued
	 * @param expiresAt when it expires
	 * @param scopes its scopes
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record AccessToken(@Nullable String value, String type, @Nullable Instant issuedAt,
			@Nullable Instant expiresAt, Set<String> scopes) {

		public AccessToken {
			scopes = (scopes != null) ? Set.copyOf(scopes) : Set.of();
		}

		@Override
		public String toString() {
			return "AccessToken[" + this.type + ", expires " + this.expiresAt + "]";
		}

	}

	/**
	 * @param value the token value (possibly encrypted)
	 * @param issuedAt when it was issued, if known
	 * @param expiresAt when it expires, if known
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record RefreshToken(@Nullable String value, @Nullable Instant issuedAt, @Nullable Instant expiresAt) {

		@Override
		public String toString() {
			return "RefreshToken[expires " + this.expiresAt + "]";
		}

	}

}
