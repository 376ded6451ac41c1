package io.github.oauthcallback.internal.store;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * Who issued a stored login: the provider (its issuer, else its token endpoint) and the client. A login is only used
 * with a registration of the same provider and client, so a registration pointed elsewhere never sends an old refresh
 * token to another provider.
 *
 * @param issuer the issuer, or {@code null} if the registration had none
 * @param tokenUri the token endpoint, or {@code null} if not recorded (entries of older versions)
 * @param clientId the client id
 */
public record IssuedBy(@Nullable String issuer, @Nullable String tokenUri, @Nullable String clientId) {

	public static IssuedBy of(ClientRegistration registration) {
		return new IssuedBy(registration.getProviderDetails().getIssuerUri(),
				registration.getProviderDetails().getTokenUri(), registration.getClientId());
	}

	/**
	 * @param registration the registration about to use the login
	 * @return what differs ("client-id ...", "issuer ..."), or {@code null} if the login belongs to it
	 */
	@Nullable String differenceFrom(ClientRegistration registration) {
		IssuedBy current = of(registration);
		if (!Objects.equals(this.clientId, current.clientId)) {
			return "client-id " + this.clientId + " (the registration now has " + current.clientId + ")";
		}
		// The issuer identifies the provider; without one on either side, the token endpoint does (when recorded).
		boolean sameProvider = (this.issuer != null || current.issuer != null)
				? Objects.equals(this.issuer, current.issuer)
				: this.tokenUri == null || this.tokenUri.equals(current.tokenUri);
		return sameProvider ? null
				: "issuer " + describe(this) + " (the registration now has " + describe(current) + ")";
	}

	/**
	 * @param other another record of the same login
	 * @param exact whether {@code null} fields of this record count as different ({@code false}: not recorded)
	 * @return the first field that differs, or {@code null}
	 */
	@Nullable String differenceFrom(IssuedBy other, boolean exact) {
		if ((exact || this.issuer != null) && !Objects.equals(this.issuer, other.issuer)) {
			return "issuer";
		}
		if ((exact || this.tokenUri != null) && !Objects.equals(this.tokenUri, other.tokenUri)) {
			return "token endpoint";
		}
		if ((exact || this.clientId != null) && !Objects.equals(this.clientId, other.clientId)) {
			return "client id";
		}
		return null;
	}

	private static String describe(IssuedBy issuedBy) {
		return (issuedBy.issuer != null) ? issuedBy.issuer
				: (issuedBy.tokenUri != null) ? "(none; token endpoint " + issuedBy.tokenUri + ")" : "(none)";
	}

}
