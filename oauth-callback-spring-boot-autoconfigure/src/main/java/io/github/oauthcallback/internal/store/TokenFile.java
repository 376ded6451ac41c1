package io.github.oauthcallback.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

import io.github.oauthcallback.TokenStoreException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The token file on disk. Writes go to a temporary file in the same directory (owner-only from its creation), are
 * forced to disk and atomically moved over the file, then the directory is forced. Every read-modify-write runs under
 * an exclusive lock on a sibling {@code .lock} file (and a lock within this JVM) and re-reads the file after taking
 * it, so concurrent processes never lose each other's entries. Reads outside any lock parse the file only when it
 * changed (file key, modification time and size), so a stored token costs a {@code stat}, not a parse, per request;
 * reads made under a lock ({@link #readCurrent}: every read-modify-write, and the reads of a refresh under the key
 * lock) always parse what is on disk, so a decision taken under a lock never rests on a cached document. Lock waits are bounded and not interruptible: an interrupt must not
 * close the lock file's channel, which would release every lock of this process. A file that cannot be read, parsed,
 * or is of an unknown version is reported ({@link UnusableFileException}), never treated as empty, never
 * overwritten.
 */
public final class TokenFile {

	private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");

	private static final int KEY_LOCK_RANGES = 1 << 20;

	private static final Map<String, ReentrantLock> jvmLocks = new ConcurrentHashMap<>();

	private static final Map<Path, SharedChannel> channels = new java.util.HashMap<>();

	/**
	 * A test hook: when set, runs in the writing thread after the temporary file is written and forced to disk and
	 * before it is renamed over the token file, so a test can kill the process inside that window. Never set outside
	 * tests.
	 */
	public static volatile java.util.function.@Nullable Consumer<Path> beforeRename;

	private static final long FIRST_POLL_MILLIS = 2;

	private static final long LONGEST_POLL_MILLIS = 50;

	private final Path file;

	private final Path lockFile;

	private final boolean posix;

	private final Duration lockTimeout;

	/** The last document read or written, with the file version it came from. */
	private volatile @Nullable Cached cache;

	private final JsonMapper json = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	public TokenFile(Path file, Duration lockTimeout) {
		this.lockTimeout = StoreSettings.fileLockTimeout(lockTimeout);
		this.file = StoreSettings.tokenFile(file);
		this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
		this.posix = this.file.getFileSystem().supportedFileAttributeViews().contains("posix");
	}

	public Path path() {
		return this.file;
	}

	/**
	 * Reads the document; an unchanged file is not parsed again (except where the file system gives no file key).
	 * @return the document, or an empty one if the file does not exist
	 * @throws TokenStoreException if the file exists but cannot be used
	 */
	public TokenFileDocument read() {
		return uninterrupted(() -> readDocument(false));
	}

	/**
	 * Reads the document as it is on disk now, never from the cache: for reads under one of the file's locks, whose
	 * decisions must not rest on a cached document (another process may have changed the file in a way a
	 * {@code stat} cannot see).
	 * @return the document, or an empty one if the file does not exist
	 * @throws TokenStoreException if the file exists but cannot be used
	 */
	public TokenFileDocument readCurrent() {
		return uninterrupted(() -> readDocument(true));
	}

	private TokenFileDocument readDocument(boolean current) {
		Version version;
		try {
			version = Version.of(this.file);
			if (version.symbolicLink()) {
				refuseSymlink();
			}
		}
		catch (NoSuchFileException ex) {
			this.cache = null;
			return TokenFileDocument.empty();
		}
		catch (IOException ex) {
			throw unusable("cannot be read (" + describe(ex) + ")", "Fix its permissions", ex);
		}
		Cached cached = this.cache;
		if (cached == null || !cached.version().equals(version)) {
			refuseSharedDirectory(this.file.getParent());
		}
		if (cached != null && version.fileKey() != null && cached.version().equals(version) && !current) {
			return cached.document();
		}
		byte[] content;
		try {
			content = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return TokenFileDocument.empty();
		}
		catch (IOException ex) {
			throw unusable("cannot be read (" + describe(ex) + ")", "Fix its permissions", ex);
		}
		TokenFileDocument document;
		try {
			document = this.json.readValue(content, TokenFileDocument.class);
		}
		catch (JacksonException ex) {
			String where = (ex.getLocation() != null) ? " at line " + ex.getLocation().getLineNr() + ", column "
					+ ex.getLocation().getColumnNr() : "";
			throw unusable("is not a valid token file (not the expected JSON" + where + ")",
					"Restore it from a backup");
		}
		if (document == null || document.version() < 1) {
			throw unusable("is not a token file of oauth-callback (no format version)", "Restore it from a backup");
		}
		if (document.version() > TokenFileDocument.CURRENT_VERSION) {
			throw unusable("has format version " + document.version() + ", which this version of oauth-callback "
					+ "cannot read (it reads versions " + TokenFileDocument.OLDEST_VERSION + " to "
					+ TokenFileDocument.CURRENT_VERSION + ")",
					"Use the newer oauth-callback that wrote it");
		}
		String problem = document.problem();
		if (problem != null) {
			throw unusable("is not a valid token file (" + problem + ")", "Restore it from a backup");
		}
		this.cache = new Cached(version, document);
		return document;
	}

	/**
	 * Reads, changes and writes the document under the file lock.
	 * @param change the change; returning the same document skips the write
	 * @return the document before the change
	 */
	public TokenFileDocument update(UnaryOperator<TokenFileDocument> change) {
		return locked(() -> {
			PrivateFiles.removeStaleTemporaryFiles(this.file);
			TokenFileDocument before = readCurrent();
			TokenFileDocument after = change.apply(before);
			if (after != before) {
				write(after);
			}
			return before;
		});
	}

	/**
	 * Moves an unusable file aside (never deletes it), under the file lock.
	 * @return where it was moved, or {@code null} if there was no file
	 */
	public @Nullable Path quarantine() {
		return locked(() -> {
			if (!Files.exists(this.file, LinkOption.NOFOLLOW_LINKS)) {
				return null;
			}
			Path aside = this.file.resolveSibling(this.file.getFileName() + ".unusable-" + Instant.now().toEpochMilli());
			try {
				Files.move(this.file, aside, StandardCopyOption.ATOMIC_MOVE);
				return aside;
			}
			catch (IOException ex) {
				throw failure("could not be moved aside (" + describe(ex) + ")", "Move it away by hand", ex);
			}
		});
	}

	public interface Locked<T extends @Nullable Object> {

		T run();

	}

	/**
	 * Runs an action under the file lock that writes take (and only one thread of this JVM at a time): for work that
	 * must not race with another process starting on the same file, such as creating the key in the OS keychain.
	 * @param <T> the result type
	 * @param action the action, which must not write through this object
	 * @return its result
	 */
	public <T extends @Nullable Object> T exclusively(Locked<T> action) {
		return locked(action);
	}

	private <T extends @Nullable Object> T locked(Locked<T> action) {
		return lockedRange(0, action);
	}

	/**
	 * Runs an action while holding the lock for one key, so that only one thread of one process at a time refreshes
	 * that key. Writes ({@link #update}) take a different lock, so they can run inside.
	 */
	public <T extends @Nullable Object> T lockedForKey(String key, Locked<T> action) {
		return lockedRange(1 + Math.floorMod(key.hashCode(), KEY_LOCK_RANGES), action);
	}

	/**
	 * Locks one byte of the lock file (and the same byte within this JVM). All locks of a JVM on the lock file go
	 * through one shared channel, because closing any channel of a file releases every lock the process holds on
	 * it. The lock is taken with {@code tryLock}, which an interrupt cannot abort (a blocking {@code lock} would close
	 * the shared channel when interrupted), polled until the lock timeout.
	 */
	private <T extends @Nullable Object> T lockedRange(long position, Locked<T> action) {
		return uninterrupted(() -> lockedRangeUninterrupted(position, action));
	}

	/**
	 * Runs file work with the thread's interrupt flag cleared and sets it again afterwards: NIO file channels close
	 * themselves when used by an interrupted thread, which would fail the read or write half-way (and, for the shared
	 * lock channel, release every lock of the JVM).
	 */
	private static <T extends @Nullable Object> T uninterrupted(java.util.function.Supplier<T> work) {
		boolean interrupted = Thread.interrupted();
		try {
			return work.get();
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private <T extends @Nullable Object> T lockedRangeUninterrupted(long position, Locked<T> action) {
		ReentrantLock jvmLock = jvmLocks.computeIfAbsent(this.lockFile + "#" + position, (key) -> new ReentrantLock());
		jvmLock.lock();
		try {
			if (jvmLock.getHoldCount() > 1) {
				return action.run();
			}
			createDirectory();
			FileChannel channel = acquireChannel();
			try (FileLock lock = awaitLock(channel, position)) {
				return action.run();
			}
			finally {
				releaseChannel();
			}
		}
		catch (IOException ex) {
			throw failure("cannot be locked (" + describe(ex) + ")", "Check that its directory is writable", ex);
		}
		finally {
			jvmLock.unlock();
		}
	}

	private FileLock awaitLock(FileChannel channel, long position) throws IOException {
		long deadline = System.nanoTime() + this.lockTimeout.toNanos();
		long pause = FIRST_POLL_MILLIS;
		boolean interrupted = false;
		try {
			while (true) {
				FileLock lock = channel.tryLock(position, 1, false);
				if (lock != null) {
					return lock;
				}
				if (System.nanoTime() - deadline > 0) {
					throw failure("is locked by another process for more than " + this.lockTimeout
							+ " (the store's lock timeout); another run of this program is probably waiting for a "
							+ "browser login", "Finish or stop the other run and try again", null);
				}
				try {
					Thread.sleep(pause);
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				pause = Math.min(pause * 2, LONGEST_POLL_MILLIS);
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private FileChannel acquireChannel() throws IOException {
		synchronized (channels) {
			SharedChannel shared = channels.get(this.lockFile);
			if (shared == null) {
				shared = new SharedChannel(FileChannel.open(this.lockFile, Set.<OpenOption>of(StandardOpenOption.CREATE,
						StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), ownerOnly(OWNER_RW)));
				channels.put(this.lockFile, shared);
			}
			shared.users++;
			return shared.channel;
		}
	}

	private void releaseChannel() throws IOException {
		synchronized (channels) {
			SharedChannel shared = channels.get(this.lockFile);
			if (--shared.users == 0) {
				channels.remove(this.lockFile);
				shared.channel.close();
			}
		}
	}

	/**
	 * What identifies one version of the file without reading it: every write renames a new file into place, so the
	 * file key (device and inode on Unix) changes, and so, at file-system resolution, does the modification time.
	 */
	private record Version(Object fileKey, FileTime modified, long size, boolean symbolicLink) {

		/** One {@code lstat}: it also tells whether the file is a symbolic link. */
		static Version of(Path file) throws IOException {
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
					LinkOption.NOFOLLOW_LINKS);
			return new Version(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(),
					attributes.isSymbolicLink());
		}

		// Written out: a record's generated equals is linked through invokedynamic (ObjectMethods) on its first call,
		// which spins about ten method-handle classes in every process that reads the file (P3, start-up).
		@Override
		public boolean equals(Object other) {
			return other instanceof Version that && Objects.equals(this.fileKey, that.fileKey)
					&& Objects.equals(this.modified, that.modified) && this.size == that.size
					&& this.symbolicLink == that.symbolicLink;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.fileKey, this.modified, this.size, this.symbolicLink);
		}

	}

	private record Cached(Version version, TokenFileDocument document) {

	}

	/** The lock file's channel, shared by every lock this JVM holds on it. */
	private static final class SharedChannel {

		private final FileChannel channel;

		private int users;

		SharedChannel(FileChannel channel) {
			this.channel = channel;
		}

	}

	private void write(TokenFileDocument document) {
		byte[] content = this.json.writeValueAsBytes(document);
		try {
			PrivateFiles.replaceAtomically(this.file, content, this.posix, beforeRename);
			this.cache = new Cached(Version.of(this.file), document);
		}
		catch (IOException ex) {
			throw failure("cannot be written (" + describe(ex) + ")",
					"Make its directory writable", ex);
		}
	}


	private void createDirectory() {
		Path directory = this.file.getParent();
		if (Files.isDirectory(directory)) {
			refuseSharedDirectory(directory);
			return;
		}
		try {
			Files.createDirectories(directory, ownerOnly(OWNER_RWX));
			restrictAcl(directory);
		}
		catch (IOException ex) {
			throw failure("cannot be created: its directory " + directory + " cannot be created (" + describe(ex)
					+ ")", "Create it", ex);
		}
	}

	/**
	 * An existing directory is not tightened (it may be shared on purpose), but one that another user can write (by
	 * its permissions, or because it is theirs) is refused: they could replace the token file with one of their own
	 * (without an encryption key, tokens the program would then use) or remove it. A directory that is a symbolic link
	 * (dotfile managers make those) is judged by the directory it leads to ({@link Path#toRealPath}), whose owner and
	 * permissions are what guard the token file; the link itself cannot be changed, only replaced by whoever can write
	 * its parent. Directories above the token directory are not checked. The discovery cache refuses such a folder too.
	 */
	private void refuseSharedDirectory(Path directory) {
		if (!this.posix) {
			return;
		}
		Path real;
		Set<PosixFilePermission> permissions;
		boolean own;
		try {
			real = Files.isSymbolicLink(directory) ? directory.toRealPath() : directory;
			permissions = Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS);
			own = PrivateFiles.ownedBy(real, PrivateFiles.currentUserId());
		}
		catch (IOException ex) {
			// the lock or the read that follows reports what matters
			return;
		}
		String problem = PrivateFiles.othersCanWrite(permissions)
				? "which other users can write (" + PosixFilePermissions.toString(permissions) + ")"
				: own ? null : "which belongs to another user";
		if (problem != null) {
			String where = real.equals(directory) ? directory.toString()
					: directory + " (a symbolic link to the directory " + real + ")";
			throw new TokenStoreException(this.file.toString(), "The token file " + this.file + " is in the directory "
					+ where + ", " + problem + ": they could replace or remove the token file, so it is not used. "
					+ (own ? "Run: chmod go-w " + real : "Make the directory yours (chown "
							+ System.getProperty("user.name") + " " + real + ") and run: chmod go-w " + real)
					+ " (or chmod 700), or use a token file in a directory of your own. "
					+ "Nothing was changed.");
		}
	}

	private void refuseSymlink() {
		if (Files.isSymbolicLink(this.file)) {
			throw unusable("is a symbolic link, which the token store refuses to follow (a link could send tokens "
					+ "to another file)", "Replace the link by the file it points to, or configure the real file as "
							+ "the token file");
		}
	}

	private FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
		return PrivateFiles.creationAttributes(this.posix, permissions);
	}

	private void restrictAcl(Path path) throws IOException {
		if (!this.posix) {
			PrivateFiles.restrictAcl(path);
		}
	}

	private UnusableFileException unusable(String problem, String wayOut) {
		return unusable(problem, wayOut, null);
	}

	private UnusableFileException unusable(String problem, String wayOut, @Nullable Throwable cause) {
		return new UnusableFileException(this.file.toString(), message(problem, wayOut), cause);
	}

	private TokenStoreException failure(String problem, String wayOut, @Nullable Throwable cause) {
		return new TokenStoreException(this.file.toString(), message(problem, wayOut), cause);
	}

	private String message(String problem, String wayOut) {
		return "The token file " + this.file + " " + problem + ". " + wayOut + ", or remove the stored logins with "
				+ "'logout --all' (the file is moved aside, not deleted), or use another token file. Nothing was "
				+ "changed.";
	}

	/**
	 * The file exists but cannot be used: unreadable, not a token file, of an unknown version, or a symbolic link.
	 * Only such a file is moved aside by {@code logout --all}; a failed write or lock leaves the file in place.
	 */
	public static final class UnusableFileException extends TokenStoreException {

		private static final long serialVersionUID = 1L;

		UnusableFileException(String location, String message, @Nullable Throwable cause) {
			super(location, message, cause);
		}

	}


	private static String describe(IOException ex) {
		return PrivateFiles.describe(ex);
	}

}
