package io.github.oauthcallback.internal.store.keychain;

import java.util.List;
import java.util.Locale;

import io.github.oauthcallback.internal.store.keychain.KeychainException.Problem;
import org.jspecify.annotations.Nullable;

/**
 * The Secret Service (freedesktop.org: GNOME Keyring, KWallet, KeePassXC) on the D-Bus session bus, through
 * libsecret's {@code secret-tool}. The item is found by its {@code service} and {@code account} attributes; the key
 * is written to {@code secret-tool store} on its standard input and read from {@code secret-tool lookup}'s standard
 * output. A lookup that finds nothing and says nothing may also mean a locked collection: a search tells them apart,
 * so a locked keyring is reported as locked and never answered with a new key (and an item another process created
 * in between is read).
 */
public final class SecretServiceKeychain extends ToolCredentialStore {

	private static final String INSTALL = "Install libsecret's secret-tool (Debian/Ubuntu: apt-get install "
			+ "libsecret-tools; Fedora: dnf install libsecret) and a Secret Service such as gnome-keyring, or use "
			+ "oauth-callback.store.encryption.key-source=property with a key or key file.";

	private final ToolProcess tool;

	/**
	 * @param program the {@code secret-tool} program (a name looked up on the PATH, or a path)
	 * @param service the item's {@code service} attribute
	 * @param account the item's {@code account} attribute
	 * @param tool how the program is run
	 */
	SecretServiceKeychain(String program, String service, String account, ToolProcess tool) {
		super(program, service, account);
		this.tool = tool.withEnvironment("LC_ALL", "C");
	}

	@Override
	public String describe() {
		return "Secret Service, service '" + this.service + "', account '" + this.account + "'";
	}

	@Override
	public @Nullable String read() {
		ToolProcess.Result lookup = run(List.of(this.program, "lookup", "service", this.service, "account",
				this.account), null);
		if (lookup.exitCode() == 0) {
			return lookup.stdout();
		}
		if (!lookup.stderr().isEmpty()) {
			throw failure("read", lookup);
		}
		// Nothing found, or found in a locked collection: secret-tool says nothing in both cases.
		ToolProcess.Result search = run(List.of(this.program, "search", "--all", "service", this.service, "account",
				this.account), null);
		if (search.stderr().toLowerCase(Locale.ROOT).contains("locked")) {
			throw locked();
		}
		if (search.exitCode() != 0) {
			throw failure("search", search);
		}
		if (!search.stdout().isBlank()) {
			// Found and not locked: another process created it since the lookup. Read it (its output on search, which
			// may hold the secret, is never used).
			ToolProcess.Result again = run(List.of(this.program, "lookup", "service", this.service, "account",
					this.account), null);
			if (again.exitCode() == 0) {
				return again.stdout();
			}
			throw locked();
		}
		return null;
	}

	@Override
	public void create(String secret) {
		ToolProcess.Result store = run(List.of(this.program, "store",
				"--label=oauth-callback token encryption key (" + this.account + ")", "service", this.service,
				"account", this.account), secret);
		if (store.exitCode() != 0) {
			throw failure("store", store);
		}
	}

	private ToolProcess.Result run(List<String> command, @Nullable String input) {
		return this.tool.run(command, input, describe(), INSTALL);
	}

	private KeychainException locked() {
		return new KeychainException(Problem.LOCKED, "The Secret Service keyring that holds the token encryption key ("
				+ describe() + ") is locked. Unlock it (log in to the desktop session, or in a headless session start "
				+ "gnome-keyring-daemon with --unlock) and try again. Nothing was stored or changed.", null);
	}

	private KeychainException failure(String operation, ToolProcess.Result result) {
		String said = result.stderr().toLowerCase(Locale.ROOT);
		if (said.contains("locked")) {
			return locked();
		}
		if (said.contains("d-bus") || said.contains("dbus") || said.contains("could not connect")
				|| said.contains("serviceunknown") || said.contains("not provided by any")) {
			return new KeychainException(Problem.UNAVAILABLE, "No Secret Service is reachable for the token "
					+ "encryption key (" + describe() + "): secret-tool " + operation + " exited with "
					+ result.exitCode() + " and " + ToolProcess.said(result.stderr()) + ". It needs a D-Bus session "
					+ "bus (DBUS_SESSION_BUS_ADDRESS) with a Secret Service provider such as gnome-keyring; on a "
					+ "headless machine run the program under dbus-run-session with an unlocked gnome-keyring, or use "
					+ "oauth-callback.store.encryption.key-source=property with a key or key file. Nothing was stored "
					+ "or changed.", null);
		}
		return new KeychainException(Problem.REFUSED, "The Secret Service refused to " + operation + " the token "
				+ "encryption key (" + describe() + "): secret-tool exited with " + result.exitCode() + " and "
				+ ToolProcess.said(result.stderr()) + ". Check the keyring (for example with seahorse or secret-tool "
				+ "search) and try again. Nothing was stored or changed.", null);
	}

}
