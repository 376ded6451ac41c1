package io.github.oauthcallback.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Helpers for the files only their owner may use that the starter keeps: the token file, the file of registered MCP
 * clients and the discovery cache.
 */
public final class PrivateFiles {

	private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

	private PrivateFiles() {
	}

	/**
	 * @param posix whether the file system has POSIX permissions
	 * @param permissions the permissions to create a file or folder with
	 * @return the attributes to create it with: the permissions on POSIX, none elsewhere
	 */
	public static FileAttribute<?>[] creationAttributes(boolean posix, Set<PosixFilePermission> permissions) {
		return posix ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissions) }
				: new FileAttribute<?>[0];
	}

	/**
	 * Replaces the ACL of a file or folder by one entry giving its owner every permission. Does nothing where the
	 * file system has no ACL view.
	 * @param path the file or folder
	 * @throws IOException if the ACL cannot be read or set
	 */
	public static void restrictAcl(Path path) throws IOException {
		AclFileAttributeView acl = Files.getFileAttributeView(path, AclFileAttributeView.class);
		if (acl == null) {
			return;
		}
		UserPrincipal owner = Files.getOwner(path);
		acl.setAcl(List.of(AclEntry.newBuilder()
			.setType(AclEntryType.ALLOW)
			.setPrincipal(owner)
			.setPermissions(EnumSet.allOf(AclEntryPermission.class))
			.build()));
	}

	/**
	 * @param permissions a file's or folder's POSIX permissions
	 * @return whether users other than its owner can write it (by group or by others)
	 */
	public static boolean othersCanWrite(Set<PosixFilePermission> permissions) {
		return permissions.contains(PosixFilePermission.GROUP_WRITE)
				|| permissions.contains(PosixFilePermission.OTHERS_WRITE);
	}

	/**
	 * Whether a file or folder belongs to the user running this program, compared by user id where the JDK tells it
	 * ({@code unix:uid}), else by user name. Root gets no exception: it trusts only its own files too.
	 * @param path the file or folder (a symbolic link is not followed)
	 * @param userId the running user's id ({@link #currentUserId()}), or {@code null} where unknown
	 * @return whether it is the user's own
	 * @throws IOException if its owner cannot be read
	 */
	public static boolean ownedBy(Path path, @Nullable Long userId) throws IOException {
		if (userId != null) {
			try {
				Object fileUid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
				if (fileUid instanceof Number number) {
					return number.longValue() == userId;
				}
			}
			catch (UnsupportedOperationException | IllegalArgumentException ex) {
				// no unix view: compare names below
			}
		}
		return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
	}

	/**
	 * @return the running user's id where the JDK can tell it ({@code jdk.security.auth} on Unix), else {@code null}
	 */
	public static @Nullable Long currentUserId() {
		return CurrentUser.UID;
	}

	/**
	 * Forces a directory's entries to disk after a file in it was atomically renamed, so that the rename survives a
	 * crash. Does nothing where directories cannot be opened (not POSIX) or synced (some file systems): the rename
	 * itself is already atomic.
	 * @param directory the directory
	 * @param posix whether the file system is POSIX
	 */
	public static void forceDirectory(Path directory, boolean posix) {
		if (!posix) {
			return;
		}
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// some file systems cannot sync a directory; the rename itself is already atomic
		}
	}

	/**
	 * Replaces a file's content atomically with an owner-only file: a temporary sibling (named after the file, so that
	 * {@link #removeStaleTemporaryFiles} finds only its own) is written, forced to disk, moved over the file, and the
	 * directory forced. A temporary file left by a failure is removed.
	 * @param file the file
	 * @param content its new content
	 * @param posix whether the file system has POSIX permissions (elsewhere the temporary file's ACL is restricted)
	 * @param beforeRename called with the temporary file before it is moved (tests), or {@code null}
	 * @throws IOException if the file cannot be written; it is then unchanged
	 */
	public static void replaceAtomically(Path file, byte[] content, boolean posix,
			@Nullable Consumer<Path> beforeRename) throws IOException {
		Path temporary = null;
		try {
			temporary = Files.createTempFile(file.getParent(), temporaryPrefix(file), ".tmp",
					creationAttributes(posix, OWNER_RW));
			if (!posix) {
				restrictAcl(temporary);
			}
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
					LinkOption.NOFOLLOW_LINKS)) {
				ByteBuffer buffer = ByteBuffer.wrap(content);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			if (beforeRename != null) {
				beforeRename.accept(temporary);
			}
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			temporary = null;
			forceDirectory(file.getParent(), posix);
		}
		finally {
			if (temporary != null) {
				try {
					Files.deleteIfExists(temporary);
				}
				catch (IOException ex) {
					// the failure being reported matters more
				}
			}
		}
	}

	/**
	 * Removes the temporary files {@link #replaceAtomically} left for this file when a process died mid-write. Call it
	 * only while holding the file's lock (temporary files are only made under it). Leftovers that cannot be removed do
	 * no harm; the next write reports real problems.
	 * @param file the file
	 */
	public static void removeStaleTemporaryFiles(Path file) {
		String prefix = temporaryPrefix(file);
		try (DirectoryStream<Path> stale = Files.newDirectoryStream(file.getParent(),
				(path) -> path.getFileName().toString().startsWith(prefix)
						&& path.getFileName().toString().endsWith(".tmp"))) {
			for (Path path : stale) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			// leftovers do no harm
		}
	}

	/** Names one file's temporary files only: not those of a sibling such as {@code tokens.json2}. */
	private static String temporaryPrefix(Path file) {
		return "." + file.getFileName() + ".tmp-";
	}

	/**
	 * @param ex a file operation's failure
	 * @return what went wrong, without the paths the exception may carry twice
	 */
	public static String describe(IOException ex) {
		if (ex instanceof AccessDeniedException) {
			return "access denied";
		}
		if (ex instanceof FileSystemException fs && fs.getReason() != null) {
			return ex.getClass().getSimpleName() + ": " + fs.getReason();
		}
		return ex.getClass().getSimpleName();
	}

	/** Read once: the user a process runs as does not change. */
	private static final class CurrentUser {

		static final @Nullable Long UID = uid();

		private static @Nullable Long uid() {
			try {
				return new com.sun.security.auth.module.UnixSystem().getUid();
			}
			catch (RuntimeException | LinkageError ex) {
				return null;
			}
		}

	}

}
