package io.github.oauthcallback.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Provider metadata from earlier discoveries: one JSON file per provider id in a directory of the user's own. A file
 * is only used when it is a regular file of the running user that nobody else can write (it names the endpoints the
 * client secret and authorization codes are sent to), and when it describes the configured issuer. Anything else is
 * ignored with a warning and replaced after the next successful discovery; failing to write only costs a discovery
 * at the next start.
 */
public final class DiscoveryCache {

	private static final Log logger = LogFactory.getLog(DiscoveryCache.class);

	private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");

	private final Path directory;

	/**
	 * @param directory the folder of the cache files; created (owner-only) on the first write
	 */
	public DiscoveryCache(Path directory) {
		this.directory = directory.toAbsolutePath();
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
	 * @param providerId the provider's id
	 * @param issuer the provider's configured issuer
	 * @return the metadata cached for that provider and issuer, if a usable file holds it
	 */
	Optional<DiscoveredProvider> read(String providerId, String issuer) {
		Path file = file(providerId);
		if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
			return Optional.empty();
		}
		String problem = untrusted(file);
		if (problem != null) {
			logger.warn("Ignoring the discovery cache file " + file + ": " + problem + ". Provider '" + providerId
					+ "' is discovered over the network instead.");
			return Optional.empty();
		}
		DiscoveredProvider cached;
		try {
			cached = Json.MAPPER.readValue(Files.readString(file, StandardCharsets.UTF_8), DiscoveredProvider.class);
		}
		catch (IOException | JacksonException | IllegalArgumentException ex) {
			logger.warn("Ignoring the discovery cache file " + file + ": it cannot be read as cached provider "
					+ "metadata (" + ex.getClass().getSimpleName() + "). It is replaced after the next discovery of "
					+ "provider '" + providerId + "'.");
			return Optional.empty();
		}
		if (cached == null || !cached.isComplete()) {
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
	 * Replaces the provider's file atomically. A failure is logged, never thrown: the cache only saves time.
	 * @param providerId the provider's id
	 * @param provider what was discovered
	 */
	void write(String providerId, DiscoveredProvider provider) {
		Path file = file(providerId);
		Path temporary = null;
		try {
			boolean posix = this.directory.getFileSystem().supportedFileAttributeViews().contains("posix");
			if (!Files.isDirectory(this.directory)) {
				Files.createDirectories(this.directory, ownerOnly(posix, OWNER_RWX));
			}
			temporary = Files.createTempFile(this.directory, "." + file.getFileName() + ".tmp-", "",
					ownerOnly(posix, OWNER_RW));
			Files.writeString(temporary, Json.MAPPER.writeValueAsString(provider), StandardCharsets.UTF_8);
			try {
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
			}
			temporary = null;
		}
		catch (IOException | JacksonException ex) {
			logger.warn("Cannot write the discovery cache file " + file + " (" + describe(ex) + "); provider '"
					+ providerId + "' will be discovered over the network again at the next start. Make "
					+ this.directory + " writable, or set oauth-callback.discovery.cache.directory elsewhere.");
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

	/** @return why the file must not be trusted, or {@code null} */
	private static String untrusted(Path file) {
		if (Files.isSymbolicLink(file)) {
			return "it is a symbolic link, which is not followed";
		}
		if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
			return "it is not a regular file";
		}
		if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			return null;
		}
		try {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
			if (permissions.contains(PosixFilePermission.GROUP_WRITE)
					|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
				return "other users can write it (" + PosixFilePermissions.toString(permissions)
						+ "), and it names where the client secret and codes are sent. Run: chmod 600 " + file;
			}
			String owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
			String user = System.getProperty("user.name");
			if (user != null && !"root".equals(user) && !owner.equals(user)) {
				return "it belongs to '" + owner + "', not to '" + user + "' who runs this program. Remove it";
			}
			return null;
		}
		catch (IOException ex) {
			return "its owner and permissions cannot be read (" + describe(ex) + ")";
		}
	}

	private static FileAttribute<?>[] ownerOnly(boolean posix, Set<PosixFilePermission> permissions) {
		return posix ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissions) }
				: new FileAttribute<?>[0];
	}

	private static String describe(Exception ex) {
		if (ex instanceof AccessDeniedException) {
			return "access denied";
		}
		if (ex instanceof FileSystemException fs && fs.getReason() != null) {
			return ex.getClass().getSimpleName() + ": " + fs.getReason();
		}
		return ex.getClass().getSimpleName();
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
