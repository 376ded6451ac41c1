package io.github.oauthcallback.internal.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import io.github.oauthcallback.internal.store.PrivateFiles;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Provider metadata from earlier discoveries: one JSON file per provider id in a folder of the user's own. A file
 * names the endpoints the client secret and authorization codes are sent to, so on POSIX file systems it is only used
 * when it and its folder belong to the running user (compared by uid), nobody else can write them and neither is a
 * symbolic link, and only for the configured issuer. Anything else is ignored with a warning and replaced after the
 * next successful discovery; failing to write only costs a discovery at the next start. Elsewhere (Windows) files
 * and the folder get an owner-only ACL when written, and are read without an ownership check, like the token file.
 * <p>
 * Other discoveries keep their entries with the same rules through {@link #read(String, Class, String)} and
 * {@link #write(String, Object, String)}, in a sub-folder of their own ({@link #within(String)}): MCP server metadata
 * ({@code internal.mcp.discovery}) does.
 */
public final class DiscoveryCache {

	private static final Log logger = LogFactory.getLog(DiscoveryCache.class);

	private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");

	private static final Duration STALE_TEMPORARY_FILE_AGE = Duration.ofMinutes(10);

	private final Path directory;

	private final @Nullable Long userId;

	/** The folder this one is a sub-folder of ({@link #within}), held to the same rules; {@code null} for none. */
	private final @Nullable Path parent;

	/**
	 * @param directory the folder of the cache files; created (owner-only) on the first write
	 */
	public DiscoveryCache(Path directory) {
		this(directory, PrivateFiles.currentUserId());
	}

	/**
	 * @param directory the folder of the cache files
	 * @param userId the running user's id, {@code null} if unknown (then names are compared)
	 */
	DiscoveryCache(Path directory, @Nullable Long userId) {
		this(directory, userId, null);
	}

	private DiscoveryCache(Path directory, @Nullable Long userId, @Nullable Path parent) {
		this.directory = directory.toAbsolutePath();
		this.userId = userId;
		this.parent = parent;
	}

	/**
	 * @return the folder of the cache files
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * @param providerId the id of {@code spring.security.oauth2.client.provider.<id>}
	 * @return the file holding that provider's metadata
	 */
	public Path file(String providerId) {
		String safe = providerId.replaceAll("[^A-Za-z0-9._-]", "-");
		if (!safe.equals(providerId) || safe.startsWith(".")) {
			safe = safe.replaceFirst("^\\.+", "") + "-" + shortHash(providerId);
		}
		return this.directory.resolve(safe + ".json");
	}

	/**
	 * @param name the name of a sub-folder (a plain file name)
	 * @return a cache of the same user's in that sub-folder of this cache's folder, held to the same rules: its
	 * entries are used only while both the sub-folder and this folder can be trusted
	 */
	public DiscoveryCache within(String name) {
		if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
			throw new IllegalArgumentException("Not a plain folder name: " + name);
		}
		return new DiscoveryCache(this.directory.resolve(name), this.userId, this.directory);
	}

	/**
	 * @return why this cache's folder, or the folder it is a sub-folder of, must not be trusted, or {@code null}
	 */
	private @Nullable String untrustedFolder() {
		if (this.parent != null) {
			String problem = untrusted(this.parent, true);
			if (problem != null) {
				return "its parent folder " + this.parent + " cannot be trusted: " + problem;
			}
		}
		return untrusted(this.directory, true);
	}

	/**
	 * @param providerId the provider's id
	 * @param issuer the provider's configured issuer
	 * @return the metadata cached for that provider and issuer, if a usable file holds it
	 */
	Optional<DiscoveredProvider> read(String providerId, String issuer) {
		Path file = file(providerId);
		String subject = "provider '" + providerId + "'";
		Optional<DiscoveredProvider> read = read(providerId, DiscoveredProvider.class, subject);
		if (read.isEmpty()) {
			return read;
		}
		DiscoveredProvider cached = read.get();
		if (!cached.isComplete()) {
			logger.warn("Ignoring the discovery cache file " + file + ": it is incomplete or of another format "
					+ "version. It is replaced after the next discovery of provider '" + providerId + "'.");
			return Optional.empty();
		}
		if (!issuer.equals(cached.issuer())) {
			logger.debug("The discovery cache file " + file + " describes another issuer; provider '" + providerId
					+ "' is discovered again");
			return Optional.empty();
		}
		return Optional.of(cached);
	}

	/**
	 * Reads one entry, if its file and this folder can be trusted (see the class description) and the file holds
	 * JSON of the given type. Anything else is logged (a warning naming the file and the reason) and gives nothing.
	 * @param <T> the type of the entry
	 * @param name the entry's name, made a file name by {@link #file(String)}
	 * @param type the type of the entry (a record, read by Jackson)
	 * @param subject what the entry describes, for the log, such as {@code provider 'keycloak'}
	 * @return the entry, if a usable file holds it; the caller checks that its content is complete and current
	 */
	public <T> Optional<T> read(String name, Class<T> type, String subject) {
		Path file = file(name);
		if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
			return Optional.empty();
		}
		String problem = untrustedFolder();
		if (problem != null) {
			logger.warn("Ignoring the discovery cache folder " + this.directory + ": " + problem + ". "
					+ capitalized(subject) + " is discovered over the network instead; set "
					+ "the discovery cache directory to a folder of your own.");
			return Optional.empty();
		}
		problem = untrusted(file, false);
		if (problem != null) {
			logger.warn("Ignoring the discovery cache file " + file + ": " + problem + ". " + capitalized(subject)
					+ " is discovered over the network instead.");
			return Optional.empty();
		}
		T cached;
		try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ,
				LinkOption.NOFOLLOW_LINKS)) {
			byte[] content = Channels.newInputStream(channel).readAllBytes();
			cached = Json.MAPPER.readValue(new String(content, StandardCharsets.UTF_8), type);
		}
		catch (IOException | JacksonException | IllegalArgumentException ex) {
			logger.warn("Ignoring the discovery cache file " + file + ": it cannot be read as cached "
					+ "metadata (" + ex.getClass().getSimpleName() + "). It is replaced after the next discovery of "
					+ subject + ".");
			return Optional.empty();
		}
		if (cached == null) {
			logger.warn("Ignoring the discovery cache file " + file + ": it holds no metadata. It is replaced after "
					+ "the next discovery of " + subject + ".");
			return Optional.empty();
		}
		return Optional.of(cached);
	}

	/**
	 * Replaces the provider's file atomically. A failure is logged, never thrown: the cache only saves time.
	 * @param providerId the provider's id
	 * @param provider what was discovered
	 */
	void write(String providerId, DiscoveredProvider provider) {
		write(providerId, provider, "provider '" + providerId + "'");
	}

	/**
	 * Replaces an entry's file atomically with an owner-only file in an owner-only folder (created if missing). A
	 * failure is logged, never thrown: the cache only saves time.
	 * @param name the entry's name, made a file name by {@link #file(String)}
	 * @param entry what to keep (a record, written by Jackson)
	 * @param subject what the entry describes, for the log, such as {@code provider 'keycloak'}
	 */
	public void write(String name, Object entry, String subject) {
		Path file = file(name);
		Path temporary = null;
		try {
			boolean posix = isPosix(this.directory);
			if (this.parent != null && Files.exists(this.parent, LinkOption.NOFOLLOW_LINKS)
					&& untrusted(this.parent, true) != null) {
				logger.debug("Not writing to the discovery cache folder " + this.directory + ", whose parent folder is "
						+ "not trusted");
				return;
			}
			if (!Files.exists(this.directory, LinkOption.NOFOLLOW_LINKS)) {
				Files.createDirectories(this.directory, ownerOnly(posix, OWNER_RWX));
				if (!posix) {
					PrivateFiles.restrictAcl(this.directory);
				}
			}
			else if (untrusted(this.directory, true) != null) {
				logger.debug("Not writing to the discovery cache folder " + this.directory + ", which is not trusted");
				return;
			}
			removeStaleTemporaryFiles(file);
			temporary = Files.createTempFile(this.directory, temporaryPrefix(file), "", ownerOnly(posix, OWNER_RW));
			if (!posix) {
				PrivateFiles.restrictAcl(temporary);
			}
			Files.writeString(temporary, Json.MAPPER.writeValueAsString(entry), StandardCharsets.UTF_8);
			try {
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
			}
			temporary = null;
		}
		catch (IOException | JacksonException ex) {
			logger.warn("Cannot write the discovery cache file " + file + " (" + describe(ex) + "); " + subject
					+ " will be discovered over the network again at the next start. Make "
					+ this.directory + " writable, or set the discovery cache directory elsewhere.");
		}
		finally {
			if (temporary != null) {
				try {
					Files.deleteIfExists(temporary);
				}
				catch (IOException ex) {
					// the warning above says what matters
				}
			}
		}
	}

	private static String capitalized(String text) {
		return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

	/**
	 * @param path a cache file or the cache folder
	 * @param directory whether it is the folder
	 * @return why it must not be trusted, or {@code null}
	 */
	private @Nullable String untrusted(Path path, boolean directory) {
		if (Files.isSymbolicLink(path)) {
			return "it is a symbolic link, which is not followed";
		}
		if (directory ? !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
				: !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
			return directory ? "it is not a folder" : "it is not a regular file";
		}
		if (!isPosix(path)) {
			return null;
		}
		try {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
			if (PrivateFiles.othersCanWrite(permissions)) {
				return "other users can write it (" + PosixFilePermissions.toString(permissions)
						+ "), and the cache names where the client secret and codes are sent. Run: chmod "
						+ (directory ? "700 " : "600 ") + path;
			}
			if (!PrivateFiles.ownedBy(path, this.userId)) {
				String owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
				return "it belongs to '" + owner + "', not to the user running this program. Remove it";
			}
			return null;
		}
		catch (IOException ex) {
			return "its owner and permissions cannot be read (" + describe(ex) + ")";
		}
	}

	private static boolean isPosix(Path path) {
		return path.getFileSystem().supportedFileAttributeViews().contains("posix");
	}

	private static String temporaryPrefix(Path file) {
		return "." + file.getFileName() + ".tmp-";
	}

	/** Temporary files older than a few minutes were left by a process that ended mid-write. */
	private void removeStaleTemporaryFiles(Path file) {
		String prefix = temporaryPrefix(file);
		Instant before = Instant.now().minus(STALE_TEMPORARY_FILE_AGE);
		try (DirectoryStream<Path> stale = Files.newDirectoryStream(this.directory,
				(path) -> path.getFileName().toString().startsWith(prefix))) {
			for (Path path : stale) {
				if (Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)) {
					Files.deleteIfExists(path);
				}
			}
		}
		catch (IOException ex) {
			// leftovers do no harm; the write that follows reports real problems
		}
	}

	private static FileAttribute<?>[] ownerOnly(boolean posix, Set<PosixFilePermission> permissions) {
		return PrivateFiles.creationAttributes(posix, permissions);
	}

	private static String describe(Exception ex) {
		return (ex instanceof IOException io) ? PrivateFiles.describe(io) : ex.getClass().getSimpleName();
	}

	private static String shortHash(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

	/** Made on first use: a start whose providers all have explicit endpoints never needs it. */
	private static final class Json {

		static final JsonMapper MAPPER = JsonMapper.builder()
			.enable(SerializationFeature.INDENT_OUTPUT)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();

	}

}
