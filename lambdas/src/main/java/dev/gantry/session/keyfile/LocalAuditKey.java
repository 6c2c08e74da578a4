package dev.gantry.session.keyfile;

import dev.gantry.session.AuditKeyUnavailableException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;

/**
 * The local audit MAC key: {@value #FILE_NAME} under {@code GANTRY_HOME}, 32 random bytes from
 * {@link SecureRandom}, created on first use with owner-only permissions ({@code 0600}, {@code
 * rw-------}). A key file that its group or others may read or write is refused: whoever can read it
 * can forge entries. On a file system without POSIX permissions the file is used as it is.
 */
public final class LocalAuditKey {
  /** The key file's name under {@code GANTRY_HOME}. */
  public static final String FILE_NAME = "audit-mac.key";
  /** Key length in bytes: HMAC-SHA-256's output length (RFC 2104, section 3). */
  public static final int KEY_BYTES = 32;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private LocalAuditKey() {}

  /**
   * The key in {@code home}/{@value #FILE_NAME}, created when missing; its key id is {@code local:}
   * and the file's path.
   *
   * @throws AuditKeyUnavailableException when the file is group- or other-accessible, is not {@value
   *     #KEY_BYTES} bytes, or cannot be read or created
   */
  public static HmacAuditMac open(Path home) {
    Path file = home.resolve(FILE_NAME);
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      checkOwnerOnly(file);
      byte[] key = Files.readAllBytes(file);
      if (key.length != KEY_BYTES) {
        throw new AuditKeyUnavailableException("the audit key file " + file + " holds " + key.length + " bytes, not "
            + KEY_BYTES + ": restore it from a backup (a new key cannot verify entries the old one wrote)", null);
      }
      return new HmacAuditMac(key, "local:" + file);
    } catch (IOException e) {
      throw new AuditKeyUnavailableException("cannot read or create the audit key file " + file + ": " + e, e);
    }
  }

  /**
   * Writes the key to an owner-only temporary file, then links it into place: the key file appears
   * whole or not at all, and a gantry process that created it first keeps its key (the link fails).
   */
  private static void create(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    boolean posix = Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null;
    Path temporary = posix
        ? Files.createTempFile(file.getParent(), ".audit-mac", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(file.getParent(), ".audit-mac", ".tmp");
    try {
      Files.write(temporary, key, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
      Files.createLink(file, temporary);
    } catch (FileAlreadyExistsException raced) {
      // another gantry process created it first: use theirs
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static void checkOwnerOnly(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    if (!OWNER_ONLY.containsAll(permissions)) {
      throw new AuditKeyUnavailableException("the audit key file " + file + " has permissions "
          + PosixFilePermissions.toString(permissions) + ": others could read it and forge audit entries; "
          + "run chmod 600 " + file + " if no one else has read it", null);
    }
  }
}
