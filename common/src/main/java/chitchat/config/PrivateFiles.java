package chitchat.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code DATA_DIR} and what is in it to the user the server runs as: the directory 700, files 600.
 *
 * <p>It holds the embedded store (password hashes, every message) and the development JWT key; with the usual umask
 * they would be 755/644, readable by every local user. The directory's mode is what really protects them, also
 * the files the store creates later (H2 writes temporary files beside its own); files are tightened as well, so a
 * directory later opened up or copied does not expose them. Nothing happens on a file system without POSIX modes.
 */
public final class PrivateFiles {

    private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} (and its parents) if needed and makes it 700. An existing directory that anyone may write
     * to is a shared one ({@code /tmp}): it is left as it is, with a warning, rather than locking others out of it.
     */
    public static Path directory(Path dir) {
        try {
            if (!posix(dir)) {
                Files.createDirectories(dir);
                return dir;
            }
            if (!Files.isDirectory(dir)) { // created private (with any missing parents), never readable by others
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            }
            Set<PosixFilePermission> current = Files.getPosixFilePermissions(dir);
            if (current.contains(PosixFilePermission.OTHERS_WRITE)) {
                log.warn("event=data_dir_shared dir={} mode={} hint=\"set DATA_DIR to a directory of its own\"",
                        dir, PosixFilePermissions.toString(current));
            } else if (!current.equals(DIRECTORY)) {
                Files.setPosixFilePermissions(dir, DIRECTORY);
                log.info("event=data_dir_restricted dir={} was={} now=rwx------", dir, PosixFilePermissions.toString(current));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or restrict DATA_DIR " + dir + "; set DATA_DIR to a directory this user owns", e);
        }
    }

    /** Makes an existing {@code file} 600 (read and write for its owner only). */
    public static Path file(Path file) {
        try {
            if (posix(file)) {
                Files.setPosixFilePermissions(file, FILE);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict " + file + " to its owner", e);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
