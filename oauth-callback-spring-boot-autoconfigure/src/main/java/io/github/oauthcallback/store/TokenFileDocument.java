package io.github.oauthcallback.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The token file's JSON document, version 1. These are the file format; they are not Spring Security's classes, so
 * a Spring upgrade cannot change what is on disk.
 *
 * @param version the format version
 * @param entries one entry per registration and account
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record TokenFileDocument(int version, List<Entry> entries) {

	static final int CURRENT_VERSION = 1;

	TokenFileDocument {
		entries = (entries != null) ? List.copyOf(entries) : List.of();
	}

	static TokenFileDocument empty() {
		return new TokenFileDocument(CURRENT_VERSION, List.of());
	}

	/**
	 * @return what makes this parsed document unusable (a missing required field), or {@code null} if nothing does;
	 * never a value from the file
	 */
	String problem() {
		for (int i = 0; i < this.entries.size(); i++) {
			Entry entry = this.entries.get(i);
			String missing = (entry == null) ? "the entry"
					: (entry.registrationId() == null) ? "registrationId"
							: (entry.account() == null) ? "account"
									: (entry.accessToken() == null) ? "accessToken"
											: (entry.accessToken().value() == null) ? "accessToken.value"
													: (entry.refreshToken() != null && entry.refreshToken().value() == null)
															? "refreshToken.value" : null;
			if (missing != null) {
				return "entry " + (i + 1) + " has no " + missing;
			}
		}
		return null;
	}

	Entry find(String registrationId, String account) {
		return this.entries.stream().filter((entry) -> entry.is(registrationId, account)).findFirst().orElse(null);
	}

	TokenFileDocument with(Entry replacement) {
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

	TokenFileDocument without(String registrationId, String account) {
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
	 * @param idToken the ID token's compact form (possibly encrypted), or {@code null}
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Entry(String registrationId, String account, String issuer, String tokenUri, String clientId,
			AccessToken accessToken, RefreshToken refreshToken, String idToken) {

		boolean is(String registrationId, String account) {
			return this.registrationId.equals(registrationId) && this.account.equals(account);
		}

		StoredLogin summary() {
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
	record AccessToken(String value, String type, Instant issuedAt, Instant expiresAt, Set<String> scopes) {

		AccessToken {
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
	record RefreshToken(String value, Instant issuedAt, Instant expiresAt) {

		@Override
		public String toString() {
			return "RefreshToken[expires " + this.expiresAt + "]";
		}

	}

}
