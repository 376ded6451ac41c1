package io.github.oauthcallback.internal.mcp.registration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.internal.store.PrivateFiles;
import io.github.oauthcallback.internal.store.StoreSettings;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.TokenFile;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registered clients in one JSON file next to the token file ({@link #fileNextTo}: {@code tokens.json} has
 * {@code tokens.mcp-clients.json}), sealed with the token file's cipher when a key is configured
 * ({@link ClientProtection}; without a key it is plaintext, like the token file). It is written like the token file:
 * owner-only from its creation ({@link PrivateFiles}), into a temporary file in the same directory that is forced to
 * disk and atomically moved over it, and the directory is then forced to disk too. Every read and read-modify-write
 * runs under the cross-process lock that {@link TokenFile} takes on a sibling {@code .lock} file (which also refuses a
 * directory other users can write), so concurrent processes never lose each other's registrations;
 * {@link #exclusively} holds a per-registration lock on the same file around "find, else register and save", so two
 * processes starting at once register once. A file that is a symbolic link, cannot be read, is not the expected JSON
 * or of a newer format is reported ({@link TokenStoreException}) and never overwritten; the token file is not touched.
 */
public final class FileRegisteredClients implements RegisteredClients {

	/** The key of the file's lock: one lock for the whole file. */
	private static final String LOCK_KEY = "mcp-clients";

	/** The key prefix of the per-registration lock that {@link #exclusively} holds. */
	private static final String REGISTRATION_LOCK_KEY = "mcp-registration:";

	private static final JsonMapper json = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private final Path file;

	/** Only its cross-process lock is used: the file it would read is this store's, read here. */
	private final TokenFile lock;

	private final ClientProtection protection;

	private final boolean posix;

	/**
	 * @param tokenFile the token file; the clients are kept in {@link #fileNextTo} it
	 * @param cipher the token store's cipher, {@link TokenCipher#none()} without a key
	 * @param lockTimeout how long to wait for another process's lock on the file (the token store's lock timeout)
	 */
	public FileRegisteredClients(Path tokenFile, TokenCipher cipher, Duration lockTimeout) {
		this.file = fileNextTo(tokenFile);
		this.lock = new TokenFile(this.file, lockTimeout);
		this.protection = new ClientProtection(cipher, this::location);
		this.posix = this.file.getFileSystem().supportedFileAttributeViews().contains("posix");
	}

	/**
	 * @param tokenFile the token file
	 * @return the file of the registered clients: in the same directory, named after the token file with
	 * {@code .mcp-clients.json} in place of {@code .json}
	 */
	public static Path fileNextTo(Path tokenFile) {
		Path token = StoreSettings.tokenFile(tokenFile);
		String name = token.getFileName().toString();
		String base = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
		return token.resolveSibling(base + ".mcp-clients.json");
	}

	/**
	 * @return the file
	 */
	public Path path() {
		return this.file;
	}

	@Override
	public Optional<McpClient> find(String registrationId) {
		Entry entry = this.lock.lockedForKey(LOCK_KEY, () -> read().find(registrationId));
		return (entry != null) ? Optional.ofNullable(this.protection.read(registrationId, entry.client(), entry.sealed()))
				: Optional.empty();
	}

	@Override
	public void save(String registrationId, McpClient client) {
		Entry entry = entry(registrationId, client);
		update((document) -> document.with(entry));
	}

	/**
	 * Under the file's lock: stores the client unless the stored one is usable and not {@code replaced}, which is
	 * then returned.
	 */
	@Override
	public McpClient saveUnlessChanged(String registrationId, @Nullable McpClient replaced, McpClient client) {
		Entry entry = entry(registrationId, client);
		return this.lock.lockedForKey(LOCK_KEY, () -> {
			PrivateFiles.removeStaleTemporaryFiles(this.file);
			Document before = read();
			Entry current = before.find(registrationId);
			McpClient stored = (current != null)
					? this.protection.read(registrationId, current.client(), current.sealed()) : null;
			if (stored != null && !stored.equals(replaced)) {
				return stored;
			}
			write(before.with(entry));
			return client;
		});
	}

	/**
	 * Holds a cross-process lock of its own for the registration id (on the file's {@code .lock} file, as the token
	 * file's per-key locks), so a second process waits for the first one's registration and then finds it.
	 */
	@Override
	public <T> T exclusively(String registrationId, Supplier<T> action) {
		return this.lock.lockedForKey(REGISTRATION_LOCK_KEY + registrationId, action::get);
	}

	private Entry entry(String registrationId, McpClient client) {
		return this.protection.sealing()
				? new Entry(registrationId, null, this.protection.seal(registrationId, client))
				: new Entry(registrationId, StoredClient.of(client), null);
	}

	@Override
	public void remove(String registrationId) {
		update((document) -> document.without(registrationId));
	}

	@Override
	public String location() {
		return this.file.toString();
	}

	private void update(UnaryOperator<Document> change) {
		this.lock.lockedForKey(LOCK_KEY, () -> {
			PrivateFiles.removeStaleTemporaryFiles(this.file);
			Document before = read();
			Document after = change.apply(before);
			if (after != before) {
				write(after);
			}
			return null;
		});
	}

	private Document read() {
		if (Files.isSymbolicLink(this.file)) {
			throw unusable("is a symbolic link, which is not followed (a link could send client secrets to another "
					+ "file)", "Replace the link by the file it points to", null);
		}
		byte[] content;
		try {
			content = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return Document.EMPTY;
		}
		catch (IOException ex) {
			throw unusable("cannot be read (" + PrivateFiles.describe(ex) + ")", "Fix its permissions", ex);
		}
		Document document;
		try {
			document = json.readValue(content, Document.class);
		}
		catch (JacksonException ex) {
			String where = (ex.getLocation() != null) ? " at line " + ex.getLocation().getLineNr() + ", column "
					+ ex.getLocation().getColumnNr() : "";
			throw unusable("is not a file of registered MCP clients (not the expected JSON" + where + ")",
					"Restore it from a backup", null);
		}
		if (document == null || document.version() < 1 || document.problem() != null) {
			throw unusable("is not a file of registered MCP clients ("
					+ ((document != null && document.problem() != null) ? document.problem() : "no format version")
					+ ")", "Restore it from a backup", null);
		}
		if (document.version() > Document.CURRENT_VERSION) {
			throw unusable("has format version " + document.version() + ", which this version of oauth-callback "
					+ "cannot read (it reads version " + Document.CURRENT_VERSION + ")",
					"Use the newer oauth-callback that wrote it", null);
		}
		return document;
	}

	private void write(Document document) {
		byte[] content = json.writeValueAsBytes(document);
		try {
			PrivateFiles.replaceAtomically(this.file, content, this.posix, null);
		}
		catch (IOException ex) {
			throw new TokenStoreException(location(), "The file of registered MCP clients " + this.file + " cannot be "
					+ "written (" + PrivateFiles.describe(ex) + "). Make its directory writable. Nothing was changed.",
					ex);
		}
	}


	private TokenStoreException unusable(String problem, String wayOut, @Nullable Throwable cause) {
		return new TokenStoreException(location(), "The file of registered MCP clients " + this.file + " " + problem
				+ ". " + wayOut + ", or remove it (the clients are then registered again at their next use). The token "
				+ "file and its logins are not affected. Nothing was changed.", cause);
	}

	@Override
	public String toString() {
		return "FileRegisteredClients[" + this.file + "]";
	}

	/**
	 * The file's JSON document.
	 *
	 * @param version the format version
	 * @param clients one entry per registration id
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Document(int version, List<Entry> clients) {

		static final int CURRENT_VERSION = 1;

		static final Document EMPTY = new Document(CURRENT_VERSION, List.of());

		Document {
			clients = (clients != null) ? List.copyOf(clients) : List.of();
		}

		@Nullable String problem() {
			for (int i = 0; i < this.clients.size(); i++) {
				Entry entry = this.clients.get(i);
				if (entry == null || entry.registrationId() == null) {
					return "entry " + (i + 1) + " has no registrationId";
				}
			}
			return null;
		}

		@Nullable Entry find(String registrationId) {
			return this.clients.stream()
				.filter((entry) -> registrationId.equals(entry.registrationId()))
				.findFirst()
				.orElse(null);
		}

		Document with(Entry replacement) {
			List<Entry> updated = new ArrayList<>(without(replacement.registrationId()).clients());
			updated.add(replacement);
			return new Document(CURRENT_VERSION, updated);
		}

		Document without(String registrationId) {
			if (find(registrationId) == null) {
				return this;
			}
			return new Document(CURRENT_VERSION,
					this.clients.stream().filter((entry) -> !registrationId.equals(entry.registrationId())).toList());
		}

	}

	/**
	 * One registered client: plain without a key, sealed with one.
	 *
	 * @param registrationId the MCP server's registration id
	 * @param client the client, without a key
	 * @param sealed the sealed client ({@code enc:v2:...}), with a key
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Entry(String registrationId, @Nullable StoredClient client, @Nullable String sealed) {

		@Override
		public String toString() {
			return "Entry[" + this.registrationId + "]";
		}

	}

}
