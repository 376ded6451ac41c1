package io.github.oauthcallback;

/**
 * A login is needed (none is stored, or the stored one can no longer be refreshed) but this program may not open a
 * browser (interactive logins are {@code never} allowed, or {@code auto} without a terminal or under CI).
 * The message names the registration, the account and what to run.
 */
public class ReauthorizationRequiredException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final String registrationId;

	private final String account;

	public ReauthorizationRequiredException(String registrationId, String account, String reason, String loginCommand) {
		super("Registration '" + registrationId + "' needs a new login for account '" + account + "': " + reason
				+ ". This run may not open a browser (interactive logins are off or no terminal is attached). Log in once interactively, for "
				+ "example: " + loginCommand.replace("{registration}", registrationId).replace("{account}", account)
				+ ", then run this again.");
		this.registrationId = registrationId;
		this.account = account;
	}

	/**
	 * @return the registration that needs a login
	 */
	public String getRegistrationId() {
		return this.registrationId;
	}

	/**
	 * @return the account that needs a login
	 */
	public String getAccount() {
		return this.account;
	}

}
