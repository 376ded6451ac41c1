package io.github.oauthcallback.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;

/**
 * Owner-only access on file systems with access control lists instead of POSIX permissions (Windows), for the files
 * the starter keeps: the token file and the discovery cache.
 */
public final class OwnerOnlyAcl {

	private OwnerOnlyAcl() {
	}

	/**
	 * Replaces the ACL of a file or folder by one entry giving its owner every permission. Does nothing where the
	 * file system has no ACL view.
	 * @param path the file or folder
	 * @throws IOException if the ACL cannot be read or set
	 */
	public static void restrict(Path path) throws IOException {
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

}
