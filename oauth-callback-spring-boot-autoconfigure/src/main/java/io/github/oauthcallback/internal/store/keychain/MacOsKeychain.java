package io.github.oauthcallback.internal.store.keychain;

import java.util.List;
import java.util.Locale;

import io.github.oauthcallback.internal.store.keychain.KeychainException.Problem;
import org.jspecify.annotations.Nullable;

/**
 * The macOS keychain through the {@code security} tool: a generic password found by service and account. It is read
 * with {@code security find-generic-password -w} (the key on its standard output) and created through
 * {@code security -i}, which reads the {@code add-generic-password} command, key included, from its standard input,
 * so the key is never on a command line. Without {@code -U} an existing item is never replaced. Not run on macOS by
 * this project's build: tested against a stand-in of the tool.
 */
public final class MacOsKeychain extends ToolCredentialStore {

	/** {@code errSecItemNotFound}, as {@code security}'s exit code. */
	static final int ITEM_NOT_FOUND = 44;

	/** {@code errSecDuplicateItem}, as {@code security}'s exit code. */
	static final int DUPLICATE_ITEM = 45;

	private static final String INSTALL = "The security tool is part of macOS (/usr/bin/security); check the PATH, "
			+ "or use oauth-callback.store.encryption.key-source=property with a key or key file.";

	private final ToolProcess tool;

	/**
	 * @param program the {@code security} program (a name looked up on the PATH, or a path)
	 * @param service the item's service
	 * @param account the item's account
	 * @param tool how the program is run
	 */
	MacOsKeychain(String program, String service, String account, ToolProcess tool) {
		super(program, service, account);
		this.tool = tool;
	}

	@Override
	public String describe() {
		return "macOS keychain, service '" + this.service + "', account '" + this.account + "'";
	}

	@Override
	public @Nullable String read() {
		ToolProcess.Result found = this.tool.run(List.of(this.program, "find-generic-password", "-s", this.service,
				"-a", this.account, "-w"), null, describe(), INSTALL);
		if (found.exitCode() == 0) {
			return found.stdout();
		}
		if (found.exitCode() == ITEM_NOT_FOUND) {
			return null;
		}
		throw failure("read", found);
	}

	@Override
	public void create(String secret) {
		String command = "add-generic-password -s \"" + this.service + "\" -a \"" + this.account + "\" -l \""
				+ "oauth-callback token encryption key (" + this.account + ")\" -w \"" + secret + "\"\n";
		ToolProcess.Result ran = this.tool.run(List.of(this.program, "-i"), command, describe(), INSTALL);
		// The tool may quote part of the command line in an error: the key itself is taken out of what it said.
		ToolProcess.Result added = new ToolProcess.Result(ran.exitCode(), "",
				ran.stderr().replace(secret.strip(), "(key)"));
		// security -i goes on after a failed command: what it says on its standard error tells. An item that exists
		// already (made by another writer) is kept, and read back by the caller.
		if (added.stderr().toLowerCase(Locale.ROOT).contains("already exists")) {
			return;
		}
		if (added.exitCode() != 0 || !added.stderr().isEmpty()) {
			throw failure("store", added);
		}
	}

	private KeychainException failure(String operation, ToolProcess.Result result) {
		String said = result.stderr().toLowerCase(Locale.ROOT);
		if (said.contains("interaction is not allowed") || said.contains("locked")) {
			return new KeychainException(Problem.LOCKED, "The macOS keychain that holds the token encryption key ("
					+ describe() + ") is locked and cannot ask to be unlocked here (security said "
					+ ToolProcess.said(result.stderr()) + "). Unlock it (security unlock-keychain, or log in to the "
					+ "desktop) and try again. Nothing was stored or changed.", null);
		}
		return new KeychainException(Problem.REFUSED, "The macOS keychain refused to " + operation + " the token "
				+ "encryption key (" + describe() + "): security exited with " + result.exitCode() + " and "
				+ ToolProcess.said(result.stderr()) + ". Check the keychain (Keychain Access, or security "
				+ "find-generic-password -s " + this.service + " -a " + this.account + ") and try again. Nothing was "
				+ "stored or changed.", null);
	}

}
