package io.github.oauthcallback.internal.store.keychain;

/**
 * A credential store reached through a command-line tool: the program, and the item's service and account, checked
 * the same way for every system ({@link Keychains#quotable}) before any tool sees them.
 */
abstract class ToolCredentialStore implements CredentialStore {

	/** The tool (a name looked up on the PATH, or a path). */
	final String program;

	/** The item's service, checked. */
	final String service;

	/** The item's account, checked. */
	final String account;

	/**
	 * @param program the tool (a name looked up on the PATH, or a path)
	 * @param service the item's service
	 * @param account the item's account
	 */
	ToolCredentialStore(String program, String service, String account) {
		this.program = program;
		this.service = Keychains.quotable(service, "service");
		this.account = Keychains.quotable(account, "account");
	}

	@Override
	public final String service() {
		return this.service;
	}

	@Override
	public final String account() {
		return this.account;
	}

}
